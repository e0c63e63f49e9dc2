// Board = profile + capabilities (runner, files, power, remoteproc) + lease + health + snapshot, behind a lifecycle guard.
import type { BoardProfile } from '../config';
import { describeError, InfraError, StateError } from '../errors';
import { RemoteprocDriver, type CommandRunner, type FileTransfer } from '../remoteproc';
import { CommandFence } from './fence';
import { assertHealthy, checkHealth, type HealthReport } from './health';
import { BoardLease, type AcquireResult, type LeaseOptions, type ReleaseResult } from './lease';
import { Lifecycle, type BoardState } from './lifecycle';
import type { PowerBackend } from './power';
import { restoreSnapshot, takeSnapshot, type BoardSnapshot, type RestoreResult } from './snapshot';

export interface BoardOptions {
  name: string;
  profile: BoardProfile;
  runner: CommandRunner;
  files?: FileTransfer;
  power: PowerBackend;
  /** default: a RemoteprocDriver over `runner` and `files` */
  remoteproc?: RemoteprocDriver;
  lease?: Omit<LeaseOptions, 'runner' | 'board'>;
  /** free space /lib/firmware must have for the health check (KiB) */
  minFreeKiB?: number;
}

export interface BoardRelease {
  restore?: RestoreResult;
  lease: ReleaseResult;
}

const WORKING: readonly BoardState[] = ['ready'];
const HOLDING: readonly BoardState[] = ['leased', 'ready'];

export class Board {
  readonly name: string;
  readonly profile: BoardProfile;
  readonly lease: BoardLease;
  private readonly life: Lifecycle;
  /** what tests use (behind the fence) */
  private readonly caps: { runner: CommandRunner; files: FileTransfer | undefined; power: PowerBackend; remoteproc: RemoteprocDriver };
  /** what restore and the health check use: never fenced */
  private readonly own: { runner: CommandRunner; remoteproc: RemoteprocDriver };
  private readonly fence: CommandFence;
  private readonly minFreeKiB: number | undefined;
  private saved: BoardSnapshot | undefined;

  constructor(o: BoardOptions) {
    this.name = o.name;
    this.profile = o.profile;
    this.life = new Lifecycle(o.name);
    this.fence = new CommandFence(o.name);
    const driverOver = (runner: CommandRunner, files: FileTransfer | undefined): RemoteprocDriver =>
      new RemoteprocDriver({ runner, ...(files ? { files } : {}), profile: o.profile, board: o.name });
    const runner = this.fence.runner(o.runner);
    const files = o.files ? this.fence.files(o.files) : undefined;
    this.own = { runner: o.runner, remoteproc: o.remoteproc ?? driverOver(o.runner, o.files) };
    this.caps = { runner, files, power: o.power, remoteproc: o.remoteproc ?? driverOver(runner, files) };
    this.lease = new BoardLease({ ...o.lease, runner: o.runner, board: o.name });
    this.minFreeKiB = o.minFreeKiB;
  }

  get state(): BoardState {
    return this.life.state;
  }

  /** the command runner; only while the board is ready */
  get runner(): CommandRunner {
    this.life.require('runner', WORKING);
    return this.caps.runner;
  }

  get files(): FileTransfer | undefined {
    this.life.require('files', WORKING);
    return this.caps.files;
  }

  get remoteproc(): RemoteprocDriver {
    this.life.require('remoteproc', WORKING);
    return this.caps.remoteproc;
  }

  /** power is usable before the lease too (a board must be on to be leased), never after release */
  get power(): PowerBackend {
    this.life.require('power', ['idle', 'leased', 'ready']);
    return this.caps.power;
  }

  /** the snapshot restore() will put back (taken by prepare()) */
  get snapshot(): BoardSnapshot | undefined {
    return this.saved;
  }

  /** idle → leased: takes the lease on the board (waits for a held one up to leaseWaitS, then E_LEASE) */
  async acquire(): Promise<AcquireResult> {
    this.life.require('acquire()', ['idle']);
    const r = await this.lease.acquire();
    this.life.moveTo('leased');
    return r;
  }

  /** leased → ready: health check (throws listing every failure) and the snapshot restore() goes back to */
  async prepare(): Promise<HealthReport> {
    this.life.require('prepare()', ['leased']);
    const report = assertHealthy(await this.healthReport());
    this.saved = await takeSnapshot(this.own.remoteproc, this.profile);
    this.life.moveTo('ready');
    return report;
  }

  /** the health check without throwing (a report with every check) */
  health(): Promise<HealthReport> {
    this.life.require('health()', HOLDING);
    return this.healthReport();
  }

  /** puts firmware, state, recovery and coredump back as prepare() found them */
  async restore(): Promise<RestoreResult> {
    this.life.require('restore()', WORKING);
    if (!this.saved) throw new StateError(`board ${this.name}: restore() has no snapshot to put back`, { board: this.name });
    return restoreSnapshot(this.own.remoteproc, this.saved, { startTimeoutMs: this.profile.timeouts.start, recoveryTimeoutMs: this.profile.timeouts.recovery });
  }

  /** → released: restores (when ready), then removes the lease if still ours; a restore failure is thrown after the lease is gone */
  async release(): Promise<BoardRelease> {
    this.life.require('release()', HOLDING);
    let restore: RestoreResult | undefined;
    let restoreError: unknown;
    // a test still running (release on SIGINT/SIGTERM) must not start or stop the core behind the restore
    this.fence.close('release');
    if (this.life.state === 'ready' && this.saved) {
      try {
        restore = await restoreSnapshot(this.own.remoteproc, this.saved, { startTimeoutMs: this.profile.timeouts.start, recoveryTimeoutMs: this.profile.timeouts.recovery });
      } catch (e) {
        restoreError = e;
      }
    }
    this.life.moveTo('released');
    const lease = await this.lease.release();
    if (restoreError !== undefined) {
      throw new InfraError('E_REMOTE', `board ${this.name} could not be restored as found (the lease was released): ${describeError(restoreError)}`, { board: this.name, snapshot: this.saved }, { cause: restoreError });
    }
    return restore ? { restore, lease } : { lease };
  }

  private healthReport(): Promise<HealthReport> {
    return checkHealth({
      board: this.name,
      profile: this.profile,
      runner: this.own.runner,
      remoteproc: this.own.remoteproc,
      ...(this.minFreeKiB !== undefined ? { minFreeKiB: this.minFreeKiB } : {}),
    });
  }
}
