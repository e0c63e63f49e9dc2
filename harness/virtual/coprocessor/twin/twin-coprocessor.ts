// The twin coprocessor: the firmware/ build running in QEMU, wired to the kernel model through the shm window and UART doorbells.
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import type { BoardProfile } from '../../../config';
import { ElfError, StateError } from '../../../errors';
import type { BootImage, Coprocessor, CoprocessorEvents, RpmsgMessage } from '../types';
import { readControlBlock, type TwinControlBlock } from './control-block';
import { crashKnobOf, type CrashKnob } from './crash-knob';
import { assertTableInWindow } from './live-table';
import type { QemuExit, QemuProcess } from './qemu';
import { linkRpmsg } from './rpmsg-link';
import { QemuSession } from './session';
import { RegionSnapshots } from './snapshots';
import { twinFactsOf, type TwinFacts } from './twin-profile';
import { TxWaiters } from './tx-waiters';
import type { RpmsgHost } from './virtio-host';
import { SharedWindow } from './window';

export interface TwinOptions {
  profile: BoardProfile;
  /** where the twin keeps the ELF QEMU loads (created when missing); the window and snapshots live in /dev/shm */
  stateDir: string;
  /** qemu-system-arm by default */
  qemuBinary?: string;
  /** the WWDG period the twin stands for: the delay of the injectCrash fallback (default 2000 ms: the firmware's CMSDK watchdog, 2 stages of 1 s, TWIN-PROTOCOL.md) */
  watchdogPeriodMs?: number;
}

/** doorbell channels of TWIN-PROTOCOL.md "Doorbells" (IPCC channel numbers on MP15) */
const DOORBELL_SHUTDOWN = 2;
const DOORBELL_DETACH = 3;
const EM_ARM = 40;
const KEEP_LINES = 2000;

export type TwinState = 'idle' | 'running' | 'crashed' | 'stopped' | 'disposed';

let instances = 0;

export class TwinCoprocessor extends EventEmitter<CoprocessorEvents> implements Coprocessor {
  readonly kind = 'twin' as const;
  readonly facts: TwinFacts;
  /** the memory-backend file in /dev/shm, unique per twin (QEMU's command line names it) */
  readonly shmPath: string;
  /** the firmware console (UART0), newest last */
  readonly consoleLines: string[] = [];
  /** what the kernel would print about a misbehaving remote, and the twin's own warnings */
  readonly diagnostics: string[] = [];
  private readonly stateDir: string;
  private readonly watchdogPeriodMs: number;
  private readonly snapshots: RegionSnapshots;
  private readonly session: QemuSession;
  private readonly txWaiters = new TxWaiters();
  private window: SharedWindow | null = null;
  private host: RpmsgHost | null = null;
  private crashKnob: CrashKnob | null = null;
  private fallbackCrash: NodeJS.Timeout | null = null;
  private phase: TwinState = 'idle';
  private ackWaiter: ((channel: number) => void) | null = null;

  constructor(opts: TwinOptions) {
    super();
    this.facts = twinFactsOf(opts.profile);
    this.stateDir = opts.stateDir;
    this.watchdogPeriodMs = opts.watchdogPeriodMs ?? 2000;
    const board = this.facts.board.replace(/[^A-Za-z0-9_.-]/g, '_');
    const prefix = `rproc-hil-twin-${board}-${process.pid}-${++instances}-${randomBytes(3).toString('hex')}`;
    this.shmPath = path.join('/dev/shm', prefix);
    this.snapshots = new RegionSnapshots(this.facts.hiddenRegions, path.dirname(this.shmPath), prefix);
    this.session = new QemuSession({
      qemuBinary: opts.qemuBinary ?? 'qemu-system-arm',
      machine: this.facts.machine,
      shmPath: this.shmPath,
      stateDir: this.stateDir,
      prefix,
      budgetMs: this.facts.startTimeoutMs,
      handlers: {
        console: (line) => this.onConsole(line),
        doorbell: (b) => this.onDoorbell(b),
        exit: (info, tail) => this.onExit(info, tail),
        event: (e) => {
          if (e.event === 'WATCHDOG') void this.onWatchdog();
        },
      },
    });
  }

  /** pid of the running QEMU, undefined when none */
  get qemuPid(): number | undefined {
    return this.session.process?.pid;
  }

  get state(): TwinState {
    return this.phase;
  }

