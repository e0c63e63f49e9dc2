// Reads `.work/<board>/records.jsonl`: one TestRecord per line, appended as tests end, so a killed run may tear the last line.
import * as fs from 'node:fs';
import { InputError, describeError } from '../errors';
import type { TestRecord, TestStatus } from './types';

const STATUSES: ReadonlySet<string> = new Set<TestStatus>(['passed', 'failed', 'error', 'skipped']);
/** A records file of a whole nightly run is a few MB; anything far larger is the wrong file. */
const MAX_BYTES = 256 * 1024 * 1024;

/**
 * The records of one board, in the order the tests ended. A missing file gives [] (the board ran no test); a torn
 * last line (the process was killed mid-write) is dropped; any other bad line is an error naming file and line.
 * When a test was recorded more than once (one line per attempt), the last line wins and the earlier failed
 * attempts become its `retries`.
 */
export function readRecords(file: string): TestRecord[] {
  let text: string;
  try {
    if (fs.statSync(file).size > MAX_BYTES) throw new InputError('E_IO', `${file} is larger than ${MAX_BYTES} bytes: not a records file`, { file });
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InputError('E_IO', `cannot read ${file}: ${describeError(e)}`, { file }, { cause: e });
  }
  const lines = text.split('\n');
  const torn = !text.endsWith('\n');
  const records: TestRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const isLast = i === lines.length - 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      if (isLast && torn) return;
      throw new InputError('E_IO', `${file}:${i + 1}: not a JSON test record (${describeError(e)})`, { file, line: i + 1 }, { cause: e });
    }
    const problem = recordProblem(value);
    if (problem !== undefined) {
      if (isLast && torn) return;
      throw new InputError('E_IO', `${file}:${i + 1}: not a test record: ${problem}`, { file, line: i + 1 });
    }
    records.push(normalise(value as TestRecord));
  });
  return collapseAttempts(records);
}

function recordProblem(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'expected a JSON object';
  const r = v as Record<string, unknown>;
  for (const key of ['id', 'board', 'suite', 'variant', 'title'] as const) {
    if (typeof r[key] !== 'string' || r[key] === '') return `key ${key} must be a non-empty string`;
  }
  if (typeof r.status !== 'string' || !STATUSES.has(r.status)) return `key status must be one of ${[...STATUSES].join(', ')}`;
  if (r.titlePath !== undefined && (!Array.isArray(r.titlePath) || r.titlePath.some((t) => typeof t !== 'string'))) {
    return 'key titlePath must be a list of strings';
  }
  return undefined;
}

function normalise(r: TestRecord): TestRecord {
  return {
    ...r,
    titlePath: Array.isArray(r.titlePath) && r.titlePath.length > 0 ? r.titlePath : [r.title],
    durationMs: typeof r.durationMs === 'number' && Number.isFinite(r.durationMs) && r.durationMs >= 0 ? r.durationMs : 0,
    retries: Array.isArray(r.retries) ? r.retries.filter((x) => x !== null && typeof x === 'object' && typeof x.message === 'string') : [],
    properties: r.properties !== null && typeof r.properties === 'object' && !Array.isArray(r.properties) ? r.properties : {},
  };
}

function collapseAttempts(records: TestRecord[]): TestRecord[] {
  const byKey = new Map<string, TestRecord>();
  for (const r of records) {
    const key = `${r.board}\u0000${r.suite}\u0000${r.titlePath.join('\u0000')}`;
    const earlier = byKey.get(key);
    if (earlier === undefined) {
      byKey.set(key, r);
      continue;
    }
    const failedBefore = [...earlier.retries, ...(earlier.failure ? [{ message: earlier.failure.message, code: earlier.failure.code }] : [])];
    byKey.delete(key); // re-insert so the order stays "as tests ended"
    byKey.set(key, { ...r, retries: r.retries.length > 0 ? r.retries : failedBefore });
  }
  return [...byKey.values()];
}
