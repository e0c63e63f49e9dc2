// One remoteproc instance: state machine of both kernel eras (remoteproc.md §1.3–1.6), boot, stop and resource cleanup.
import type { BoardRules } from '../../firmware/types';
import type { BootImage, Coprocessor, NsAnnouncement } from '../coprocessor/types';
import { attachCore, detachRproc } from './attach';
import type { VirtualFs } from '../fs/types';
import { loadFirmware, type LoadedFirmware } from './boot';
import type { DevCoredumps } from './devcoredump';
import type { DmesgRing } from './dmesg';
import type { LiveTable } from './live-table';
import { Mutex, sleep } from './lock';
import { ERRNO, fail, sysfsStreq } from './parse';
import type { KernelSettings, MemoryRegion } from './profile';
import { RpmsgBus } from './rpmsg';

export type RprocState = 'offline' | 'running' | 'crashed' | 'attached' | 'detached' | 'deleted';
export type CoredumpMode = 'disabled' | 'enabled' | 'inline';

export interface RprocHost {
  fs: VirtualFs;
  rules: BoardRules;
  memory: readonly MemoryRegion[];
  settings: KernelSettings;
  dmesg: DmesgRing;
  devcd: DevCoredumps;
  coprocessor(): Coprocessor;
  capabilities: { detach: boolean; watchdogCrash: boolean };
  /** fault knob: extra time a `start` blocks before the core is released */
  hangStartMs(): number;
  /** modelled latency of a start (timing.ts) */
  timing?: { wait(kind: 'start'): Promise<void> };
}

export class Rproc {
  state: RprocState = 'offline';
  power = 0;
  firmware: string;
  recoveryDisabled: boolean;
  coredump: CoredumpMode;
  crashCount = 0;
  /** image and live table between a successful start and the resource cleanup of a stop */
  loaded: LoadedFirmware | null = null;
  live: LiveTable | null = null;
  bus: RpmsgBus | null = null;
  /** image and table of a core that runs without Linux (started by the boot loader, or detached) */
  resident: { fw: LoadedFirmware; live: LiveTable } | null = null;
  /** channels the running firmware has announced (and not destroyed): an attach replays them to the new bus */
  announced: NsAnnouncement[] = [];
  readonly lock = new Mutex();
  readonly devName: string;
  /** set when the board reboots or goes away: pending work (a held recovery) must not touch the core any more */
  dead = false;

  constructor(readonly host: RprocHost) {
    const s = host.settings;
    this.devName = `remoteproc${s.rprocIndex}`;
    this.firmware = s.defaultFirmware;
    this.recoveryDisabled = !s.recoveryEnabled;
    this.coredump = s.coredumpMode;
  }

  get name(): string {
    return this.host.settings.rprocName;
  }

  /** printk on &rproc->dev */
  log(line: string): void {
    this.host.dmesg.log(`remoteproc ${this.devName}: ${line}`);
  }

  /** printk on the parent platform device (recent kernels), else on the rproc device */
  logParent(line: string): void {
    if (this.host.settings.newEra) this.host.dmesg.log(`stm32-rproc ${this.host.settings.platformDev}: ${line}`);
    else this.log(line);
  }

  /** sysfs `state` store */
  async writeState(data: Uint8Array, path: string): Promise<void> {
    const text = Buffer.from(data).toString('latin1');
    const newEra = this.host.settings.newEra;
    if (sysfsStreq(text, 'start')) {
      // old kernels refused a second start in the sysfs handler (remoteproc.md §1.3 old rules)
      if (!newEra && (this.state === 'running' || this.state === 'attached')) throw fail('EBUSY', path);
      const errno = await this.boot();
      if (errno !== 0) {
        this.log(`Boot failed: -${errno}`);
        throw fail(errno, path);
      }
      return;
    }
    if (sysfsStreq(text, 'stop')) {
      if (!newEra && this.state !== 'running' && this.state !== 'attached') throw fail('EINVAL', path);
      const errno = await this.shutdown();
      if (errno !== 0) throw fail(errno, path);
      return;
    }
    if (sysfsStreq(text, 'detach')) {
      const errno = await detachRproc(this);
      if (errno !== 0) throw fail(errno, path);
      return;
    }
    this.log(`Unrecognised option: ${text}`);
    throw fail('EINVAL', path);
  }

  /** rproc_set_firmware */
  async writeFirmware(data: Uint8Array, path: string): Promise<void> {
    await this.lock.run(async () => {
      if (this.state !== 'offline') {
        this.logParent("can't change firmware while running");
        throw fail('EBUSY', path);
      }
      // strcspn(buf, "\n") on a C string: the name also ends at a NUL
      const name = Buffer.from(data).toString('latin1').split(/[\n\0]/)[0] ?? '';
      if (name.length === 0) {
        this.logParent("can't provide empty string for firmware name");
        throw fail('EINVAL', path);
      }
      this.firmware = name;
    });
  }

