// ci/known-failures.yaml: entries load with defaults, bad files give one clear error per problem (file, entry, key).
import * as path from 'node:path';
import { entryMatches, loadKnownFailures, parseKnownFailures } from '../../harness/reporting';

const FILE = 'ci/known-failures.yaml';

test('the repository\'s own known-failures file loads', () => {
  expect(Array.isArray(loadKnownFailures(path.resolve(__dirname, '../../ci/known-failures.yaml')))).toBe(true);
});

test('an entry loads with board defaulting to *', () => {
  const entries = parseKnownFailures(`
- id: rpmsg/vring-4/burst-*
  reason: QEMU twin drops a kick under a burst
  issue: https://gitlab.example.com/fw/rproc-hil/-/issues/42
  expires: 2027-01-31
`, FILE);
  expect(entries).toEqual([{
    id: 'rpmsg/vring-4/burst-*', board: '*', reason: 'QEMU twin drops a kick under a burst',
    issue: 'https://gitlab.example.com/fw/rproc-hil/-/issues/42', expires: '2027-01-31',
  }]);
});

test('an empty file means no known failures', () => {
  expect(parseKnownFailures('# nothing tolerated\n', FILE)).toEqual([]);
});

test('globs: * stays inside one id part, ** spans parts, board globs match names', () => {
  const e = { id: 'rpmsg/*/burst-*', board: 'twin-*', reason: 'r', issue: '#1', expires: '2027-01-01' };
  expect(entryMatches(e, 'twin-mp157', 'rpmsg/vring-4/burst-of-1000')).toBe(true);
  expect(entryMatches(e, 'mp157-03', 'rpmsg/vring-4/burst-of-1000')).toBe(false);
  expect(entryMatches(e, 'twin-mp157', 'rpmsg/a/b/burst-x')).toBe(false);
  expect(entryMatches({ ...e, id: 'rpmsg/**' }, 'twin-mp157', 'rpmsg/a/burst-x')).toBe(true);
  expect(entryMatches({ ...e, id: 'rpmsg/st-default/echo-1-byte', board: '*' }, 'x', 'rpmsg/st-default/echo-1-byte')).toBe(true);
  expect(entryMatches({ ...e, id: 'rpmsg/st.default/*' }, 'twin-a', 'rpmsg/st-default/x')).toBe(false); // . is literal
});

test('each bad key is named with its file, entry number, id and what was expected', () => {
  const text = `
- id: rpmsg/st-default/echo-*
  reason: flaky ttys
  issue: see chat
  expires: next week
- id: echo
  board: twin mp157
  reason: ""
  issue: https://x.example/1
  expires: 2027-02-30
`;
  expect(() => parseKnownFailures(text, FILE)).toThrow([
    'ci/known-failures.yaml: entry 1 (id "rpmsg/st-default/echo-*"), key issue: expected a link to the tracking issue (https://..., project#123 or KEY-123), found "see chat"',
    'ci/known-failures.yaml: entry 1 (id "rpmsg/st-default/echo-*"), key expires: expected a date YYYY-MM-DD after which the entry stops covering the failure, found "next week"',
    'ci/known-failures.yaml: entry 2 (id "echo"), key id: expected three parts <suite>/<variant>/<slug> (or ** to span parts), found "echo" (ids look like rpmsg/st-default/echo-1-byte)',
    'ci/known-failures.yaml: entry 2 (id "echo"), key board: expected a glob over board names such as twin-* (letters, digits, . _ - * ?), found "twin mp157"',
    'ci/known-failures.yaml: entry 2 (id "echo"), key reason: expected a sentence saying why this failure is tolerated, found ""',
    'ci/known-failures.yaml: entry 2 (id "echo"), key expires: expected a date YYYY-MM-DD after which the entry stops covering the failure, found "2027-02-30"',
  ].join('\n'));
});

test('a missing key, an unknown key (with a suggestion) and a duplicate entry are reported', () => {
  const text = `
- id: boot/*/starts
  reason: r
  issue: HIL-7
  expire: 2027-01-01
- id: boot/*/starts
  reason: r
  issue: HIL-7
  expires: 2027-01-01
- id: boot/*/starts
  reason: again
  issue: HIL-8
  expires: 2027-03-01
`;
  expect(() => parseKnownFailures(text, FILE)).toThrow([
    'ci/known-failures.yaml: entry 1 (id "boot/*/starts"): unknown key "expire" (did you mean "expires"?)',
    'ci/known-failures.yaml: entry 1 (id "boot/*/starts"), key expires: expected a date YYYY-MM-DD after which the entry stops covering the failure, found nothing (the key is missing)',
    'ci/known-failures.yaml: entry 3 (id "boot/*/starts") repeats entry 2 (same id and board); merge them into one entry',
  ].join('\n'));
});

test('a file that is not a list says what shape it needs', () => {
  expect(() => parseKnownFailures('id: rpmsg/x/y\n', FILE)).toThrow(
    'ci/known-failures.yaml: expected a list of known-failure entries, found a mapping\nEach entry is: - { id: <suite>/<variant>/<slug glob>, board: <glob, default *>, reason: text, issue: URL, expires: YYYY-MM-DD }',
  );
});

test('a YAML syntax error points at the line', () => {
  expect(() => parseKnownFailures('- id: [unclosed\n', FILE)).toThrow(/^ci\/known-failures.yaml:\d+:\d+: YAML syntax error/);
});

test('a missing file is a config error naming it', () => {
  expect(() => loadKnownFailures('/nonexistent/known.yaml')).toThrow('/nonexistent/known.yaml: cannot read: no such file');
});
