// KernelModel: the virtual board's kernel — remoteproc sysfs/debugfs, rpmsg ttys, devcoredump, dmesg, /proc (DESIGN §5).
import { boardRulesOf, type BoardProfile } from '../../config';
import type { Coprocessor } from '../coprocessor/types';
import type { VirtualFs } from '../fs/types';
import type { ShellHost } from '../shell/types';
import { bootloaderStart } from './attach';
import { RPROC_WATCHDOG, reportCrash } from './crash';
import { DEBUGFS_REMOTEPROC, debugfsTree } from './debugfs';
import { DevCoredumps } from './devcoredump';
import { DmesgRing } from './dmesg';
import { bootBanner, clearVolatile, installOsFiles, unameOf } from './procfs';
import { settingsOf, type KernelSettings } from './profile';
import { Rproc } from './rproc';
import { SYSFS_REMOTEPROC, sysfsTree } from './sysfs';
import { TreeDir } from './tree';
import { FIRMWARE_DIR } from './boot';
import { BoardTiming, DelayLine, timingFromEnv, type TimingKnobs } from '../timing';
import { meterWrites, type WriteMeter } from '../write-meter';

export interface KernelModelOptions {
  profile: BoardProfile;
  fs: VirtualFs;
  /** the coprocessor behind the rproc; called once per boot of the model (again after reset()) */
  coprocessor: () => Coprocessor;
  /** monotonic milliseconds (default performance.now) */
  clock?: () => number;
  /** N of /sys/class/remoteproc/remoteprocN (default 0; e.g. 1 to mimic an MP25 whose M0+ probed first) */
  rprocIndex?: number;
  /** modelled latencies (timing.ts); default: HIL_VIRTUAL_TIMING, else none */
  timing?: Partial<TimingKnobs>;
}

/** when the remoteproc driver probes, in ms after boot (its lines sit after the early banner) */
const PROBE_AT_MS = 2345.678;

export class KernelModel {
  readonly faults = { hangStartMs: 0 };
  readonly settings: KernelSettings;
  /** modelled start/exec/rpmsg latencies and the time they imposed (the bench reads it) */
  readonly timing: BoardTiming;
  /** bytes written into /lib/firmware (the bench's second-run upload count) */
  readonly firmwareWrites: WriteMeter;
  private readonly profile: BoardProfile;
  private readonly fs: VirtualFs;
  private readonly makeCoprocessor: () => Coprocessor;
  private readonly clock: () => number;
  private bootBase: number;
  private readonly dmesg: DmesgRing;
  private readonly devcd: DevCoredumps;
  private cop: Coprocessor | null = null;
  private rproc: Rproc;
  private mounted = false;
  /** firmware -> host messages on their way (modelled rpmsg latency) */
  private readonly toHost = new DelayLine();

  constructor(opts: KernelModelOptions) {
    this.profile = opts.profile;
    this.fs = opts.fs;
    this.makeCoprocessor = opts.coprocessor;
    this.clock = opts.clock ?? (() => performance.now());
    this.settings = { ...settingsOf(opts.profile), ...(opts.rprocIndex !== undefined ? { rprocIndex: opts.rprocIndex } : {}) };
    this.bootBase = this.clock();
    this.dmesg = new DmesgRing(() => this.uptimeMs());
    this.devcd = new DevCoredumps(() => this.settings.coredumpTimeoutMs);
    this.timing = new BoardTiming(opts.timing ?? timingFromEnv());
    this.firmwareWrites = meterWrites(opts.fs, FIRMWARE_DIR);
    this.rproc = this.newRproc();
  }

