// scripts/hil.js on a fresh Debian machine: which apt packages, npm ci and firmware build it runs, decided from injected probes.
import * as path from 'node:path';

interface Probe {
  nodeVersion: string;
  hasCommand(name: string): boolean;
  hasNewlib(): boolean;
  isRoot: boolean;
  nodeModulesStale: boolean;
  firmwareStale: boolean;
}

interface SetupPlan {
  error?: string;
  missing: string[];
  packages: string[];
  apt: string[][] | null;
  manual: string | null;
  npmCi: boolean;
  buildFirmware: boolean;
}

interface HilScript {
  planSetup(args: string[], probe: Probe): SetupPlan;
  boardsOf(args: string[]): string[] | null;
}

const script = jest.requireActual<HilScript>(path.resolve(__dirname, '../../scripts/hil.js'));

/** a machine with these commands on PATH (sudo included when listed) */
function machine(commands: string[], over: Partial<Probe> = {}): Probe {
  return {
    nodeVersion: 'v20.19.0',
    hasCommand: (name) => commands.includes(name),
    hasNewlib: () => commands.includes('newlib'),
    isRoot: true,
    nodeModulesStale: false,
    firmwareStale: false,
    ...over,
  };
}

const ALL = ['make', 'arm-none-eabi-gcc', 'newlib', 'qemu-system-arm', 'socat'];

describe('scripts/hil.js setup plan', () => {
  test('a fresh Debian root shell: apt-get update, then one install of every missing package; npm ci; firmware build', () => {
    const plan = script.planSetup([], machine([], { nodeModulesStale: true, firmwareStale: true }));
    expect(plan).toEqual({
      missing: ['make', 'arm-none-eabi-gcc', 'newlib for arm-none-eabi', 'qemu-system-arm', 'socat'],
      packages: ['make', 'gcc-arm-none-eabi', 'libnewlib-arm-none-eabi', 'qemu-system-arm', 'socat'],
      apt: [
        ['apt-get', 'update'],
        ['apt-get', 'install', '-y', '--no-install-recommends', 'make', 'gcc-arm-none-eabi', 'libnewlib-arm-none-eabi', 'qemu-system-arm', 'socat'],
      ],
      manual: null,
      npmCi: true,
      buildFirmware: true,
    });
  });

  test('everything present and up to date: nothing to do before the CLI', () => {
    expect(script.planSetup([], machine(ALL))).toEqual({ missing: [], packages: [], apt: null, manual: null, npmCi: false, buildFirmware: false });
  });

  test('a user with sudo gets sudo apt-get; without sudo the exact command is printed instead', () => {
    const sudo = script.planSetup([], machine([...ALL.filter((c) => c !== 'socat'), 'sudo'], { isRoot: false }));
    expect(sudo.apt).toEqual([['sudo', 'apt-get', 'update'], ['sudo', 'apt-get', 'install', '-y', '--no-install-recommends', 'socat']]);
    const none = script.planSetup([], machine(ALL.filter((c) => c !== 'qemu-system-arm'), { isRoot: false }));
    expect(none.apt).toBeNull();
    expect(none.manual).toBe("sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends qemu-system-arm'");
  });

  test('gcc without newlib installs only newlib', () => {
    const plan = script.planSetup([], machine(['make', 'arm-none-eabi-gcc', 'qemu-system-arm', 'socat'], { firmwareStale: true }));
    expect(plan.packages).toEqual(['libnewlib-arm-none-eabi']);
  });

  test('the compiler is needed only when the firmware must be built', () => {
    const fresh = script.planSetup([], machine(['qemu-system-arm', 'socat']));
    expect(fresh).toMatchObject({ packages: [], buildFirmware: false });
    const custom = script.planSetup(['--board', 'virtual-mp157', '--firmware', 'my-elfs'], machine(['socat'], { firmwareStale: true }));
    expect(custom).toMatchObject({ packages: [], buildFirmware: false });
  });

  test('QEMU only for twin boards, socat only for in-process boards; farm boards need neither', () => {
    expect(script.planSetup(['--board', 'virtual-mp157,virtual-mp257'], machine([])).packages).toEqual(['socat']);
    expect(script.planSetup(['--board=twin-mp257'], machine([])).packages).toEqual(['qemu-system-arm', 'socat']);
    expect(script.planSetup(['--board', 'mp157-03', '--farm', 'farm.yaml'], machine([])).packages).toEqual([]);
  });

  test('--help installs no tools and builds nothing, but still needs node_modules', () => {
    expect(script.planSetup(['--help'], machine([], { nodeModulesStale: true, firmwareStale: true }))).toEqual({
      missing: [],
      packages: [],
      apt: null,
      manual: null,
      npmCi: true,
      buildFirmware: false,
    });
  });

  test('Node older than 20 is refused with what to install', () => {
    expect(script.planSetup([], machine(ALL, { nodeVersion: 'v18.19.1' })).error).toBe(
      'rproc-hil needs Node 20 or newer, this is v18.19.1; install Node 20 (e.g. apt-get install nodejs from NodeSource) and run again',
    );
  });

  test('board names are read from every spelling of --board', () => {
    expect(script.boardsOf(['--board', 'a,b', '--board=c', '--suite', 'boot'])).toEqual(['a', 'b', 'c']);
    expect(script.boardsOf(['--suite', 'boot'])).toBeNull();
  });
});
