// The virtual board's fault knobs (DESIGN §5 Faults): names, defaults, `name=value` parsing, and applying them to a running board.
import { UsageError } from '../errors';
import type { VirtualFs } from './fs/types';
import type { SshServerHandle } from './ssh/server';
import { TtyTap } from './tty-tap';

export interface BoardFaults {
  /** delay added before every SSH command runs */
  latencyMs: number;
  /** the SSH connection is dropped after this many more commands (0 = never) */
  dropAfterCommands: number;
  /** a reboot: SSH refuses connections for this long while the kernel restarts (0 = none) */
  refuseForMs: number;
  /** `echo start > state` blocks this long before the boot proceeds */
  hangStartMs: number;
  /** the next SFTP upload lands with flipped bytes */
  corruptNextUpload: boolean;
  /** /lib/firmware is filled to its quota, so the next upload fails with ENOSPC */
  fillFirmwareDir: boolean;
  /** the board image has no sftp-server: SFTP is refused, uploads must go through `cat >` */
  noSftp: boolean;
  /** the SSH host key is replaced (its fingerprint changes) */
  rotateHostKey: boolean;
  /** the coprocessor crashes (watchdog) this long after being set (0 = not armed) */
  crashAfterMs: number;
  /** the coprocessor crashes (watchdog) inside the Nth rpmsg message Linux sends it from now on (0 = not armed); one-shot */
  crashAfterMessages: number;
  /** the next `echo start > state` never returns (a wedged boot) until the board is power-cycled, which clears it */
  hangNextStart: boolean;
  /** the console cable is pulled for this long: the harness's console connection drops, reconnects are refused meanwhile */
  unplugConsoleMs: number;
}

export type FaultName = keyof BoardFaults;

export const NO_FAULTS: Readonly<BoardFaults> = Object.freeze({
  latencyMs: 0,
  dropAfterCommands: 0,
  refuseForMs: 0,
  hangStartMs: 0,
  corruptNextUpload: false,
  noSftp: false,
  fillFirmwareDir: false,
  rotateHostKey: false,
  crashAfterMs: 0,
  crashAfterMessages: 0,
  hangNextStart: false,
  unplugConsoleMs: 0,
});

const BOOLEAN_FAULTS = new Set<FaultName>(['corruptNextUpload', 'noSftp', 'fillFirmwareDir', 'rotateHostKey', 'hangNextStart']);

/** hangNextStart holds the start this long: longer than any phase budget, short enough for a timer */
const WEDGED_MS = 2 ** 31 - 1;

export const FAULT_NAMES = Object.keys(NO_FAULTS) as FaultName[];

export function isFaultName(name: string): name is FaultName {
  return (FAULT_NAMES as string[]).includes(name);
}

/** Checks one knob's value; numbers are whole milliseconds/counts, flags are booleans. */
export function checkFault(name: string, value: unknown): [FaultName, number | boolean] {
  if (!isFaultName(name)) throw new UsageError(`unknown fault "${name}"; faults are: ${FAULT_NAMES.join(', ')}`);
  if (BOOLEAN_FAULTS.has(name)) {
    if (typeof value !== 'boolean') throw new UsageError(`fault ${name} takes true or false, not ${JSON.stringify(value)}`);
    return [name, value];
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new UsageError(`fault ${name} takes a whole number >= 0, not ${JSON.stringify(value)}`);
  }
  return [name, value];
}

/** `latencyMs=200`, `corruptNextUpload` (= true), `fillFirmwareDir=false`. */
export function parseFaultAssignment(text: string): [FaultName, number | boolean] {
  const eq = text.indexOf('=');
  const name = (eq === -1 ? text : text.slice(0, eq)).trim();
  const raw = eq === -1 ? undefined : text.slice(eq + 1).trim();
  if (!isFaultName(name)) throw new UsageError(`unknown fault "${name}" in "${text}"; faults are: ${FAULT_NAMES.join(', ')}`);
  if (BOOLEAN_FAULTS.has(name)) {
    if (raw === undefined || raw === 'true' || raw === '1') return [name, true];
    if (raw === 'false' || raw === '0') return [name, false];
    throw new UsageError(`fault ${name} takes true or false, not "${raw}" (in "${text}")`);
  }
  if (raw === undefined || !/^\d+$/.test(raw)) {
    throw new UsageError(`fault ${name} needs a whole number >= 0, e.g. ${name}=200 (got "${text}")`);
  }
  return checkFault(name, Number(raw));
}

