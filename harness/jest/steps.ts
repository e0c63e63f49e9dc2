// Suite-file steps on the board: boot a planned variant (deploy only changed bytes), stop the core, open its rpmsg ttys.
import * as fs from 'node:fs';
import { RpmsgTty, type DmesgLine } from '../remoteproc';
import { codeOf, messageOf } from './infra';
import { session } from './register';
import type { VariantPlan } from './types';
import { formatRecovery, powerCycleIfWedged } from '../board/recover';

/** a start/stop that never returns wedges the kernel: power-cycle so the next test gets a board (DESIGN §5 faults) */
function unwedged<T>(op: () => Promise<T>): Promise<T> {
  const s = session();
  return powerCycleIfWedged(op, {
    board: s.spec.board,
    power: s.board.power,
    probe: () => s.runner.exec('true', { phase: 'power cycle', timeoutMs: 5_000 }),
    lease: s.board.lease,
    budgetMs: s.spec.profile.timeouts.connect + 60_000,
    onRecovered: (r) => s.attach('recovery.txt', formatRecovery(r)),
  });
}

/** a refused `start` (RemoteprocError fields, read by name so it works across the jest realm boundary) */
export interface BootError {
  code: string;
  message: string;
  errno?: number;
  errnoName?: string;
  operation?: string;
  state?: string;
  dmesg?: string[];
}

export interface BootOutcome {
  /** kernel lines logged since just before `start` */
  dmesg: DmesgLine[];
  /** /dev/ttyRPMSG* present once booted (as many as the variant predicts, or all found when that is unknown) */
  ttys: string[];
  /** set when the kernel refused the start (the variant predicts that with expect.boots false) */
  error?: BootError;
  /** the deploy step: skipped = the board already had these exact bytes (sha256), so nothing was uploaded */
  deploy: { skipped: boolean; uploads: number };
}

export interface VariantChannels {
  echo?: RpmsgTty;
  control?: RpmsgTty;
  close(): void;
}

function asBootError(e: unknown): BootError | undefined {
  const o = e as Partial<BootError> | null;
  if (codeOf(e) !== 'E_REMOTE' || o === null || typeof o !== 'object' || o.operation !== 'start') return undefined;
  return {
    code: 'E_REMOTE',
    message: messageOf(e),
    ...(typeof o.errno === 'number' ? { errno: o.errno } : {}),
    ...(typeof o.errnoName === 'string' ? { errnoName: o.errnoName } : {}),
    operation: 'start',
    ...(typeof o.state === 'string' ? { state: o.state } : {}),
    ...(Array.isArray(o.dmesg) ? { dmesg: [...o.dmesg] } : {}),
  };
}

/** Stops the core if it is not offline (running, crashed, attached), then waits for `offline` (remoteproc.md §1.3). */
export async function stopCore(): Promise<void> {
  const rp = session().remoteproc;
  const state = await rp.state();
  if (state === 'offline') return;
  if (state === 'running' || state === 'crashed' || state === 'attached') await unwedged(() => rp.stop());
  await rp.waitForState('offline', { phase: 'stop', timeoutMs: session().spec.profile.timeouts.stop });
}

/**
 * Deploys the variant (no upload when the board already has the same sha256), points `firmware` at it, starts and
 * waits for `running` and the predicted ttys. A refused start is returned, not thrown (suites assert on it).
 */
export async function bootVariant(v: VariantPlan): Promise<BootOutcome> {
  const s = session();
  const rp = s.remoteproc;
  await stopCore();
  const deployed = await rp.deployImage(fs.readFileSync(v.elfPath), v.firmwareName);
  s.property('firmware.sha256', v.sha256);
  const deploy = { skipped: deployed.skipped, uploads: deployed.uploads };
  await rp.setFirmware(v.firmwareName);
  const mark = await rp.mark();
  try {
    await unwedged(() => rp.start());
  } catch (e) {
    const error = asBootError(e);
    if (!error) throw e;
    return { dmesg: await rp.since(mark), ttys: [], error, deploy };
  }
  await rp.waitForState('running', { phase: 'boot' });
  let ttys: string[];
  if (v.expect.ttys !== null) ttys = v.expect.ttys > 0 ? await rp.waitForTtys(v.expect.ttys, { phase: 'boot ttys' }) : await rp.ttys();
  else ttys = await rp.waitForTtys(1, { phase: 'boot ttys' }).catch(() => rp.ttys()); // custom firmware: found by asking (DESIGN §6)
  return { dmesg: await rp.since(mark), ttys, deploy };
}

/** Opens every /dev/ttyRPMSG* of the running variant and tells echo from control by `ping` (DESIGN §6). */
export async function channels(v: VariantPlan): Promise<VariantChannels> {
  const s = session();
  const timeoutMs = s.spec.profile.timeouts.tty;
  const opened: RpmsgTty[] = [];
  const close = (): void => opened.forEach((t) => t.close());
  try {
    const found: { echo?: RpmsgTty; control?: RpmsgTty } = {};
    // after a crash the firmware may still be recovering: its ttys come back asynchronously (remoteproc.md §1.3, §5)
    const devices = v.expect.ttys ? await s.remoteproc.waitForTtys(v.expect.ttys, { phase: 'channels', timeoutMs }) : await s.remoteproc.ttys();
    for (const device of devices) {
      const tty = await RpmsgTty.open(s.runner, device, { board: s.spec.board, timeoutMs });
      opened.push(tty);
      const kind = await tty.identify({ timeoutMs });
      found[kind] ??= tty;
    }
    if (v.expect.control === true && !found.control) {
      throw Object.assign(new Error(`${v.name}: no tty answered ping with pong, yet the variant has a control channel (firmware/variants.yaml expect.control)`), { code: 'E_REMOTE' });
    }
    return { ...found, close };
  } catch (e) {
    close();
    throw e;
  }
}