  /** rproc_boot: returns 0 or a positive errno */
  boot(): Promise<number> {
    return this.lock.run(async () => {
      if (this.state === 'deleted') {
        this.log(`can't boot deleted rproc ${this.name}`);
        return ERRNO.ENODEV ?? 19;
      }
      // skip the boot if already powered up: the refcount (remoteproc.md §1.3)
      this.power += 1;
      if (this.power > 1) return 0;
      if (this.state === 'detached') {
        this.log(`attaching to ${this.name}`);
        const errno = attachCore(this);
        if (errno !== 0) this.power -= 1;
        return errno;
      }
      this.log(`powering up ${this.name}`);
      const result = await loadFirmware(this.bootHost(), this.firmware);
      if (!result.ok) {
        this.power -= 1;
        return result.errno;
      }
      const errno = await this.startCore(result.fw, result.live);
      if (errno !== 0) this.power -= 1;
      return errno;
    });
  }

  /** rproc_start from ops->start on: release the core, probe the vdev, announce `is now up` */
  async startCore(fw: LoadedFirmware, live: LiveTable): Promise<number> {
    if (this.dead) return ERRNO.ENODEV ?? 19;
    // the hang knob is re-read while waiting, so lowering it releases a hung start early
    const since = Date.now();
    while (Date.now() - since < this.host.hangStartMs()) await sleep(Math.min(10, this.host.hangStartMs() - (Date.now() - since)));
    await this.host.timing?.wait('start');
    const image = this.bootImage(fw, live);
    if (this.dead) return ERRNO.ENODEV ?? 19;
    this.announced = [];
    this.loaded = fw;
    this.live = live;
    if (live.vrings.length > 0) this.bus = this.newBus();
    try {
      await this.host.coprocessor().start(image);
    } catch {
      this.log(`can't start rproc ${this.name}: -${ERRNO.EIO}`);
      this.bus?.teardown();
      this.bus = null;
      this.cleanup();
      return ERRNO.EIO ?? 5;
    }
    if (this.bus) this.logVdevOnline();
    this.state = 'running';
    this.log(`remote processor ${this.name} is now up`);
    return 0;
  }

  bootImage(fw: LoadedFirmware, live: LiveTable): BootImage {
    return {
      firmwareName: fw.name,
      elf: fw.elf,
      table: live.table,
      vrings: live.vrings,
      bufferDa: live.bufferDa,
      nameService: live.nameService,
      board: this.host.rules,
    };
  }

  /** the rproc-virtio device probed: the rpmsg host is up */
  logVdevOnline(): void {
    this.host.dmesg.log('virtio_rpmsg_bus virtio0: rpmsg host is online');
    const vdevDev = this.host.rules.vringCheck === 'probe' ? 'rproc-virtio rproc-virtio.0.auto' : ` ${this.devName}#vdev0buffer`;
    this.host.dmesg.log(`${vdevDev}: registered virtio0 (type 7)`);
  }

  /** a name-service message from the firmware: remembered while the core runs, handed to the bus if one listens */
  announce(ns: NsAnnouncement): void {
    const same = (a: NsAnnouncement) => a.name === ns.name && a.addr === ns.addr;
    if (ns.flags === 1) this.announced = this.announced.filter((a) => !same(a));
    else if (!this.announced.some(same)) this.announced.push(ns);
    this.bus?.announce(ns);
  }

  /** rproc_shutdown: returns 0 or a positive errno */
  shutdown(): Promise<number> {
    return this.lock.run(async () => {
      if (this.state !== 'running' && this.state !== 'attached') return ERRNO.EINVAL ?? 22;
      this.power -= 1;
      if (this.power > 0) return 0;
      await this.stopCore();
      this.cleanup();
      return 0;
    });
  }

  /** rproc_stop: subdevices go (ttys hang up), the core is held in reset */
  async stopCore(): Promise<void> {
    this.bus?.teardown();
    this.bus = null;
    await this.host.coprocessor().stop();
    this.announced = [];
    this.resident = null;
    this.state = 'offline';
    this.log(`stopped remote processor ${this.name}`);
  }

  /** rproc_resource_cleanup: trace files, carveouts, table and dump segments go */
  cleanup(): void {
    this.loaded = null;
    this.live = null;
  }

  /** coredump segments: DT regions except vdev0buffer, plus each trace buffer (remoteproc.md §5.2) */
  dumpSegments(): Array<{ da: number; size: number }> {
    const regions = this.host.memory.filter((m) => m.name !== 'vdev0buffer').map((m) => ({ da: m.da, size: m.size }));
    return [...regions, ...(this.live?.traces ?? []).map((t) => ({ da: t.da, size: t.len }))];
  }

  bootHost() {
    return { fs: this.host.fs, rules: this.host.rules, memory: this.host.memory, log: (l: string) => this.log(l) };
  }

  newBus(): RpmsgBus {
    const s = this.host.settings;
    return new RpmsgBus({
      fs: this.host.fs,
      log: (line) => this.host.dmesg.log(`virtio_rpmsg_bus virtio0: ${line}`),
      send: (msg) => this.host.coprocessor().send(msg),
      ttyNames: s.ttyNames,
      ttyDelayMs: s.ttyDelayMs,
    });
  }
}
