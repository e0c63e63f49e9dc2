// Whatever lands in records.jsonl, known-failures.yaml or a test title: a clear InputError or a well-formed report, never a crash.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { InputError } from '../../harness/errors';
import { finalizeBoard, parseKnownFailures, readJunitCases, readRecords, type TestRecord } from '../../harness/reporting';
import { boardInfo, fixtureRecords, makeRunDir, removeRunDir } from './run-dir';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeRunDir));

test('any bytes in records.jsonl give records or an InputError naming the file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hil-fuzz-'));
  dirs.push(dir);
  const file = path.join(dir, 'records.jsonl');
  fc.assert(fc.property(fc.array(fc.oneof(fc.string(), fc.json(), fc.constant(JSON.stringify(fixtureRecords('b')[0])))), (lines) => {
    fs.writeFileSync(file, lines.join('\n'));
    try {
      const rs = readRecords(file);
      expect(Array.isArray(rs)).toBe(true);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toContain(file);
    }
  }), { numRuns: 200 });
});

test('any YAML-ish known-failures text gives entries or a ConfigError naming the file', () => {
  const word = fc.oneof(fc.string(), fc.constantFrom('id', 'board', 'reason', 'issue', 'expires', '- ', ': ', '\n', '  ', '*', '2027-01-01', '[', '{', '&a', '*a'));
  fc.assert(fc.property(fc.array(word, { maxLength: 30 }), (parts) => {
    try {
      expect(Array.isArray(parseKnownFailures(parts.join(''), 'k.yaml'))).toBe(true);
    } catch (e) {
      expect((e as { code?: string }).code).toBe('E_CONFIG');
      expect((e as Error).message).toContain('k.yaml');
    }
  }), { numRuns: 300 });
});

test('titles and messages full of markup and quotes come back exactly from the JUnit file', () => {
  const title = 'echo <16> bytes & "quoted" \'single\' ]]> › done';
  const outDir = makeRunDir({
    boards: ['twin-mp157'], jestJunit: false,
    records: (board): TestRecord[] => [{
      ...(fixtureRecords(board)[1] as TestRecord), title, titlePath: ['st-default', title], id: 'rpmsg/st-default/echo-16',
      failure: { kind: 'failure', message: '<no reply> after "ping" & ]]>' },
    }],
  });
  dirs.push(outDir);
  const junit = finalizeBoard(boardInfo(outDir, 'twin-mp157')).junitPath;
  expect(fs.readFileSync(junit, 'utf8')).toContain(`name="st-default › echo &lt;16&gt; bytes &amp; &quot;quoted&quot; 'single' ]]&gt; › done"`);
  expect(readJunitCases(junit)).toEqual([{
    board: 'twin-mp157', id: 'rpmsg/st-default/echo-16', status: 'failed', flaky: false, failedAttempts: 0, message: '<no reply> after "ping" & ]]>',
  }]);
});
