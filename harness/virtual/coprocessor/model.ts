// The behavioural coprocessor of virtual-* boards: a TypeScript stand-in for the test firmware (DESIGN §6, firmware/common).
import { EventEmitter } from 'node:events';
import { encodeResourceTable } from '../../firmware';
import type { BootImage, Coprocessor, CoprocessorEvents, RpmsgMessage } from './types';
import { SparseMemory, type Region } from './memory';
import { TraceLog, formatLogLine, type LogLevel } from './trace-log';
import { firmwareInfo, type FirmwareInfo } from './fw-info';
import { runControl } from './control';
import { DelayLine, type BoardTiming } from '../timing';

export interface ModelOptions {
  /** the coprocessor's memory regions (profile coprocessor.memory) */
  memory: readonly Region[];
  /** WWDG period: time from a fault to the crash report (firmware.md §5.1: ~21.4 ms in ST's example) */
  watchdogMs?: number;
  /** delay between DRIVER_OK and the name-service announcements */
  announceDelayMs?: number;
  /** how long the firmware keeps serving after answering `crash` (firmware/common/app.c CRASH_DELAY_MS) */
  crashDelayMs?: number;
  clock?: () => number;
}

/** endpoint addresses of the protocol's channels (firmware/TWIN-PROTOCOL.md) */
const ECHO_ADDR = 0x0;
const CONTROL_ADDR = 0x1;

export class ModelCoprocessor extends EventEmitter<CoprocessorEvents> implements Coprocessor {
  readonly kind = 'model' as const;
  private readonly memory: SparseMemory;
  private readonly clock: () => number;
  private readonly watchdogMs: number;
  private readonly announceDelayMs: number;
  private readonly crashDelayMs: number;
  private running = false;
  /** faulted: nothing is served any more */
  private hung = false;
  /** `crash` answered: later commands are ignored, the fault follows */
  private crashPending = false;
  private tickBase = 0;
  private log: TraceLog | null = null;
  private diag: TraceLog | null = null;
  private info: FirmwareInfo | null = null;
  private image: BootImage | null = null;
  private inbox: RpmsgMessage[] = [];
  private inflightLimit = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private draining = false;
  /** modelled rpmsg latency: a message is handled once it has arrived (it holds its vring buffer meanwhile) */
  private timing: BoardTiming | null = null;
  private readonly arriving = new DelayLine();

  /** the model for a board profile: its memory regions, and `virtual.watchdogMs` when the profile has one */
  static forProfile(profile: { coprocessor: { memory: readonly Region[] }; virtual?: object }): ModelCoprocessor {
    const v = (profile.virtual ?? {}) as { watchdogMs?: unknown };
    return new ModelCoprocessor({
      memory: profile.coprocessor.memory,
      ...(typeof v.watchdogMs === 'number' ? { watchdogMs: v.watchdogMs } : {}),
    });
  }

  constructor(opts: ModelOptions) {
    super();
    this.memory = new SparseMemory(opts.memory);
    this.clock = opts.clock ?? (() => performance.now());
    this.watchdogMs = opts.watchdogMs ?? 22;
    this.announceDelayMs = opts.announceDelayMs ?? 1;
    this.crashDelayMs = opts.crashDelayMs ?? 50;
  }

  async start(image: BootImage): Promise<void> {
    this.halt();
    this.image = image;
    this.loadSegments(image);
    if (image.table) this.memory.write(image.table.address, encodeResourceTable(image.table));
    const info = firmwareInfo(image.elf, image.firmwareName, image.table);
    this.info = info;
    this.log = info.log ? new TraceLog(this.memory, info.log.da, info.log.size) : null;
    this.diag = info.diag ? new TraceLog(this.memory, info.diag.da, info.diag.size) : null;
    // .bss is zeroed at start-up: the log of the previous run is gone (firmware.md §2.1)
    this.log?.reset();
    this.diag?.reset();
    // host TX vring (vring1) bounds the messages waiting for the firmware
    this.inflightLimit = image.vrings[1]?.num ?? image.vrings[0]?.num ?? 0;
    this.tickBase = this.clock();
    this.running = true;
    const soc = image.board.soc;
    this.print('INFO', `rproc-hil test firmware variant=${info.variant} build=${info.build} port=${soc} soc=${soc}`);
    const hasVdev = image.table?.entries.some((e) => e.type === 'vdev') ?? false;
    this.print('INFO', hasVdev ? 'vdev: waiting for DRIVER_OK' : 'no vdev: running without rpmsg');
    if (image.vrings.length >= 2) this.later(this.announceDelayMs, () => this.driverOk(image));
  }

  async stop(): Promise<void> {
    if (this.running && !this.hung) this.print('INFO', 'shutdown requested');
    this.halt();
  }

  readMemory(da: number, len: number): Uint8Array | null {
    return this.memory.read(da, len);
  }

