// RemoteprocDriver against the virtual board's kernel model in-process: kernel errors mapped to typed errors (remoteproc.md §1.3, §1.4).
import { loadProfile } from '../../harness/config';
import { RemoteprocDriver, RemoteprocError } from '../../harness/remoteproc';
import { disposeBoards, firmwareImage, makeBoard, oldEra, type ProfileTweak } from '../virtual/kernel/fixtures';
import { InProcessRunner } from './in-process-runner';

afterAll(disposeBoards);

async function setup(tweak?: ProfileTweak) {
  const b = await makeBoard('virtual-mp157', tweak);
  const runner = new InProcessRunner(b);
  const driver = new RemoteprocDriver({ runner, profile: b.profile, board: 'virtual-mp157', pollMs: 5 });
  return { b, runner, driver };
}

async function caught(p: Promise<unknown>): Promise<RemoteprocError> {
  const e: unknown = await p.then(() => undefined, (x: unknown) => x);
  if (!(e instanceof RemoteprocError)) throw new Error(`expected a RemoteprocError, got ${String(e)}`);
  return e;
}

describe('remoteproc.md §1.3/§1.4 kernel errors become RemoteprocError with errno, state and dmesg', () => {
  test('remoteproc.md §1.4 start with a missing firmware file: ENOENT, the loader lines, and what to do', async () => {
    const { driver } = await setup();
    await driver.setFirmware('missing.elf');
    const e = await caught(driver.start());
    expect(e.code).toBe('E_REMOTE');
    expect(e.errno).toBe(2);
    expect(e.errnoName).toBe('ENOENT');
    expect(e.operation).toBe('start');
    expect(e.state).toBe('offline');
    expect(e.dmesg.some((l) => l.endsWith('Direct firmware load for missing.elf failed with error -2'))).toBe(true);
    expect(e.message).toMatch(/^start of m4 \(remoteproc0\) on virtual-mp157 failed: ENOENT \(2, No such file or directory\) in state offline\ndmesg since the write:\n/);
    expect(e.message).toMatch(/Boot failed: -2/);
    expect(e.message).toMatch(/what to do: the firmware file is missing from \/lib\/firmware: deploy it first/);
  });

  test('remoteproc.md §1.4 set firmware while running: EBUSY with the kernel line "can\'t change firmware while running"', async () => {
    const { driver } = await setup();
    await driver.deploy(firmwareImage(), 'fw.elf');
    await driver.setFirmware('fw.elf');
    await driver.start();
    const e = await caught(driver.setFirmware('other.elf'));
    expect([e.errno, e.errnoName, e.operation, e.state]).toEqual([16, 'EBUSY', 'set firmware', 'running']);
    expect(e.dmesg.some((l) => l.endsWith("can't change firmware while running"))).toBe(true);
    expect(e.message).toMatch(/what to do: the firmware name can only change while offline: stop the coprocessor first/);
    expect(await driver.firmware()).toBe('fw.elf');
  });

  test('remoteproc.md §1.3 stop while offline: EINVAL and no dmesg line', async () => {
    const { driver } = await setup();
    const e = await caught(driver.stop());
    expect([e.errno, e.errnoName, e.state]).toEqual([22, 'EINVAL', 'offline']);
    expect(e.dmesg).toEqual([]);
    expect(e.message).toContain('stop of m4 (remoteproc0) on virtual-mp157 failed: EINVAL (22, Invalid argument) in state offline\ndmesg since the write: (nothing)');
  });

  test('remoteproc.md §1.3 old rules (<5.19): a second start while running is EBUSY', async () => {
    const { driver } = await setup(oldEra);
    await driver.deploy(firmwareImage(), 'fw.elf');
    await driver.setFirmware('fw.elf');
    await driver.start();
    const e = await caught(driver.start());
    expect([e.errnoName, e.state]).toEqual(['EBUSY', 'running']);
    expect(e.message).toMatch(/already running \(kernels before 5\.19 refuse a second start\)/);
  });

  test('remoteproc.md §1.3 new rules: start twice then stop once leaves it running (refcount), the second stop stops it', async () => {
    const { driver } = await setup();
    await driver.deploy(firmwareImage(), 'fw.elf');
    await driver.setFirmware('fw.elf');
    await driver.start();
    await driver.start();
    await driver.stop();
    expect(await driver.state()).toBe('running');
    await driver.stop();
    expect(await driver.waitForState('offline', { phase: 'remoteproc stop', timeoutMs: 2000 })).toBe('offline');
  });

  test('remoteproc.md §1.3 detach outside attached: EINVAL with the detach hint', async () => {
    const { driver } = await setup();
    const e = await caught(driver.detach());
    expect(e.errnoName).toBe('EINVAL');
    expect(e.message).toMatch(/detach works only in state attached/);
  });
});

describe('waits name the phase, the budget, the board and what was last seen (DESIGN §7)', () => {
  test('waitForState timeout', async () => {
    const { driver } = await setup();
    const e: unknown = await driver.waitForState('running', { phase: 'boot smoke', timeoutMs: 30 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'E_TIMEOUT' });
    expect((e as Error).message).toMatch(/^phase "boot smoke" ran out of its 30 ms budget on board virtual-mp157 waiting for m4 state running; last seen: state offline\ndmesg tail:\n {2}\[ +\d+\.\d{6}\] /);
  });

  test('waitForTtys: both ttys of the test firmware appear after start; a third never does and the timeout says how many were seen', async () => {
    const { driver } = await setup();
    await driver.deploy(firmwareImage(), 'fw.elf');
    await driver.setFirmware('fw.elf');
    await driver.start();
    expect(await driver.waitForTtys(2, { timeoutMs: 3000 })).toEqual(['/dev/ttyRPMSG0', '/dev/ttyRPMSG1']);
    await expect(driver.waitForTtys(3, { timeoutMs: 30 })).rejects.toThrow(/^phase "tty" ran out of its 30 ms budget on board virtual-mp157 waiting for 3 \/dev\/ttyRPMSG\* device\(s\); last seen: 2 tty\(s\): \/dev\/ttyRPMSG0 \/dev\/ttyRPMSG1/);
  });
});

