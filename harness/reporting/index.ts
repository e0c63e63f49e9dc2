// Reporting: records → per-board JUnit with evidence → merged junit.xml → release gate → summary.json (CONTRACT-6).
export { readRecords } from './records';
export { finalizeBoard, type FinalizeBoardOptions, type FinalizedBoard } from './finalize-board';
export { mergeJunit } from './merge';
export { loadKnownFailures, parseKnownFailures, entryMatches, isExpired, globToRegExp } from './known-failures';
export { runGate, gateCases, junitOf, type GateOptions } from './gate';
export { formatGate } from './format-gate';
export { writeSummary, readSummary, summaryPath } from './summary';
export { readJunitCases, readJunitSuites, boardSummariesOf, type JunitCase, type JunitSuiteInfo } from './junit-read';
export { attachmentPath } from './attachments';
export { testSlug, testId, classnameOf, kindOfCode, INFRA_CODES, TITLE_SEPARATOR } from './ids';
export type { Counts } from './model';
export type * from './types';