  send(msg: RpmsgMessage): boolean {
    if (!this.running || this.inbox.length >= this.inflightLimit) return false;
    this.inbox.push({ src: msg.src, dst: msg.dst, payload: msg.payload.slice() });
    const due = this.timing?.messageDue() ?? null;
    if (due === null) this.drainSoon();
    else this.arriving.push(due, () => this.handleNext());
    return true;
  }

  injectCrash(kind: 'hardfault' | 'watchdog'): void {
    if (!this.running || this.hung) return;
    this.fault(kind);
  }

  async dispose(): Promise<void> {
    this.halt();
    this.memory.clear();
    this.removeAllListeners();
  }

  /** the kernel model's modelled latencies (timing.ts) */
  useTiming(timing: BoardTiming): void {
    this.timing = timing;
  }

  /** bytes of device memory allocated so far (the memory benchmark) */
  allocatedBytes(): number {
    return this.memory.allocatedBytes();
  }

  private halt(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.running = false;
    this.hung = false;
    this.crashPending = false;
    this.inbox = [];
    this.arriving.drop();
  }

  private loadSegments(image: BootImage): void {
    const bytes = image.elf.bytes;
    for (const seg of image.elf.segments) {
      if (seg.type !== 1 || seg.memsz === 0 || !this.memory.backs(seg.paddr, seg.memsz)) continue;
      const filesz = Math.min(seg.filesz, seg.memsz, Math.max(0, bytes.length - seg.offset));
      this.memory.write(seg.paddr, bytes.subarray(seg.offset, seg.offset + filesz));
      if (seg.memsz > filesz) this.memory.zero(seg.paddr + filesz, seg.memsz - filesz);
    }
  }

  /** the host set DRIVER_OK: rings are laid out, the channels are announced (echo first, then control) */
  private driverOk(image: BootImage): void {
    if (this.hung || !this.info) return;
    const [v0, v1] = image.vrings;
    const hex8 = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
    this.print('INFO', `vdev: vring0 da=${hex8(v0?.da ?? 0)} vring1 da=${hex8(v1?.da ?? 0)} num=${v1?.num ?? 0}`);
    if (!image.nameService) return;
    const name = this.info.ttyName;
    const addrs = this.info.control ? [ECHO_ADDR, CONTROL_ADDR] : [ECHO_ADDR];
    for (const addr of addrs) {
      this.emit('announce', { name, addr, flags: 0 });
      this.print('INFO', `rpmsg: announced ${name} addr 0x${addr.toString(16)}`);
    }
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private print(level: LogLevel, text: string): void {
    const line = formatLogLine(this.clock() - this.tickBase, level, text);
    this.log?.write(line);
    if (level === 'WARN' || level === 'ERR') this.diag?.write(line);
    this.emit('console', line.trimEnd());
  }

  private drainSoon(): void {
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => {
      this.draining = false;
      while (this.running && !this.hung && this.inbox.length > 0) {
        const msg = this.inbox.shift();
        if (msg) this.handle(msg);
      }
    });
  }

  private handleNext(): void {
    const msg = this.running && !this.hung ? this.inbox.shift() : undefined;
    if (msg) this.handle(msg);
  }

  private handle(msg: RpmsgMessage): void {
    if (msg.dst === ECHO_ADDR) {
      this.reply(ECHO_ADDR, msg.src, msg.payload);
      return;
    }
    if (msg.dst !== CONTROL_ADDR || !this.info?.control || !this.image) {
      this.print('WARN', `rpmsg: no endpoint 0x${msg.dst.toString(16)} (from 0x${msg.src.toString(16)})`);
      return;
    }
    const info = this.info;
    const image = this.image;
    const result = runControl(msg.payload, {
      crashPending: this.crashPending,
      info: `info variant=${info.variant} build=${info.build} soc=${image.board.soc} vrings=${image.vrings[0]?.num ?? 0} trace=${this.log && image.table?.entries.some((e) => e.type === 'trace') ? 1 : 0}`,
      log: (level, text) => this.print(level, text),
    });
    if (result.reply.length > 0) this.reply(CONTROL_ADDR, msg.src, Buffer.from(result.reply, 'latin1'));
    if (result.crash && !this.crashPending) {
      this.crashPending = true;
      const kind = result.crash;
      this.later(this.crashDelayMs, () => this.fault(kind));
    }
  }

  /** a HardFault that spins or a hang: nothing is served any more, the WWDG is not refreshed and fires */
  private fault(_kind: 'hardfault' | 'watchdog'): void {
    this.hung = true;
    this.later(this.watchdogMs, () => {
      if (this.running) this.emit('crash', { type: 'watchdog' });
    });
  }

  private reply(src: number, dst: number, payload: Uint8Array): void {
    this.emit('message', { src, dst, payload: payload.slice() });
  }
}