  /** mounts the kernel's nodes, prints the boot log, creates the OS files and auto-starts the firmware if the profile says so */
  async boot(): Promise<void> {
    this.bootBase = this.clock() - PROBE_AT_MS - 500;
    for (const [at, line] of bootBanner(this.profile)) this.dmesg.log(line, at);
    if (!this.mounted) {
      this.fs.mountDynamic(SYSFS_REMOTEPROC, new TreeDir(() => sysfsTree(this.rproc)));
      const pointerDigits = this.profile.soc === 'stm32mp15' ? 8 : 16;
      this.fs.mountDynamic(DEBUGFS_REMOTEPROC, new TreeDir(() => debugfsTree(this.rproc, pointerDigits)));
      this.fs.mountDynamic('/sys/class/devcoredump', this.devcd);
      this.mounted = true;
    }
    await installOsFiles(this.fs, this.profile, this.settings, () => this.uptimeMs());
    const auto = this.settings.autoBoot;
    // remoteproc.md §7.2: a core U-Boot started probes `detached` (a missing or unbootable image leaves it off)
    if (this.settings.bootState === 'detached') await bootloaderStart(this.rproc, auto ?? this.settings.defaultFirmware);
    const probe = `stm32-rproc ${this.settings.platformDev}: `;
    if (this.profile.capabilities.watchdogCrash) this.dmesg.log(`${probe}wdg irq registered`, PROBE_AT_MS);
    this.dmesg.log(`remoteproc ${this.rproc.devName}: ${this.rproc.name} is available`, PROBE_AT_MS);
    // firmware.md §3.5: the load service writes the name and `start` (a failure only leaves dmesg lines);
    // on a detached core `st,auto-boot` attaches at once (remoteproc.md §7.2)
    if (auto) {
      if (this.rproc.state === 'offline') this.rproc.firmware = auto;
      const errno = await this.rproc.boot();
      if (errno !== 0) this.rproc.log(`Boot failed: -${errno}`);
    }
  }

  /** a reboot: the core is stopped, ttys hang up, dumps and /tmp, /run vanish, every setting returns to its default, then boot() again */
  async reset(): Promise<void> {
    await this.halt();
    clearVolatile(this.fs);
    this.dmesg.clear();
    this.rproc = this.newRproc();
    await this.boot();
  }

  shellHost(): ShellHost {
    return {
      dmesg: (opts) => {
        const out = this.dmesg.text();
        if (opts?.clear) this.dmesg.clear();
        return out;
      },
      uname: unameOf(this.profile, this.settings),
      beforeCommand: () => this.timing.wait('exec'),
    };
  }

  dmesgLines(): string[] {
    return this.dmesg.lines();
  }

  /** every dmesg line as it is printed (the console mirrors it) */
  onDmesg(cb: (line: string) => void): () => void {
    return this.dmesg.onLine(cb);
  }

  /** fault knob: the firmware faults now; the watchdog reports it after its period (if the board detects it) */
  injectCrash(kind: 'hardfault' | 'watchdog' = 'watchdog'): void {
    if (this.rproc.state === 'running') this.coprocessor().injectCrash(kind);
  }

  /** the rproc's sysfs directory, e.g. /sys/class/remoteproc/remoteproc0 */
  get sysfsDir(): string {
    return `${SYSFS_REMOTEPROC}/${this.rproc.devName}`;
  }

  get debugfsDir(): string {
    return `${DEBUGFS_REMOTEPROC}/${this.rproc.devName}`;
  }

  async dispose(): Promise<void> {
    await this.halt();
  }

  private uptimeMs(): number {
    return this.clock() - this.bootBase;
  }

  private async halt(): Promise<void> {
    const rproc = this.rproc;
    rproc.dead = true;
    rproc.bus?.teardown();
    rproc.bus = null;
    this.toHost.drop();
    this.devcd.clear();
    const cop = this.cop;
    this.cop = null;
    if (cop) {
      await cop.stop().catch(() => undefined);
      await cop.dispose();
    }
    rproc.state = 'offline';
    rproc.cleanup();
  }

  private coprocessor(): Coprocessor {
    if (!this.cop) {
      const cop = this.makeCoprocessor();
      // the behavioural model also delays host -> firmware messages (the twin's are as slow as QEMU makes them)
      (cop as { useTiming?: (t: BoardTiming) => void }).useTiming?.(this.timing);
      cop.on('announce', (ns) => this.rproc.announce(ns));
      cop.on('message', (msg) => {
        const bus = this.rproc.bus;
        this.timing.carry(this.toHost, () => this.rproc.bus === bus && bus?.receive(msg));
      });
      cop.on('crash', () => {
        // STM32: WWDG -> EXTI 68 -> rproc_report_crash; boards without the wiring never learn of it (firmware.md §5.4)
        if (this.profile.capabilities.watchdogCrash && this.cop === cop) void reportCrash(this.rproc, RPROC_WATCHDOG);
      });
      this.cop = cop;
    }
    return this.cop;
  }

  private newRproc(): Rproc {
    return new Rproc({
      fs: this.fs,
      rules: boardRulesOf(this.profile),
      memory: this.profile.coprocessor.memory,
      settings: this.settings,
      dmesg: this.dmesg,
      devcd: this.devcd,
      coprocessor: () => this.coprocessor(),
      capabilities: this.profile.capabilities,
      hangStartMs: () => this.faults.hangStartMs,
      timing: this.timing,
    });
  }
}