const FIRMWARE_DIR = '/lib/firmware';
/** reference default of profile virtual.firmwareQuotaBytes */
const DEFAULT_QUOTA = 64 * 1024 * 1024;

/** What the knobs act on; board.ts wires them to its parts. */
export interface FaultTargets {
  kernel: { faults: { hangStartMs: number }; injectCrash(kind?: 'hardfault' | 'watchdog'): void };
  fs: VirtualFs;
  /** the SSH server of the current power cycle (a new one after each reboot) */
  ssh(): SshServerHandle;
  powerOff(): Promise<void>;
  powerOn(): Promise<void>;
  firmwareQuota?: number;
  /** the cable in front of a TCP console (console-cable.ts); without it unplugConsoleMs is refused */
  console?: { unplug(ms: number): Promise<void> };
}

export class BoardFaultControl {
  private readonly state: BoardFaults = { ...NO_FAULTS };
  private crashTimer: NodeJS.Timeout | null = null;
  private rebootTimer: NodeJS.Timeout | null = null;
  private untapMessages: (() => void) | null = null;

  constructor(private readonly t: FaultTargets) {
    // tapped from the start, so a tty a test opened before the knob was armed is counted too
    TtyTap.of(t.fs);
  }

  /** the knobs as set; the one-shot SSH knobs read back from the server, so a fired one shows as cleared */
  get current(): Readonly<BoardFaults> {
    this.capture();
    return { ...this.state };
  }

  async setAll(faults: Partial<BoardFaults>): Promise<void> {
    for (const [name, value] of Object.entries(faults)) {
      const [n, v] = checkFault(name, value);
      if (v === NO_FAULTS[n]) continue;
      await this.set(n, v);
    }
  }

  async set(name: FaultName, value: number | boolean): Promise<void> {
    const [n, v] = checkFault(name, value);
    const ssh = this.t.ssh();
    switch (n) {
      case 'latencyMs':
        this.state.latencyMs = v as number;
        ssh.faults.latencyMs = v as number;
        return;
      case 'dropAfterCommands':
        this.state.dropAfterCommands = v as number;
        ssh.faults.dropAfterCommands = v === 0 ? null : (v as number);
        return;
      case 'corruptNextUpload':
        this.state.corruptNextUpload = v as boolean;
        ssh.faults.corruptNextUpload = v as boolean;
        return;
      case 'noSftp':
        this.state.noSftp = v as boolean;
        ssh.faults.noSftp = v as boolean;
        return;
      case 'hangStartMs':
        this.state.hangStartMs = v as number;
        this.applyHang();
        return;
      case 'fillFirmwareDir':
        this.state.fillFirmwareDir = v as boolean;
        this.applyFill();
        return;
      case 'rotateHostKey':
        // an event, not a state: the board now has a new host key (as after a reflash)
        if (v) ssh.rotateHostKey();
        return;
      case 'crashAfterMs':
        this.armCrash(v as number);
        return;
      case 'crashAfterMessages':
        this.armMessageCrash(v as number);
        return;
      case 'hangNextStart':
        this.state.hangNextStart = v as boolean;
        this.applyHang();
        return;
      case 'unplugConsoleMs':
        await this.unplugConsole(v as number);
        return;
      case 'refuseForMs':
        await this.reboot(v as number);
        return;
    }
  }

  /** After a reboot the SSH server is new: give it the knobs that outlive a reboot. */
  reapply(): void {
    const ssh = this.t.ssh();
    ssh.faults.latencyMs = this.state.latencyMs;
    ssh.faults.dropAfterCommands = this.state.dropAfterCommands === 0 ? null : this.state.dropAfterCommands;
    ssh.faults.corruptNextUpload = this.state.corruptNextUpload;
    ssh.faults.noSftp = this.state.noSftp;
    this.applyHang();
    this.applyFill();
  }