  async start(image: BootImage): Promise<void> {
    if (this.phase === 'disposed') throw new StateError('start() on a disposed twin');
    if (this.phase === 'running') throw new StateError('start() while the twin runs: stop() it first');
    if (image.elf.header.machine !== EM_ARM || image.elf.header.class !== 32) {
      throw new ElfError(`${image.firmwareName}: the twin runs 32-bit ARM ELF files only (e_machine ${image.elf.header.machine})`, {
        machine: image.elf.header.machine,
      });
    }
    const window = this.ensureWindow();
    if (image.table !== null) assertTableInWindow(image.table, window);
    const hash = createHash('sha256').update(image.elf.bytes).digest('hex');
    await this.session.prepare(image.firmwareName, image.elf.bytes, hash);
    this.clearFallbackCrash();
    this.snapshots.clear();
    this.crashKnob = crashKnobOf(image.elf, window, this.facts.windowBase);
    this.host = linkRpmsg(image, window, {
      kick: (id) => this.kick(id),
      onMessage: (m) => this.emit('message', m),
      onAnnounce: (ns) => this.emit('announce', ns),
      onDiagnostic: (t) => this.diagnose(t),
    });
    this.phase = 'running';
    try {
      await this.session.release();
    } catch (e) {
      this.phase = 'stopped';
      this.host = null;
      throw e;
    }
  }

  async stop(): Promise<void> {
    if (this.phase !== 'running' && this.phase !== 'crashed') return;
    const proc = this.session.process;
    const wasRunning = this.phase === 'running';
    if (wasRunning && proc !== null) {
      // stm32_rproc_stop: shutdown request on its IPCC channel, the firmware acks by echoing it
      if (!(await this.requestChannel(proc, DOORBELL_SHUTDOWN, this.facts.stopAckMs))) {
        this.diagnose('warning: remote FW shutdown without ack');
        this.session.markDirty(); // the unread shutdown byte would reach the next boot
      }
    }
    this.phase = 'stopped';
    this.clearFallbackCrash();
    this.host = null;
    this.txWaiters.wake();
    if (wasRunning && this.session.process !== null) {
      // the core is held where it stopped: memory stays as the firmware left it (a coredump follows
      // rproc_stop) until the next start resets it
      try {
        await this.session.call('stop', 'twin-stop');
        await this.takeSnapshots();
      } catch (e) {
        this.diagnose(`QEMU did not pause on stop: ${(e as Error).message}`);
        this.session.markDirty();
      }
    }
  }

  /** freeze the core without telling the firmware (QMP stop; its watchdog does not count meanwhile, qemu-twin.md §4.2) */
  async pause(): Promise<void> {
    if (this.phase !== 'running') throw new StateError(`pause() while the twin is ${this.phase}`);
    await this.session.call('stop', 'twin-pause');
  }

  async resume(): Promise<void> {
    if (this.phase !== 'running') throw new StateError(`resume() while the twin is ${this.phase}`);
    await this.session.call('cont', 'twin-resume');
  }

  /** window addresses read live; other coprocessor memory from the snapshot taken at the last crash or stop */
  readMemory(da: number, len: number): Uint8Array | null {
    if (!Number.isSafeInteger(da) || !Number.isSafeInteger(len) || len < 0) return null;
    if (this.window?.contains(da, len) === true) return new Uint8Array(this.window.read(da, len));
    return this.snapshots.read(da, len);
  }

  /** the firmware shim's heartbeat and fault record (evidence after a crash); null before a twin firmware booted */
  controlBlock(): TwinControlBlock | null {
    return this.window === null ? null : readControlBlock(this.window, this.facts.windowBase);
  }

  /** the core's registers (HMP `info registers`) for crash evidence, e.g. PC/LR after a watchdog pause; null without QEMU */
  async cpuRegisters(): Promise<string | null> {
    const proc = this.session.process;
    if (proc === null) return null;
    return proc.qmp.hmp('info registers', { phase: 'cpu-registers', timeoutMs: this.facts.startTimeoutMs });
  }

  send(msg: RpmsgMessage): boolean {
    if (this.host === null) throw new StateError('send() without an rpmsg device: the twin is not running a firmware with a vdev');
    return this.host.send(msg);
  }

  /** resolves when a send() would find a TX buffer (the firmware returned one), for callers that wait instead of ENOMEM */
  waitForTxBuffer(timeoutMs: number): Promise<void> {
    const host = this.host;
    if (host === null) return Promise.reject(new StateError('waitForTxBuffer() without an rpmsg device'));
    return this.txWaiters.wait(host, () => this.host, timeoutMs);
  }

