// Contract types of a run's results: per-test records, evidence index, gate verdict and summary.json (DESIGN §4.3).

/** How a test case ended. `error` = an infrastructure failure (JUnit `<error>`), `failed` = a test failure (`<failure>`). */
export type TestStatus = 'passed' | 'failed' | 'error' | 'skipped';

/**
 * One line of `<out>/.work/<board>/records.jsonl`, appended by the jest environment the moment a test ends (so a killed run
 * still has them). Reporting turns them into JUnit when jest-junit's own file is missing, and enriches jest-junit's file
 * with them otherwise.
 */
export interface TestRecord {
  /** stable id `<suite>/<variant>/<slug>` (JUnit property `hil.id`); variant is `_` for tests that are not per variant */
  id: string;
  board: string;
  suite: string;
  variant: string;
  /** the test's own title (JUnit `name` is the title path below the suite joined with " › ") */
  title: string;
  /** describe titles below the file, then the test title */
  titlePath: string[];
  status: TestStatus;
  durationMs: number;
  /** the final failure: kind error for infrastructure codes (E_TRANSPORT, E_HOSTKEY, E_LEASE, E_TOOL, E_IO) */
  failure?: { kind: 'failure' | 'error'; message: string; code?: string; stack?: string };
  /** failed attempts before the final one (jest retryTimes): a passed test with retries is flaky */
  retries: { message: string; code?: string }[];
  skipReason?: string;
  /** test-case properties (latency, throughput, firmware sha256 ...), JUnit `<property>` */
  properties: Record<string, string | number>;
  /** path of the evidence index relative to the run directory, e.g. `evidence/twin-mp157/rpmsg/st-default/echo-1-byte/index.json` */
  evidence?: string;
  startedAt: string;
}

/** `evidence/<board>/<test-id>/index.json` */
export interface EvidenceIndex {
  id: string;
  board: string;
  status: TestStatus;
  files: EvidenceFile[];
}

export interface EvidenceFile {
  /** file name inside the test's evidence directory */
  name: string;
  kind: 'console' | 'dmesg' | 'trace' | 'coredump' | 'resource-table' | 'other';
  bytes: number;
  sha256: string;
  description?: string;
}

/** One entry of ci/known-failures.yaml */
export interface KnownFailure {
  /** glob over hil.id, e.g. `rpmsg/vring-4/burst-*` */
  id: string;
  /** glob over the board name; default `*` */
  board: string;
  reason: string;
  issue: string;
  /** YYYY-MM-DD; the entry stops covering failures after this day */
  expires: string;
}

export interface GateFinding {
  board: string;
  id: string;
  message?: string;
  /** the known-failures entry that matched, when one did */
  entry?: KnownFailure;
}

export interface GateResult {
  verdict: 'pass' | 'fail';
  newFailures: GateFinding[];
  knownFailures: GateFinding[];
  expired: GateFinding[];
  /** known-failure entries whose test now passes (remove them) */
  fixed: GateFinding[];
  flaky: GateFinding[];
}

export interface BoardSummary {
  board: string;
  soc: string;
  kernel: string;
  passed: number;
  failed: number;
  skipped: number;
  errors: number;
  /** relative to the run directory */
  junit: string;
}

/** `<out>/summary.json` (DESIGN §4.3) */
export interface RunSummary {
  run: { id: string; startedAt: string; durationMs: number };
  boards: BoardSummary[];
  gate: GateResult;
}
