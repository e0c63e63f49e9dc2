// Suite-file API for registering tests (inner realm): the session accessor, per-variant describes, skips that carry a reason.
import type { Capability } from '../config';
import type { GlueBridge } from './environment';
import type { HilSession, VariantPlan } from './types';

type HilGlobals = { __hilSession?: HilSession; __hilGlue?: GlueBridge };

function globals(): HilGlobals {
  return globalThis as unknown as HilGlobals;
}

/** The board session of this jest process (set by the rproc-hil test environment). */
export function session(): HilSession {
  const s = globals().__hilSession;
  if (!s) {
    throw new Error('no rproc-hil board session here: suites run under `npm run hil` (ci/jest.hil.config.js), not under the repo jest config');
  }
  return s;
}

function bridge(): GlueBridge {
  const b = globals().__hilGlue;
  if (!b) throw new Error('no rproc-hil test environment here: suites run under `npm run hil` (ci/jest.hil.config.js)');
  return b;
}

/**
 * One `describe(v.name)` per planned variant. `applies` returns true, or the reason the variant does not apply: then
 * the body's tests are registered skipped and carry that reason (as does every test of a variant with `v.skip`).
 */
export function forEachVariant(applies: (v: VariantPlan) => true | string, body: (v: VariantPlan) => void): void {
  for (const v of session().variants) {
    const verdict = v.skip ?? applies(v);
    if (verdict === true) {
      describe(v.name, () => body(v));
    } else {
      bridge().skipNextDescribe(verdict);
      describe.skip(v.name, () => body(v));
    }
  }
}

/** One skipped test whose reason reaches the record and the JUnit `<skipped message>`. */
export function skipWithReason(title: string, reason: string): void {
  bridge().skipNextTest(reason);
  test.skip(title, () => undefined);
}

/** true when the board profile has the capability, else the skip reason naming it */
export function requireCapability(name: Capability): true | string {
  const s = session();
  if (s.spec.profile.capabilities[name]) return true;
  return `board ${s.spec.board} (profile ${s.spec.profile.name}) has no ${name} capability (capabilities.${name}: false in its profile)`;
}
