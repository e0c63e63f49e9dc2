// RemoteprocDriver: one coprocessor of one board through sysfs/debugfs, over any CommandRunner (DESIGN §2).
import type { DmesgLine, DmesgMark } from './dmesg-cursor';
import { coreBytesAt, type Coredump } from './coredump';
import { deployFirmware, type DeployResult } from './deploy';
import * as dbg from './debug-files';
import { fetchCoredump, listCoredumps, releaseCoredump, type FetchedCoredump } from './devcoredump';
import { RemoteBytes } from './remote-bytes';
import { RprocContext, type Instance, type RemoteprocDriverOptions } from './rproc-context';
import { parseState, type CoredumpMode, type RecoveryMode, type RprocState } from './rproc-state';
import type { DumpEntry } from './rsc-table-dump';
import { checkFirmwareName } from './shell-words';
import { imageFor, readFirmwareFormat, type FirmwareFormat } from './signed-image';

export interface WaitOptions {
  /** phase named in the timeout message (default: the operation's) */
  phase?: string;
  timeoutMs?: number;
}

export class RemoteprocDriver {
  private readonly ctx: RprocContext;
  private readonly bytes: RemoteBytes;

  constructor(opts: RemoteprocDriverOptions) {
    this.ctx = new RprocContext(opts);
    this.bytes = new RemoteBytes(opts.runner, opts.board);
  }

  /** the instance whose `name` matches the profile (found once, then cached) */
  instance(): Promise<Instance> {
    return this.ctx.find();
  }

  async state(): Promise<RprocState> {
    const inst = await this.ctx.find();
    const path = `${inst.sysfs}/state`;
    return parseState(await this.ctx.readText(path), path);
  }

  async firmware(): Promise<string> {
    const inst = await this.ctx.find();
    return (await this.ctx.readText(`${inst.sysfs}/firmware`)).replace(/\n$/, '');
  }

  async setFirmware(name: string): Promise<void> {
    checkFirmwareName(name);
    const inst = await this.ctx.find();
    await this.ctx.write(`${inst.sysfs}/firmware`, name, 'set firmware');
  }

  deploy(bytes: Uint8Array, name: string): Promise<DeployResult> {
    return deployFirmware(this.ctx, bytes, name);
  }

  /** deploy of a built ELF: signed on the host first when the board takes TEE images (reference/firmware.md §7) */
  async deployImage(elf: Uint8Array, name: string): Promise<DeployResult & { format: FirmwareFormat }> {
    checkFirmwareName(name);
    const { bytes, format } = await imageFor(this.ctx, elf);
    return { ...(await deployFirmware(this.ctx, bytes, name)), format };
  }

  /** `ELF` or `TEE` from sysfs `fw_format` (ST kernels); undefined where the kernel has no such file */
  firmwareFormat(): Promise<FirmwareFormat | undefined> {
    return readFirmwareFormat(this.ctx);
  }

  /** `start` is synchronous in the kernel: it returns after load and boot, or with the boot errno (remoteproc.md §1.3). */
  async start(): Promise<void> {
    const inst = await this.ctx.find();
    await this.ctx.write(`${inst.sysfs}/state`, 'start', 'start', this.ctx.profile.timeouts.start);
  }

  async stop(): Promise<void> {
    const inst = await this.ctx.find();
    await this.ctx.write(`${inst.sysfs}/state`, 'stop', 'stop', this.ctx.profile.timeouts.stop);
  }

  async detach(): Promise<void> {
    const inst = await this.ctx.find();
    await this.ctx.write(`${inst.sysfs}/state`, 'detach', 'detach', this.ctx.profile.timeouts.stop);
  }

  async waitForState(want: RprocState | RprocState[], opts: WaitOptions = {}): Promise<RprocState> {
    const states = Array.isArray(want) ? want : [want];
    return this.ctx.poll<RprocState>(async () => {
      const s = await this.state();
      return states.includes(s) ? { done: s } : { last: `state ${s}` };
    }, `${this.ctx.name} state ${states.join(' or ')}`, opts.phase ?? 'remoteproc state', opts.timeoutMs ?? this.ctx.profile.timeouts.start);
  }

  /** /dev/ttyRPMSG* nodes appear asynchronously after start (remoteproc.md §1.3): poll until `n` exist. */
  async waitForTtys(n: number, opts: WaitOptions = {}): Promise<string[]> {
    return this.ctx.poll<string[]>(async () => {
      const ttys = await this.ttys();
      return ttys.length >= n ? { done: ttys } : { last: `${ttys.length} tty(s)${ttys.length ? `: ${ttys.join(' ')}` : ''}` };
    }, `${n} /dev/ttyRPMSG* device(s)`, opts.phase ?? 'tty', opts.timeoutMs ?? this.ctx.profile.timeouts.tty);
  }

  async ttys(): Promise<string[]> {
    const r = await this.ctx.exec('ls /dev/ttyRPMSG* 2>/dev/null', 'tty');
    return r.stdout.split(/\s+/).filter((p) => /^\/dev\/ttyRPMSG\d+$/.test(p)).sort((a, b) => Number(a.slice(13)) - Number(b.slice(13)));
  }

  mark(): Promise<DmesgMark> {
    return this.ctx.dmesg.mark();
  }

  since(mark: DmesgMark): Promise<DmesgLine[]> {
    return this.ctx.dmesg.since(mark);
  }

  listTraces(): Promise<string[]> {
    return dbg.listTraces(this.ctx);
  }

  readTrace(index = 0): Promise<string> {
    return dbg.readTrace(this.ctx, index);
  }

  crash(type: number): Promise<void> {
    return dbg.crash(this.ctx, type);
  }

  getRecovery(): Promise<RecoveryMode> {
    return dbg.getRecovery(this.ctx);
  }

  setRecovery(mode: RecoveryMode | 'recover'): Promise<void> {
    return dbg.setRecovery(this.ctx, mode);
  }

  getCoredump(): Promise<CoredumpMode> {
    return dbg.getCoredump(this.ctx);
  }

  setCoredump(mode: CoredumpMode): Promise<void> {
    return dbg.setCoredump(this.ctx, mode);
  }

  resourceTable(): Promise<DumpEntry[]> {
    return dbg.resourceTable(this.ctx);
  }

  listCoredumps(): Promise<string[]> {
    return listCoredumps(this.ctx);
  }

  /** waits for a devcoredump, reads it binary-safe, parses the ELF core and (by default) releases it */
  fetchCoredump(opts: { timeoutMs?: number; release?: boolean } = {}): Promise<FetchedCoredump> {
    return fetchCoredump(this.ctx, this.bytes, opts);
  }

  releaseCoredump(path: string): Promise<void> {
    return releaseCoredump(this.ctx, path);
  }

  /** bytes of the core at a device address, e.g. the trace buffer's `da` from the resource table */
  segmentAt(core: Coredump, address: number, length?: number): Uint8Array {
    return coreBytesAt(core, address, length);
  }
}
