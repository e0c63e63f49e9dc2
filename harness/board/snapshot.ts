// Snapshot and restore of the coprocessor's firmware name, state, recovery and coredump settings (DESIGN §7: leave as found).
import type { BoardProfile } from '../config';
import { InfraError } from '../errors';
import { checkFirmwareName, type CoredumpMode, type RecoveryMode, type RemoteprocDriver, type RprocState } from '../remoteproc';

export interface BoardSnapshot {
  firmware: string;
  state: RprocState;
  /** absent when the profile has no recovery capability */
  recovery?: RecoveryMode;
  /** absent when the profile has no coredump capability */
  coredump?: CoredumpMode;
}

export interface RestoreResult {
  /** what restore did, in order (e.g. "stop", "firmware rproc-m4-fw", "start") */
  actions: string[];
  /** what it could not put back, with why */
  notRestored: string[];
}

/** the core runs a firmware in these states; `attached` cores were started by the bootloader (remoteproc.md §7.1) */
const ACTIVE: readonly RprocState[] = ['running', 'attached'];

export async function takeSnapshot(rp: RemoteprocDriver, profile: BoardProfile): Promise<BoardSnapshot> {
  const snap: BoardSnapshot = { firmware: await rp.firmware(), state: await rp.state() };
  if (profile.capabilities.recovery) snap.recovery = await rp.getRecovery();
  if (profile.capabilities.coredump) snap.coredump = await rp.getCoredump();
  return snap;
}

function validName(name: string): boolean {
  try {
    checkFirmwareName(name);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A crashed core with recovery disabled refuses `stop` (EINVAL, remoteproc.md §1.3): `recover` restarts it, and
 * devcoredumps it writes on the way are released so an `inline` dump does not hold recovery for 5 minutes (§1.6).
 */
async function recoverCrashed(rp: RemoteprocDriver, timeoutMs: number): Promise<RprocState> {
  // the write returns only when recovery is over, and an inline dump holds it until read: release dumps meanwhile
  let finished = false;
  const writing = rp.setRecovery('recover').finally(() => {
    finished = true;
  });
  writing.catch(() => undefined);
  const deadline = Date.now() + timeoutMs;
  while (!finished) {
    for (const dump of await rp.listCoredumps()) await rp.releaseCoredump(dump);
    if (Date.now() > deadline) {
      throw new InfraError('E_TIMEOUT', `phase "restore recovery" ran out of its ${timeoutMs} ms budget: writing recover did not return (remoteproc.md §1.5); power cycle the board`, { phase: 'restore recovery', timeoutMs });
    }
    await sleep(50);
  }
  await writing;
  return rp.state();
}

/**
 * Puts the snapshot back. A board that ran a firmware at snapshot (ST's auto-start of a default image,
 * firmware.md §3.5) runs that same name again; one that was offline is stopped even if a reboot auto-started it.
 */
export async function restoreSnapshot(rp: RemoteprocDriver, snap: BoardSnapshot, opts: { startTimeoutMs?: number; recoveryTimeoutMs?: number } = {}): Promise<RestoreResult> {
  const actions: string[] = [];
  const notRestored: string[] = [];
  const wasRunning = snap.state === 'running';
  let now = await rp.state();
  if (now === 'crashed') {
    now = await recoverCrashed(rp, opts.recoveryTimeoutMs ?? 15_000);
    actions.push('recover');
  }
  const nowFirmware = await rp.firmware();
  // `firmware` reads "unknown" for a core attached at boot: there is no name to put back
  const nameToSet = validName(snap.firmware) && nowFirmware !== snap.firmware ? snap.firmware : undefined;

  const active = ACTIVE.includes(now);
  const unchanged = now === snap.state && ACTIVE.includes(now) && nameToSet === undefined;
  if (active && !unchanged) {
    await rp.stop();
    actions.push('stop');
  }
  if (nameToSet !== undefined) {
    await rp.setFirmware(nameToSet);
    actions.push(`firmware ${nameToSet}`);
  }
  if (snap.recovery !== undefined && (await rp.getRecovery()) !== snap.recovery) {
    await rp.setRecovery(snap.recovery);
    actions.push(`recovery ${snap.recovery}`);
  }
  if (snap.coredump !== undefined && (await rp.getCoredump()) !== snap.coredump) {
    await rp.setCoredump(snap.coredump);
    actions.push(`coredump ${snap.coredump}`);
  }
  if (wasRunning && (await rp.state()) !== 'running') {
    await rp.start();
    await rp.waitForState('running', { phase: 'restore start', ...(opts.startTimeoutMs !== undefined ? { timeoutMs: opts.startTimeoutMs } : {}) });
    actions.push('start');
  }
  if (snap.state === 'attached' && !ACTIVE.includes(await rp.state())) {
    notRestored.push('the core was attached (started by the bootloader) and cannot be re-attached from Linux; a power cycle brings that back');
  }
  return { actions, notRestored };
}
