// Starts a planned variant through the glue's bootVariant and turns every way it can end into data a test asserts on.
import { bootVariant } from '../../harness/jest';
import type { VariantPlan } from '../../harness/jest/types';
import { asRefusal, type Refusal } from './boot-probe';

export interface BootAttempt {
  /** the kernel refused the start (errno + its dmesg) */
  refusal?: Refusal;
  /** a wait of the boot step ran out of budget (e.g. fewer ttys than predicted): its message, for the test's report */
  timedOut?: string;
}

/**
 * bootVariant returns `error` for a refused start; a phase timeout (state or tty wait) is kept as text so the test
 * can still read state, ttys and dmesg and say what the board showed. Anything else (link lost) is thrown.
 */
export async function attemptBoot(v: VariantPlan): Promise<BootAttempt> {
  try {
    const out = await bootVariant(v);
    return out.error === undefined ? {} : { refusal: asRefusal(out.error) };
  } catch (e) {
    const r = asRefusal(e);
    if (r.code === 'E_TIMEOUT') return { timedOut: r.message };
    if (r.code === 'E_REMOTE' && r.errno !== undefined) return { refusal: r };
    throw e;
  }
}

/** The problem line for a boot that should have come up and did not. */
export function bootProblem(v: VariantPlan, a: BootAttempt): string | undefined {
  if (a.refusal) {
    return `expected ${v.firmwareName} to start (firmware/variants.yaml expect.boots: true); the kernel refused it with ${a.refusal.errnoName ?? 'an error'} (${a.refusal.errno ?? '?'}):\n  ${a.refusal.message.split('\n').join('\n  ')}`;
  }
  if (a.timedOut) return `the boot step did not finish as predicted:\n  ${a.timedOut.split('\n').join('\n  ')}`;
  return undefined;
}
