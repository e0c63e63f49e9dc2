// The virtual board (DESIGN §5): kernel model + SSH server + serial console + power + fault knobs, as one object.
import * as path from 'node:path';
import { loadProfile, type BoardProfile } from '../config';
import { MemFs } from './fs/memfs';
import { KernelModel } from './kernel';
import { ModelCoprocessor } from './coprocessor/model';
import { TwinCoprocessor } from './coprocessor/twin';
import type { Coprocessor } from './coprocessor/types';
import { startSshServer, type SshServerHandle } from './ssh/server';
import { startConsoleCable, type ConsoleCable } from './console-cable';
import { startConsole, type ConsoleEndpoint, type ConsoleKind, type VirtualConsole } from './console';
import { consoleShellFactory } from './console/shell';
import { BoardPower } from './power';
import { powerSocketPath, startPowerSocket, type PowerSocketServer } from './power-socket';
import { BoardFaultControl, NO_FAULTS, type BoardFaults, type FaultName } from './faults';

export interface VirtualBoardOptions {
  /** a profile name from boards/ (virtual-mp157, twin-mp257, …), a path, or a loaded profile */
  profile: string | BoardProfile;
  /** keys and console links live here; default `.board-state/<profile>` */
  stateDir?: string;
  /** SSH port (0 or absent = any free port) */
  port?: number;
  /** default: pty when socat is installed, else tcp */
  console?: ConsoleKind;
  /** TCP console port when console is tcp (0 = any free port) */
  consolePort?: number;
  faults?: Partial<BoardFaults>;
}

export interface VirtualBoard {
  ssh: { host: '127.0.0.1'; port: number; user: 'root'; hostKey: string; privateKey: string };
  console: ConsoleEndpoint;
  profile: BoardProfile;
  kernel: KernelModel;
  power: BoardPower;
  /** unix socket serving `power` to other processes (`on|off|cycle\n` -> `ok\n` | `error <text>\n`), normally `<stateDir>/power.sock` */
  powerSocket: string;
  /** the knobs as currently set (read-only view; change them with setFault) */
  faults: Readonly<BoardFaults>;
  setFault(name: FaultName, value: number | boolean): Promise<void>;
  /** `{"ssh":{…},"console":{…},"power":{"backend":"virtual","socket":…}}`: the READY line of DESIGN §4.2 plus the power socket */
  readyJson(): string;
  stop(): Promise<void>;
}

export async function startVirtualBoard(opts: VirtualBoardOptions): Promise<VirtualBoard> {
  const profile = typeof opts.profile === 'string' ? loadProfile(opts.profile) : opts.profile;
  const virtual = profile.virtual;
  const stateDir = path.resolve(opts.stateDir ?? path.join('.board-state', profile.name));
  const fs = new MemFs();
  const makeCoprocessor = (): Coprocessor =>
    virtual?.coprocessor === 'twin' ? new TwinCoprocessor({ profile, stateDir }) : new ModelCoprocessor({ memory: profile.coprocessor.memory });
  const kernel = new KernelModel({ profile, fs, coprocessor: makeCoprocessor });
  const hostname = kernel.settings.hostname;

  // a TCP console sits behind a cable that can be pulled (fault unplugConsoleMs), like ser2net on a USB adaptor
  const consoleP = startConsole({ kind: opts.console, stateDir, tcpPort: 0, hostname, shell: consoleShellFactory(fs, () => kernel.shellHost()) });
  const sshP = startSshServer({ stateDir, port: opts.port ?? 0, fs, host: kernel.shellHost() });
  // Nobody can be reading the console before READY (and a serial port flushes on open), so the first boot runs
  // alongside the servers' start-up; later boots (power on, reboots) print on the console.
  const bootP = kernel.boot();
  let ssh: SshServerHandle;
  let con: VirtualConsole;
  try {
    [ssh, con] = await Promise.all([sshP, consoleP, bootP]);
  } catch (e) {
    await Promise.allSettled([consoleP.then((c) => c.close()), sshP.then((s) => s.close()), kernel.dispose()]);
    throw e;
  }
  let cable: ConsoleCable | undefined;
  try {
    if ('tcp' in con.endpoint) cable = await startConsoleCable(con.endpoint, opts.consolePort ?? 0);
  } catch (e) {
    await Promise.allSettled([con.close(), ssh.close(), kernel.dispose()]);
    throw e;
  }
  const consoleEndpoint: ConsoleEndpoint = cable ? cable.endpoint : con.endpoint;
  const sshPort = ssh.port;
  const unsubscribe = kernel.onDmesg((line) => con.kernelLine(line));
  con.loginPrompt();

  const faults = new BoardFaultControl({
    kernel,
    fs,
    ssh: () => ssh,
    powerOff: () => power.off(),
    powerOn: () => power.on(),
    firmwareQuota: virtual?.firmwareQuotaBytes,
    ...(cable ? { console: cable } : {}),
  });
  const power = new BoardPower({
    // the kernel keeps its state while off (nobody can reach it); power-on reboots it from scratch
    async cut() {
      faults.disarm();
      faults.capture();
      con.silence();
      ssh.dropAllConnections();
      await ssh.close();
    },
    async restore() {
      con.booting();
      await kernel.reset();
      ssh = await startSshServer({ stateDir, port: sshPort, fs, host: kernel.shellHost() });
      faults.reapply();
      con.loginPrompt();
    },
  });
  let powerServer: PowerSocketServer;
  try {
    powerServer = await startPowerSocket(powerSocketPath(stateDir), power);
  } catch (e) {
    faults.dispose();
    unsubscribe();
    await Promise.allSettled([ssh.close(), con.close(), cable?.close()]);
    await kernel.dispose();
    throw e;
  }
  let stopped: Promise<void> | null = null;
  const board: VirtualBoard = {
    get ssh() {
      return { host: ssh.host, port: ssh.port, user: ssh.user, hostKey: ssh.hostKeyFingerprint, privateKey: ssh.privateKeyPath };
    },
    console: consoleEndpoint,
    profile,
    kernel,
    power,
    powerSocket: powerServer.path,
    get faults() {
      return faults.current;
    },
    setFault: (name, value) => faults.set(name, value),
    readyJson: () => JSON.stringify({ ssh: board.ssh, console: consoleEndpoint, power: { backend: 'virtual', socket: powerServer.path } }),
    stop() {
      stopped ??= (async () => {
        faults.dispose();
        // no new switching from outside while the board goes down
        await powerServer.close();
        await power.dispose();
        unsubscribe();
        con.silence();
        await Promise.allSettled([ssh.close(), con.close(), cable?.close()]);
        await kernel.dispose();
      })();
      return stopped;
    },
  };
  try {
    await faults.setAll({ ...NO_FAULTS, ...opts.faults });
  } catch (e) {
    await board.stop();
    throw e;
  }
  return board;
}
