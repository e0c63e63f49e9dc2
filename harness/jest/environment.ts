// Jest test environment of a board run: exposes the session as `__hilSession` and writes evidence + a record as each test ends.
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';
import type { TestRecord } from '../reporting/types';
import { BOARD_LOST_CODES, EXIT_INFRA } from './infra';
import { boardStillLost, formatRecovery, isWedged, powerCycleAndReconnect, wasPowerCycled } from '../board/recover';
import { finishRun } from './finish';
import { appendRecord, failureOf, slugOf, suiteOf, uniqueId, variantOf } from './records';
import { collectEvidence, writeTestEvidence, type Started } from './test-evidence';
import { glueState, newCollector, type Attachment, type GlueState } from './state';

const RETRY_TIMES = Symbol.for('RETRY_TIMES');
const NO_REASON = 'skipped in the spec (test.skip, describe.skip or .todo) without a reason; use skipWithReason() or forEachVariant() to give one';

/** the bridge a suite file's API (harness/jest/index.ts, inner realm) uses to hand skip reasons to this environment */
export interface GlueBridge {
  skipNextDescribe(reason: string): void;
  skipNextTest(reason: string): void;
}

/** the first error of an attempt, as jest-circus reports it (a thrown non-Error becomes `thrown: …`) */
function errorOf(e: Circus.TestError): unknown {
  const [error, asyncError] = Array.isArray(e) ? e : [e, undefined];
  if (error !== null && typeof error === 'object' && 'message' in error) return error;
  return { message: `thrown: ${String(error)}`, stack: (asyncError as { stack?: string } | undefined)?.stack };
}

function titlePathOf(test: Circus.TestEntry): string[] {
  const names: string[] = [test.name];
  for (let b: Circus.DescribeBlock | undefined = test.parent; b?.parent; b = b.parent) names.unshift(b.name);
  return names;
}