  /** Before the SSH server goes away: remember what its one-shot knobs did. */
  capture(): void {
    let f;
    try {
      f = this.t.ssh().faults;
    } catch {
      return;
    }
    this.state.dropAfterCommands = f.dropAfterCommands ?? 0;
    this.state.corruptNextUpload = f.corruptNextUpload;
  }

  /**
   * Power went away: pending crashes die with the coprocessor; a wedged start stays wedged until the kernel was reset
   * (reapply() at power-on lets it go, and the dead rproc then refuses to boot).
   */
  disarm(): void {
    this.clearCrashTimer();
    this.untapMessages?.();
    this.untapMessages = null;
    this.state.crashAfterMessages = 0;
    this.state.hangNextStart = false;
  }

  /** Board stopped for good: no reboot may come back. */
  dispose(): void {
    this.disarm();
    this.applyHang();
    if (this.rebootTimer) clearTimeout(this.rebootTimer);
    this.rebootTimer = null;
  }

  private clearCrashTimer(): void {
    if (this.crashTimer) clearTimeout(this.crashTimer);
    this.crashTimer = null;
    this.state.crashAfterMs = 0;
  }

  private armCrash(ms: number): void {
    this.clearCrashTimer();
    if (ms === 0) return;
    this.state.crashAfterMs = ms;
    this.crashTimer = setTimeout(() => {
      this.crashTimer = null;
      this.state.crashAfterMs = 0;
      this.t.kernel.injectCrash('watchdog');
    }, ms);
  }

  /** Counts host -> firmware messages from now on; the Nth one finds the core faulted (watchdog, as crashAfterMs). */
  private armMessageCrash(n: number): void {
    this.untapMessages?.();
    this.untapMessages = null;
    this.state.crashAfterMessages = n;
    if (n === 0) return;
    let left = n;
    this.untapMessages = TtyTap.of(this.t.fs).onMessages((count) => {
      left -= count;
      this.state.crashAfterMessages = Math.max(0, left);
      if (left > 0) return;
      this.untapMessages?.();
      this.untapMessages = null;
      this.t.kernel.injectCrash('watchdog');
    });
  }

  /** hangStartMs delays every start; hangNextStart wedges it (the kernel re-reads the knob, so clearing it releases the start) */
  private applyHang(): void {
    this.t.kernel.faults.hangStartMs = this.state.hangNextStart ? WEDGED_MS : this.state.hangStartMs;
  }

  private async unplugConsole(ms: number): Promise<void> {
    if (ms === 0) return;
    if (!this.t.console) {
      throw new UsageError('fault unplugConsoleMs needs a console cable: this board serves its console without one (start it with --console tcp)');
    }
    await this.t.console.unplug(ms);
  }

  /** A reboot: power drops now (SSH refuses, console silent), comes back after `ms`; resolves once it is down. */
  private async reboot(ms: number): Promise<void> {
    if (ms === 0) return;
    if (this.rebootTimer) clearTimeout(this.rebootTimer);
    this.state.refuseForMs = ms;
    await this.t.powerOff();
    this.rebootTimer = setTimeout(() => {
      this.rebootTimer = null;
      void this.t.powerOn().finally(() => {
        this.state.refuseForMs = 0;
      });
    }, ms);
  }

  /**
   * A full /lib/firmware: its free space shrinks to nothing (the quota drops to what is used), so the next upload
   * fails with ENOSPC without allocating the quota's worth of filler bytes in memory.
   */
  private applyFill(): void {
    const quota = this.t.firmwareQuota ?? DEFAULT_QUOTA;
    if (this.state.fillFirmwareDir) this.t.fs.setQuota(FIRMWARE_DIR, this.t.fs.usage(FIRMWARE_DIR));
    else this.t.fs.setQuota(FIRMWARE_DIR, quota);
  }
}