  /**
   * The firmware takes its own crash path through the control block's crash_request word (or, on older builds, its
   * .bss crash variables when they are in the window); then its watchdog
   * fires as on the board. Otherwise the core is frozen with QMP `stop` and the
   * crash is reported one watchdog period later, as the watchdog would.
   */
  injectCrash(kind: 'hardfault' | 'watchdog'): void {
    if (this.phase === 'crashed') return; // already down: the kernel may not have handled the first crash yet
    if (this.phase !== 'running') throw new StateError(`injectCrash(${kind}) while the twin is ${this.phase}`);
    if (this.crashKnob?.pull(kind)) return;
    const proc = this.session.process;
    if (proc === null) return;
    this.phase = 'crashed';
    this.diagnose(`injectCrash(${kind}): the firmware has no twin control block and no crash variables in the window; core frozen with QMP stop`);
    this.session
      .call('stop', 'inject-crash')
      .then(() => this.takeSnapshots())
      .catch((e: unknown) => this.diagnose(`injectCrash: ${(e as Error).message}`));
    this.fallbackCrash = setTimeout(() => {
      this.fallbackCrash = null;
      if (this.phase === 'crashed' && this.session.process === proc) this.emit('crash', { type: 'watchdog' });
    }, this.watchdogPeriodMs);
  }

  async dispose(): Promise<void> {
    if (this.phase === 'disposed') return;
    this.phase = 'disposed';
    this.host = null;
    this.clearFallbackCrash();
    this.txWaiters.wake();
    await this.session.close();
    this.window?.remove();
    this.window = null;
  }

  private ensureWindow(): SharedWindow {
    if (this.window === null) {
      this.window = SharedWindow.create(this.shmPath, this.facts.windowBase, this.facts.windowSize);
    }
    return this.window;
  }

  private takeSnapshots(): Promise<void> {
    const proc = this.session.process;
    return proc === null ? Promise.resolve() : this.snapshots.take(proc.qmp, this.facts.startTimeoutMs);
  }

  private clearFallbackCrash(): void {
    if (this.fallbackCrash !== null) clearTimeout(this.fallbackCrash);
    this.fallbackCrash = null;
  }

  private kick(notifyId: number): void {
    // a frozen or stopped core gets no doorbell: a byte left in the socket would reach the next boot (qemu-twin.md §2.4)
    if (this.phase === 'running') this.session.process?.ring(notifyId);
  }

  /** ring a control channel and wait for the firmware to echo it; false when the budget ran out */
  private requestChannel(proc: QemuProcess, channel: number, timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), timeoutMs);
      const onExit = (): void => done(false);
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.ackWaiter = null;
        proc.off('exit', onExit);
        resolve(ok);
      };
      this.ackWaiter = (c) => {
        if (c === channel) done(true);
      };
      proc.once('exit', onExit);
      proc.ring(channel);
    });
  }

  private onDoorbell(byte: number): void {
    if (byte === DOORBELL_SHUTDOWN || byte === DOORBELL_DETACH) {
      this.ackWaiter?.(byte);
      return;
    }
    const host = this.host;
    if (host === null || this.phase !== 'running') return;
    try {
      host.doorbell(byte);
    } catch (e) {
      this.diagnose(`virtio: ${(e as Error).message}`);
    }
    if (byte === host.txNotifyId) this.txWaiters.wake();
  }

  /** WWDG1 -> EXTI 68 -> rproc_report_crash(RPROC_WATCHDOG), here QEMU's watchdog=pause (qemu-twin.md §4.3) */
  private async onWatchdog(): Promise<void> {
    if (this.phase !== 'running') return;
    this.phase = 'crashed';
    this.txWaiters.wake();
    await this.takeSnapshots();
    this.emit('crash', { type: 'watchdog' });
  }

  private onExit(info: QemuExit, stderrTail: string): void {
    if (this.phase !== 'running') return;
    this.diagnose(`QEMU exited while the firmware ran (${info.signal ?? `code ${info.code}`}): ${stderrTail}`);
    if (info.lockup) {
      // a lockup aborts QEMU before its watchdog can fire; on silicon the armed WWDG would (qemu-twin.md §4.3 item 5)
      this.phase = 'crashed';
      this.emit('crash', { type: 'watchdog' });
    }
  }

  private onConsole(line: string): void {
    this.consoleLines.push(line);
    if (this.consoleLines.length > KEEP_LINES) this.consoleLines.shift();
    this.emit('console', line);
  }

  private diagnose(text: string): void {
    this.diagnostics.push(text);
    if (this.diagnostics.length > 200) this.diagnostics.shift();
  }
}

