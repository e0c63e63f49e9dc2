// The QEMU behind one twin across starts: respawn for a new ELF (or a dead/dirty process), else reset in place.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InfraError, StateError } from '../../../errors';
import type { TwinMachine } from './machine';
import { QemuProcess, type QemuExit } from './qemu';
import type { QmpEvent } from './qmp';

export interface SessionHandlers {
  console(line: string): void;
  doorbell(byte: number): void;
  exit(info: QemuExit, stderrTail: string): void;
  event(e: QmpEvent): void;
}

export interface SessionOptions {
  qemuBinary: string;
  machine: TwinMachine;
  shmPath: string;
  /** where the ELF QEMU loads is written */
  stateDir: string;
  /** file-name prefix, unique per twin */
  prefix: string;
  /** budget of start-up and of each QMP command (profile timeouts.start) */
  budgetMs: number;
  handlers: SessionHandlers;
}

const QUIT_BUDGET_MS = 2000;

export class QemuSession {
  private proc: QemuProcess | null = null;
  private loaded: { hash: string; file: string } | null = null;
  private dirty = false;
  private ranSinceReset = false;

  constructor(private readonly o: SessionOptions) {}

  get process(): QemuProcess | null {
    return this.proc;
  }

  /** the process must not be reused: a byte the firmware never read (e.g. an unacked shutdown) waits in its socket */
  markDirty(): void {
    this.dirty = true;
  }

  /** QEMU with `elf` freshly loaded and the CPU held (prelaunch), ready for the table patch and `cont` */
  async prepare(name: string, elf: Uint8Array, hash: string): Promise<QemuProcess> {
    const proc = this.proc;
    if (proc === null || !proc.alive || this.dirty || this.loaded?.hash !== hash) return this.respawn(name, elf, hash);
    if (this.ranSinceReset) {
      // QEMU reloads every PT_LOAD segment at reset and holds the CPU until cont (qemu-twin.md §5.3)
      await this.call('stop', 'twin-hold');
      await this.call('system_reset', 'twin-reset');
      this.ranSinceReset = false;
    }
    return proc;
  }

  /** QMP `cont`: the core runs from here on until the next prepare() */
  async release(): Promise<void> {
    this.ranSinceReset = true;
    try {
      await this.call('cont', 'twin-release');
    } catch (e) {
      this.dirty = true;
      throw e;
    }
  }

  async call(command: string, phase: string, args?: Record<string, unknown>): Promise<void> {
    const proc = this.proc;
    if (proc === null || !proc.alive) throw new StateError(`QEMU is not running (phase ${phase})`, { phase });
    await proc.qmp.execute(command, args, { phase, timeoutMs: this.o.budgetMs });
  }

  /** quit QEMU (SIGKILL after 2 s) and delete the ELF copy */
  async close(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (proc !== null) await proc.quit(QUIT_BUDGET_MS);
    if (this.loaded !== null) fs.rmSync(this.loaded.file, { force: true });
    this.loaded = null;
  }

  private async respawn(name: string, elf: Uint8Array, hash: string): Promise<QemuProcess> {
    await this.close();
    const file = path.join(this.o.stateDir, `${this.o.prefix}-${hash.slice(0, 12)}.elf`);
    try {
      fs.mkdirSync(this.o.stateDir, { recursive: true });
      fs.writeFileSync(file, elf);
    } catch (e) {
      throw new InfraError('E_IO', `cannot write the twin's firmware copy ${file}: ${(e as Error).message}`, { file }, { cause: e });
    }
    this.loaded = { hash, file };
    const proc = QemuProcess.spawn({ qemuBinary: this.o.qemuBinary, machine: this.o.machine, kernelPath: file, shmPath: this.o.shmPath });
    this.proc = proc;
    const h = this.o.handlers;
    proc.on('console', (line) => this.proc === proc && h.console(line));
    proc.on('doorbell', (b) => this.proc === proc && h.doorbell(b));
    proc.qmp.on('event', (e) => this.proc === proc && h.event(e));
    proc.on('exit', (info) => {
      if (this.proc !== proc) return;
      this.proc = null;
      h.exit(info, proc.stderrTail());
    });
    try {
      await proc.qmp.handshake(this.o.budgetMs);
    } catch (e) {
      this.proc = null;
      const exit = await Promise.race([proc.kill(), new Promise<null>((r) => setTimeout(() => r(null), 1000))]);
      throw new InfraError(
        'E_REMOTE',
        `QEMU did not come up for ${name} (${exit === null ? 'still running' : `exit ${exit.code ?? exit.signal}`}): ${proc.stderrTail() || (e as Error).message}`,
        { firmware: name, command: proc.commandLine.join(' ') },
        { cause: e },
      );
    }
    this.dirty = false;
    this.ranSinceReset = false;
    return proc;
  }
}
