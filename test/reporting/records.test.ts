// readRecords: the per-test lines the jest environment appends; killed runs, retries and corrupt files.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRecords } from '../../harness/reporting';
import { fixtureRecords } from './run-dir';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hil-records-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const lines = (rs: object[]): string => rs.map((r) => `${JSON.stringify(r)}\n`).join('');

test('a board that ran no test has no records file: no records, no error', () => {
  expect(readRecords(path.join(dir, 'missing.jsonl'))).toEqual([]);
});

test('records come back in the order the tests ended', () => {
  const file = write('ok.jsonl', lines(fixtureRecords('twin-mp157')));
  expect(readRecords(file).map((r) => r.id)).toEqual(fixtureRecords('twin-mp157').map((r) => r.id));
});

test('a corrupt line in the middle is an error naming the file and line', () => {
  const rs = fixtureRecords('twin-mp157');
  const file = write('bad.jsonl', `${JSON.stringify(rs[0])}\n{not json\n${JSON.stringify(rs[1])}\n`);
  expect(() => readRecords(file)).toThrow(`${file}:2: not a JSON test record`);
});

test('a line that is JSON but not a record says which key is wrong', () => {
  const file = write('shape.jsonl', `${JSON.stringify({ ...fixtureRecords('b')[0], status: 'green' })}\n`);
  expect(() => readRecords(file)).toThrow(`${file}:1: not a test record: key status must be one of passed, failed, error, skipped`);
});

test('one line per attempt collapses into one record whose earlier failures are its retries', () => {
  const [first] = fixtureRecords('twin-mp157');
  const failedAttempt = { ...first!, status: 'failed', failure: { kind: 'failure', message: 'timeout waiting for echo' } };
  const file = write('attempts.jsonl', lines([failedAttempt, first!]));
  const rs = readRecords(file);
  expect(rs).toHaveLength(1);
  expect(rs[0]?.status).toBe('passed');
  expect(rs[0]?.retries).toEqual([{ message: 'timeout waiting for echo', code: undefined }]);
});