describe('deploy (sha256-checked, via a temporary name)', () => {
  test('the first deploy uploads and verifies; the same bytes again are skipped; new bytes replace them', async () => {
    const { b, driver, runner } = await setup();
    const fw = firmwareImage();
    expect(await driver.deploy(fw, 'fw.elf')).toMatchObject({ path: '/lib/firmware/fw.elf', skipped: false, uploads: 1 });
    expect(Buffer.from(await b.fs.readFile('/lib/firmware/fw.elf')).equals(Buffer.from(fw))).toBe(true);
    expect(runner.commands).toContain("mv -f /lib/firmware/.fw.elf.rproc-hil-tmp /lib/firmware/fw.elf");
    expect(await driver.deploy(fw, 'fw.elf')).toMatchObject({ skipped: true, uploads: 0 });
    const other = firmwareImage({ info: 'control=0' });
    expect(await driver.deploy(other, 'fw.elf')).toMatchObject({ skipped: false });
    expect(b.fs.readdir('/lib/firmware').filter((n) => n.includes('tmp'))).toEqual([]);
  });

  test('hostile firmware names are refused before anything reaches the board', async () => {
    const { driver, runner } = await setup();
    const before = runner.commands.length;
    for (const [name, why] of [
      ['../etc/passwd', 'has characters outside [A-Za-z0-9._-]'],
      ['x;reboot', 'has characters outside [A-Za-z0-9._-]'],
      ['$(reboot)', 'has characters outside [A-Za-z0-9._-]'],
      ['-rf', 'starts with "-"'],
      ['fw..elf', 'contains ".."'],
      ['', 'is empty'],
    ] as const) {
      await expect(driver.setFirmware(name)).rejects.toThrow(`firmware name ${JSON.stringify(name)} refused: it ${why}`);
      await expect(driver.deploy(new Uint8Array(4), name)).rejects.toMatchObject({ code: 'E_USAGE' });
    }
    expect(runner.commands.length).toBe(before);
  });
});

describe('instance discovery and remote output (remoteproc.md §1.1, §1.2)', () => {
  const profile = loadProfile('virtual-mp157');
  const scripted = (answers: Record<string, string>) => ({
    commands: [] as string[],
    async exec(command: string) {
      this.commands.push(command);
      const key = Object.keys(answers).find((k) => command.startsWith(k));
      return key === undefined ? { stdout: '', stderr: `bash: ${command}: unexpected`, code: 127 } : { stdout: answers[key] ?? '', stderr: '', code: 0 };
    },
    async stream(): Promise<never> {
      throw new Error('no streams');
    },
  });

  test('the instance is found by name, not assumed to be remoteproc0', async () => {
    const runner = scripted({ 'grep -H': '/sys/class/remoteproc/remoteproc0/name:m0\n/sys/class/remoteproc/remoteproc1/name:m4\n', 'cat /sys/class/remoteproc/remoteproc1/state': 'offline\n' });
    const driver = new RemoteprocDriver({ runner, profile, board: 'lab-dk2' });
    expect(await driver.instance()).toEqual({ id: 'remoteproc1', sysfs: '/sys/class/remoteproc/remoteproc1', debugfs: '/sys/kernel/debug/remoteproc/remoteproc1' });
    expect(await driver.state()).toBe('offline');
  });

  test('no instance with the profile name: the message lists what was found', async () => {
    const driver = new RemoteprocDriver({ runner: scripted({ 'grep -H': '/sys/class/remoteproc/remoteproc0/name:m0\n' }), profile, board: 'lab-dk2' });
    await expect(driver.state()).rejects.toThrow('board lab-dk2 has no remoteproc instance named "m4" (found: remoteproc0=m0); check the profile\'s coprocessor.name and that the rproc driver is loaded');
  });

  test('a state text the kernel never prints is an E_REMOTE naming the text', async () => {
    const runner = scripted({ 'grep -H': '/sys/class/remoteproc/remoteproc0/name:m4\n', 'cat /sys/class/remoteproc/remoteproc0/state': 'booting\n' });
    const driver = new RemoteprocDriver({ runner, profile, board: 'lab-dk2' });
    await expect(driver.state()).rejects.toMatchObject({ code: 'E_REMOTE', message: expect.stringMatching(/^\/sys\/class\/remoteproc\/remoteproc0\/state read "booting\\n", which is not a remoteproc state/) });
  });

  test('firmware.md §7 fw_format TEE on a board whose profile says elf: refused before any upload, saying what to set', async () => {
    const runner = scripted({ 'grep -H': '/sys/class/remoteproc/remoteproc0/name:m4\n', 'test -e /sys/class/remoteproc/remoteproc0/fw_format': 'TEE\n' });
    const driver = new RemoteprocDriver({ runner, profile, board: 'lab-ev1' });
    expect(await driver.firmwareFormat()).toBe('TEE');
    await expect(driver.deployImage(new Uint8Array(8), 'fw.elf')).rejects.toThrow('lab-ev1 loads signed firmware only (fw_format TEE) but its profile says firmware.format: elf; set format: tee-signed and a signCommand (reference/firmware.md §7)');
    expect(runner.commands.some((c) => c.startsWith('sha256sum') || c.startsWith('cat >'))).toBe(false);
  });
});
