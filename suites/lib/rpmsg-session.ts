// Steps the rpmsg, trace and crash suites share: boot-or-explain, phase budgets, and failure texts for a firmware engineer.
import { bootVariant, session, skipWithReason } from '../../harness/jest';
import type { VariantPlan } from '../../harness/jest/types';
import type { TraceEntry } from '../../harness/firmware';

/** codes the contract classifies as infrastructure (`<error>`): never reworded into a test failure */
const INFRA_CODES = new Set(['E_TRANSPORT', 'E_HOSTKEY', 'E_LEASE', 'E_TOOL', 'E_IO']);

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs `step`; when it throws a test-level error (timeout, wrong bytes, kernel errno) the error is rethrown as a failure
 * that says what was expected and cites the reference, followed by what the board showed. Infrastructure errors pass unchanged.
 */
export async function expecting<T>(expected: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (INFRA_CODES.has(codeOf(e) ?? '')) throw e;
    throw new Error(`expected: ${expected}\nthe board showed: ${messageOf(e)}`, { cause: e });
  }
}

/** a failed assertion worded for a firmware engineer: what the reference says, what the board did */
export function mismatch(expected: string, shown: string): Error {
  return new Error(`expected: ${expected}\nthe board showed: ${shown}`);
}

/** per-phase budgets of this board's profile (timeouts.*); `reply` = one rpmsg answer, the profile's tty phase */
export function budgets(): { reply: number; tty: number; start: number; crash: number; recovery: number; coredump: number } {
  const t = session().board.profile.timeouts;
  return { reply: t.tty, tty: t.tty, start: t.start, crash: t.crash, recovery: t.recovery, coredump: t.coredump };
}

/** Boots the variant (deploy, firmware, start, ttys); a failed start is a test failure naming the variant's expectation. */
export async function bootRunning(v: VariantPlan): Promise<string[]> {
  const out = await bootVariant(v);
  if (out.error) {
    throw mismatch(
      `variant ${v.name} boots to "running" (firmware/variants.yaml expect.boots, remoteproc.md §1.3)`,
      `start failed: ${out.error.message}`,
    );
  }
  return out.ttys;
}

/** RSC_TRACE entries of the variant's table, in table order: trace0, trace1, ... (remoteproc.md §3.2, §4) */
export function traceEntries(v: VariantPlan): TraceEntry[] {
  return (v.report.table?.entries ?? []).filter((e): e is TraceEntry => e.type === 'trace');
}

/** the control channel is unknown for custom firmware (null): the tests that need it run and find out by asking */
export function controlSkip(v: VariantPlan): string | undefined {
  if (v.expect.control === false) return `variant ${v.name} has no control channel (firmware/variants.yaml expect.control: false; DESIGN §6 channel 1)`;
  return undefined;
}

/** what the firmware engineer reads when a test needs the control channel and no tty answered `ping` with `pong` */
export function noControl(v: VariantPlan, ttys: string[]): Error {
  return mismatch(
    `one of the rpmsg ttys of ${v.name} is the control channel and answers "ping" with "pong" (DESIGN §6)`,
    `no tty answered pong (ttys: ${ttys.join(', ') || 'none'})`,
  );
}

/** `hil-<what>-<8 hex>`: a text that cannot be in the log by chance */
export function nonce(what: string): string {
  return `hil-${what}-${Math.floor(Math.random() * 0x1_0000_0000).toString(16).padStart(8, '0')}`;
}

/** `s` matched literally inside a RegExp */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** milliseconds rounded to microseconds for a JUnit property */
export function ms(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * `test(title, fn)`, or a skip carrying `skip` when there is one. Inside a variant that is skipped as a whole the test is
 * registered plainly, so the variant's reason (the more basic one) is the one every test reports.
 */
export function testUnless(v: VariantPlan, variantApplies: true | string, title: string, skip: string | undefined, fn: () => Promise<void>): void {
  if (skip !== undefined && v.skip === undefined && variantApplies === true) skipWithReason(title, skip);
  else test(title, fn);
}

/**
 * Wraps test bodies that share open ttys: when one fails, `close` drops the ttys (a failed exchange may leave late
 * replies in them) so the next test opens them afresh instead of reading the leftovers.
 */
export function closingOnFailure(close: () => void): (fn: () => Promise<void>) => () => Promise<void> {
  return (fn) => async () => {
    try {
      await fn();
    } catch (e) {
      close();
      throw e;
    }
  };
}
