// One qemu-system-arm process per twin: spawn line of qemu-twin.md §0, fd-passed socketpairs, stderr tail, death with its parent.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { InfraError } from '../../../errors';
import type { TwinMachine } from './machine';
import { QmpClient } from './qmp';
import { findExecutable } from '../../host-tools';

export interface QemuSpawnOptions {
  /** binary name (looked up in PATH) or path; default qemu-system-arm */
  qemuBinary: string;
  machine: TwinMachine;
  kernelPath: string;
  /** the memory-backend-file (unique per board, also how `pgrep -f` finds this QEMU) */
  shmPath: string;
}

export interface QemuExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** `qemu: fatal: Lockup:` on stderr: the core faulted inside HardFault (qemu-twin.md §4.1) */
  lockup: boolean;
}

export interface QemuEvents {
  console: [string];
  doorbell: [number];
  exit: [QemuExit];
}

const HARMLESS_STDERR = /nic lan9118\.0 has no peer/; // qemu-twin.md §5.5: always printed, -nic none does not silence it
const STDERR_LINES_KEPT = 40;
const CONSOLE_LINE_MAX = 4096;

export function qemuArgs(o: QemuSpawnOptions): string[] {
  return [
    '-M', `${o.machine},memory-backend=twinram`,
    '-object', `memory-backend-file,id=twinram,size=16M,mem-path=${o.shmPath},share=on`,
    '-kernel', o.kernelPath,
    '-S',
    '-display', 'none', '-nodefaults', '-monitor', 'none',
    '-chardev', 'socket,id=con,fd=3', '-serial', 'chardev:con',
    '-chardev', 'socket,id=ipcc,fd=4', '-serial', 'chardev:ipcc',
    '-chardev', 'socket,id=qmp,fd=5', '-mon', 'chardev=qmp,mode=control',
    '-action', 'watchdog=pause',
  ];
}

let warnedNoSetpriv = false;

export class QemuProcess extends EventEmitter<QemuEvents> {
  readonly qmp: QmpClient;
  private readonly stderrLines: string[] = [];
  private stderrPartial = '';
  private consolePartial = '';
  private exitInfo: QemuExit | null = null;
  private readonly exited: Promise<QemuExit>;

  private constructor(
    private readonly child: ChildProcess,
    readonly commandLine: string[],
  ) {
    super();
    const [, stdout, stderr, con, ipcc, qmp] = child.stdio as unknown as [unknown, Duplex | null, Duplex | null, Duplex | null, Duplex | null, Duplex | null];
    if (stdout === null || stderr === null || con === null || ipcc === null || qmp === null) {
      throw new InfraError('E_TOOL', `could not start ${commandLine[0] ?? 'qemu'}: its stdio pipes were not created`, { command: commandLine.join(' ') });
    }
    stdout.setEncoding('utf8');
    stdout.on('data', (s: string) => this.onStderr(s));
    stderr.setEncoding('utf8');
    stderr.on('data', (s: string) => this.onStderr(s));
    con.setEncoding('latin1');
    con.on('data', (s: string) => this.onConsole(s));
    ipcc.on('data', (b: Buffer) => {
      for (const byte of b) this.emit('doorbell', byte);
    });
    for (const s of [con, ipcc, qmp]) s.on('error', () => undefined); // EPIPE after QEMU died: the exit event reports it
    this.qmp = new QmpClient(qmp, () => this.stderrTail());
    this.exited = new Promise<QemuExit>((resolve) => {
      child.once('exit', (code, signal) => {
        if (this.stderrPartial !== '') this.pushStderr(this.stderrPartial);
        if (this.consolePartial !== '') this.emit('console', this.consolePartial.replace(/\r+$/, ''));
        this.consolePartial = '';
        this.exitInfo = { code, signal, lockup: this.stderrLines.some((l) => l.includes('Lockup:')) };
        this.emit('exit', this.exitInfo);
        resolve(this.exitInfo);
      });
    });
  }

  /** spawn -S (CPU held), console on UART0 = fd 3, doorbells on UART1 = fd 4, QMP = fd 5 */
  static spawn(o: QemuSpawnOptions): QemuProcess {
    const qemu = findExecutable(o.qemuBinary);
    if (qemu === null) {
      throw new InfraError('E_TOOL', `${o.qemuBinary} not found: apt-get install --no-install-recommends qemu-system-arm`, {
        tool: o.qemuBinary,
        debianPackage: 'qemu-system-arm',
      });
    }
    const setpriv = findExecutable('setpriv');
    const args = qemuArgs(o);
    let command: string;
    let argv: string[];
    if (setpriv !== null) {
      // qemu-twin.md §5.5: without PDEATHSIG, QEMU outlives a killed Node process
      command = setpriv;
      argv = ['--pdeathsig', 'KILL', qemu, ...args];
    } else {
      if (!warnedNoSetpriv) {
        warnedNoSetpriv = true;
        process.emitWarning('setpriv (util-linux) not found: a QEMU twin may outlive a killed harness; apt-get install util-linux', {
          code: 'RPROC_HIL_NO_SETPRIV',
        });
      }
      command = qemu;
      argv = args;
    }
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'] });
    const proc = new QemuProcess(child, [command, ...argv]);
    child.once('error', (e) => proc.pushStderr(`spawn failed: ${e.message}`));
    return proc;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitInfo === null;
  }

  get exit(): QemuExit | null {
    return this.exitInfo;
  }

  /** one doorbell byte to the firmware (an IPCC channel number) */
  ring(byte: number): void {
    const ipcc = this.child.stdio[4] as Duplex | null;
    if (this.alive && ipcc !== null && !ipcc.destroyed) ipcc.write(Buffer.of(byte & 0xff));
  }

  stderrTail(): string {
    return this.stderrLines.slice(-8).join(' | ');
  }

  /** QMP quit, then SIGKILL if QEMU has not exited within the budget */
  async quit(timeoutMs: number): Promise<QemuExit> {
    if (this.exitInfo !== null) return this.exitInfo;
    this.qmp.execute('quit', undefined, { phase: 'twin-quit', timeoutMs }).catch(() => undefined);
    return this.killAfter(timeoutMs);
  }

  async kill(): Promise<QemuExit> {
    if (this.exitInfo !== null) return this.exitInfo;
    this.child.kill('SIGKILL');
    return this.exited;
  }

  private async killAfter(ms: number): Promise<QemuExit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), ms);
    });
    const r = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    return r === 'late' ? this.kill() : r;
  }

  private onStderr(s: string): void {
    const parts = (this.stderrPartial + s).split('\n');
    this.stderrPartial = parts.pop() ?? '';
    for (const line of parts) this.pushStderr(line);
  }

  private pushStderr(line: string): void {
    const l = line.trimEnd();
    if (l === '' || HARMLESS_STDERR.test(l)) return;
    this.stderrLines.push(l);
    if (this.stderrLines.length > STDERR_LINES_KEPT) this.stderrLines.shift();
  }

  private onConsole(s: string): void {
    const parts = (this.consolePartial + s).split('\n');
    this.consolePartial = parts.pop() ?? '';
    if (this.consolePartial.length > CONSOLE_LINE_MAX) {
      parts.push(this.consolePartial);
      this.consolePartial = '';
    }
    for (const line of parts) this.emit('console', line.replace(/\r+$/, ''));
  }
}