export default class HilEnvironment extends TestEnvironment {
  private readonly glue: GlueState;
  private readonly suite: string;
  private readonly reasons = new WeakMap<object, string>();
  private readonly ids = new WeakMap<Circus.TestEntry, string>();
  private readonly failedAttempts = new WeakMap<Circus.TestEntry, TestRecord['retries']>();
  /** records of failed attempts that jest-circus may still retry */
  private readonly pending = new Map<Circus.TestEntry, TestRecord>();
  private started: Started | undefined;

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    const glue = glueState();
    if (!glue) {
      throw new Error('the rproc-hil test environment found no board session: run suites with `npm run hil` (ci/jest.hil.config.js with --runInBand), so globalSetup and the tests share one process');
    }
    this.glue = glue;
    this.suite = suiteOf(context.testPath);
    const bridge: GlueBridge = {
      skipNextDescribe: (reason) => {
        glue.pendingSkip.describe = reason;
      },
      skipNextTest: (reason) => {
        glue.pendingSkip.test = reason;
      },
    };
    this.global.__hilSession = glue.session;
    this.global.__hilGlue = bridge;
  }

  handleTestEvent(event: Circus.Event, state: Circus.State): void | Promise<void> {
    switch (event.name) {
      case 'start_describe_definition':
        return this.takeReason('describe', state.currentDescribeBlock);
      case 'add_test': {
        const last = state.currentDescribeBlock.children[state.currentDescribeBlock.children.length - 1];
        if (last?.type === 'test') this.takeReason('test', last);
        return;
      }
      case 'test_started':
        return this.begin();
      case 'test_skip':
      case 'test_todo':
        return this.skipped(event.test);
      case 'test_done':
        return this.done(event.test);
      case 'test_retry': {
        const rec = this.pending.get(event.test);
        this.pending.delete(event.test);
        if (rec?.failure) this.failedAttempts.set(event.test, [...(this.failedAttempts.get(event.test) ?? []), { message: rec.failure.message, ...(rec.failure.code !== undefined ? { code: rec.failure.code } : {}) }]);
        return;
      }
      case 'run_describe_finish':
        for (const [test, rec] of this.pending) if (test.parent === event.describeBlock) this.write(test, rec);
        return;
      case 'run_finish':
        for (const [test, rec] of this.pending) this.write(test, rec);
        return;
      default:
        return;
    }
  }

  override async teardown(): Promise<void> {
    for (const [test, rec] of this.pending) this.write(test, rec);
    this.glue.collector = newCollector();
    await super.teardown();
  }

  private takeReason(kind: 'describe' | 'test', target: object): void {
    const reason = this.glue.pendingSkip[kind];
    if (reason === undefined) return;
    delete this.glue.pendingSkip[kind];
    this.reasons.set(target, reason);
  }

  private reasonOf(test: Circus.TestEntry): string {
    for (let at: Circus.TestEntry | Circus.DescribeBlock | undefined = test; at; at = at.parent) {
      const r = this.reasons.get(at);
      if (r !== undefined) return r;
    }
    return NO_REASON;
  }

  private idOf(test: Circus.TestEntry): { id: string; titlePath: string[]; variant: string } {
    const titlePath = titlePathOf(test);
    const variant = variantOf(titlePath, this.glue.session.variants.map((v) => v.name));
    let id = this.ids.get(test);
    if (id === undefined) {
      id = uniqueId(`${this.suite}/${variant}/${slugOf(test.name)}`, this.glue.usedIds);
      this.ids.set(test, id);
    }
    return { id, titlePath, variant };
  }

  private async begin(): Promise<void> {
    const s = this.glue.session;
    const at = new Date().toISOString();
    const dmesg = this.glue.infra ? undefined : await s.remoteproc.mark().catch(() => undefined);
    this.started = { at, console: s.console?.mark(), dmesg };
  }

  private skipped(test: Circus.TestEntry): void {
    const { id, titlePath, variant } = this.idOf(test);
    const rec: TestRecord = {
      id, board: this.glue.spec.board, suite: this.suite, variant, title: test.name, titlePath,
      status: 'skipped', durationMs: 0, retries: [], skipReason: this.reasonOf(test), properties: {}, startedAt: new Date().toISOString(),
    };
    this.write(test, rec, []);
  }

  private async done(test: Circus.TestEntry): Promise<void> {
    const { id, titlePath, variant } = this.idOf(test);
    const started = this.started ?? { at: new Date().toISOString(), console: undefined, dmesg: undefined };
    this.started = undefined;
    const first = test.errors[0];
    const failure = first === undefined ? undefined : failureOf(errorOf(first));
    if (failure?.code !== undefined && BOARD_LOST_CODES.has(failure.code) && !this.glue.infra
      && (await boardStillLost(failure.code, () => this.glue.session.runner.exec('true', { phase: 'reconnect', timeoutMs: this.glue.spec.profile.timeouts.connect })))) {
      this.glue.infra = { code: failure.code, message: failure.message };
    }
    const collector = this.glue.collector;
    this.glue.collector = newCollector();
    const rec: TestRecord = {
      id, board: this.glue.spec.board, suite: this.suite, variant, title: test.name, titlePath,
      status: failure === undefined ? 'passed' : failure.kind === 'error' ? 'error' : 'failed',
      durationMs: test.duration ?? 0,
      ...(failure ? { failure } : {}),
      retries: [...(this.failedAttempts.get(test) ?? [])],
      properties: { ...collector.properties },
      startedAt: started.at,
    };
    const files = await collectEvidence(this.glue, started, collector.attachments);
    if (first !== undefined && isWedged(errorOf(first)) && !wasPowerCycled(errorOf(first))) files.push(await this.powerCycle(errorOf(first)));
    const retryTimes = Number(this.global[RETRY_TIMES] ?? 0) || 0;
    if (failure !== undefined && test.invocations <= retryTimes) {
      this.pending.set(test, rec);
      this.write(test, rec, files, false);
      return;
    }
    this.write(test, rec, files);
    if (this.glue.infra) await this.endForLostBoard();
  }

  /**
   * The transport already tried to reconnect for its whole budget (or the lease or host key changed): every later test
   * would wait out the same budget. Leave the board as found if it can still be reached, then exit 3 at once; the
   * records written so far are the partial result (DESIGN §7).
   */
  private async endForLostBoard(): Promise<never> {
    const code = await finishRun(this.glue);
    process.exit(code ?? EXIT_INFRA);
  }

  /** a kernel write that never returned holds the rproc lock: only a power cycle gives the next test a board */
  private async powerCycle(cause: unknown): Promise<Attachment> {
    const { session: s, spec } = this.glue;
    try {
      const r = await powerCycleAndReconnect({ board: spec.board, power: s.board.power, probe: () => s.runner.exec('true', { phase: 'power cycle', timeoutMs: 5_000 }), lease: s.board.lease, budgetMs: spec.profile.timeouts.connect + 60_000 }, cause);
      return { name: 'recovery.txt', kind: 'other', data: Buffer.from(formatRecovery(r)) };
    } catch (e) {
      this.glue.infra ??= { code: 'E_TRANSPORT', message: e instanceof Error ? e.message : String(e) };
      return { name: 'recovery.txt', kind: 'other', data: Buffer.from(`power cycle failed: ${e instanceof Error ? e.message : String(e)}\n`) };
    }
  }

  /** evidence (when `files` given) and, when `append`, the record line */
  private write(test: Circus.TestEntry, rec: TestRecord, files?: Attachment[], append = true): void {
    if (files !== undefined) {
      try {
        rec.evidence = writeTestEvidence(this.glue.spec, rec, files);
      } catch (e) {
        // the record matters more than its evidence: keep going without the link
        process.stderr.write(`rproc-hil: evidence of ${rec.id} could not be written: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    }
    if (!append) return;
    this.pending.delete(test);
    appendRecord(this.glue.spec.workDir, rec);
  }
}
