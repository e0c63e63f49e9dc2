// finalizeBoard on real jest-junit 17 output: stable names, hil.id, evidence attachments, error vs failure, flaky, skips.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finalizeBoard } from '../../harness/reporting';
import { boardInfo, casesById, child, childNames, makeRunDir, removeRunDir } from './run-dir';
import type { Element } from '@xmldom/xmldom';

const BOARD = 'virtual-mp157';
let outDir: string;
let result: ReturnType<typeof finalizeBoard>;
let cases: Map<string, Element>;
let xml: string;

beforeAll(() => {
  outDir = makeRunDir();
  result = finalizeBoard(boardInfo(outDir, BOARD));
  xml = fs.readFileSync(result.junitPath, 'utf8');
  cases = casesById(result.junitPath);
});
afterAll(() => removeRunDir(outDir));

function tc(id: string): Element {
  const el = cases.get(id);
  if (el === undefined) throw new Error(`no test case with hil.id ${id}; have ${[...cases.keys()].join(', ')}`);
  return el;
}

test('writes junit-<board>.xml into the run directory and counts the outcomes', () => {
  expect(result.junitPath).toBe(path.join(outDir, `junit-${BOARD}.xml`));
  // passed: echo-1-byte, burst (flaky), starts-running, board-is-healthy; failed: echo-496, afterAll hook, broken.spec
  // load failure; errors: vring-4 echo (E_TRANSPORT); skipped: second tty
  expect(result.counts).toEqual({ passed: 4, failed: 3, skipped: 1, errors: 1 });
});

test('classnames are <board>.<suite> and names are the title path below the file', () => {
  expect(tc('rpmsg/st-default/echo-1-byte').getAttribute('classname')).toBe('virtual-mp157.rpmsg');
  expect(tc('rpmsg/st-default/second-tty-echoes').getAttribute('name')).toBe('st-default › two channels › second tty echoes');
  expect(tc('boot/_/board-is-healthy').getAttribute('classname')).toBe('virtual-mp157.boot');
  // both jest-junit testsuites were called "st-default": the records told which spec file each one is
  expect(xml).toContain('<testsuite name="virtual-mp157.rpmsg"');
  expect(xml).toContain('<testsuite name="virtual-mp157.boot"');
});

test('each case links its own evidence index first, then every evidence file', () => {
  const out = child(tc('rpmsg/st-default/echo-496-bytes'), 'system-out')?.textContent ?? '';
  expect(out.split('\n')).toEqual([
    '[[ATTACHMENT|evidence/virtual-mp157/rpmsg/st-default/echo-496-bytes/index.json]]',
    '[[ATTACHMENT|evidence/virtual-mp157/rpmsg/st-default/echo-496-bytes/console.log]]',
    '[[ATTACHMENT|evidence/virtual-mp157/rpmsg/st-default/echo-496-bytes/dmesg.txt]]',
  ]);
  for (const line of out.split('\n')) {
    const rel = /^\[\[ATTACHMENT\|(.+)\]\]$/.exec(line)?.[1] ?? '';
    expect(fs.existsSync(path.join(outDir, rel))).toBe(true);
  }
});

test('an infrastructure failure is <error>, a test failure is <failure>, each with message and type', () => {
  const infra = child(tc('rpmsg/vring-4/echo-1-byte'), 'error');
  expect(infra?.getAttribute('type')).toBe('E_TRANSPORT');
  expect(infra?.getAttribute('message')).toBe('ssh connection lost: ECONNRESET');
  expect(child(tc('rpmsg/vring-4/echo-1-byte'), 'failure')).toBeUndefined();
  const failure = child(tc('rpmsg/st-default/echo-496-bytes'), 'failure');
  expect(failure?.getAttribute('message')).toBe('expected "496 bytes", received "0 bytes"');
  expect(failure?.textContent).toContain('at rpmsg.spec.ts:7:23');
});

test('a test that passed on a retry is ONE case with a flakyFailure child holding the failed attempt', () => {
  const burst = [...cases.values()].filter((c) => c.getAttribute('name') === 'st-default › burst of 1000 messages');
  expect(burst).toHaveLength(1);
  const el = tc('rpmsg/st-default/burst-of-1000-messages');
  expect(childNames(el)).toEqual(['properties', 'flakyFailure', 'system-out']);
  const flaky = child(el, 'flakyFailure') as Element;
  expect(flaky.getAttribute('message')).toBe('message 412 arrived before 411');
  expect(child(flaky, 'stackTrace')?.textContent).toBe('message 412 arrived before 411');
  expect(xml).toMatch(/<property name="hil.attempts" value="2"\/>/);
});

test('a skipped test carries its reason in <skipped message>', () => {
  expect(child(tc('rpmsg/st-default/second-tty-echoes'), 'skipped')?.getAttribute('message'))
    .toBe('st-default announces one rpmsg channel (variants.yaml expect.channels = 1)');
});

test('record properties become test-case properties; suites carry board, soc, kernel, compatible, firmware and harness version', () => {
  expect(xml).toContain('<property name="latency.us" value="412"/>');
  const suiteProps = [
    '<property name="board" value="virtual-mp157"/>',
    '<property name="soc" value="stm32mp157"/>',
    '<property name="kernel" value="6.6.48"/>',
    '<property name="compatible" value="st,stm32mp157f-dk2"/>',
    `<property name="firmware.st-default.sha256" value="${'a'.repeat(64)}"/>`,
    `<property name="firmware.vring-4.sha256" value="${'b'.repeat(64)}"/>`,
    '<property name="harness.version" value="0.1.0"/>',
  ];
  for (const p of suiteProps) expect(xml.split(p).length - 1).toBe(3); // rpmsg, boot, broken
});

test('a spec file that failed to load is one <failure> case of its suite (jest-junit\'s <error> and empty duplicate replaced)', () => {
  const broken = tc('broken/_/test-suite-failed-to-run');
  expect(broken.getAttribute('classname')).toBe('virtual-mp157.broken');
  const failure = child(broken, 'failure');
  expect(child(broken, 'error')).toBeUndefined();
  expect(failure?.getAttribute('type')).toBe('suite-load');
  expect(failure?.getAttribute('message')).toBe('Cannot find module ../harness/jest');
  expect(failure?.textContent).toContain('Cannot find module ../harness/jest');
  expect(xml.match(/Test suite failed to run/g)?.length).toBe(2); // the case name and the error text, nothing more
  expect(xml).not.toContain('<failure>{}</failure>');
});

test('an afterAll failure is a readable <failure> of its suite, not JSON', () => {
  const hook = [...cases.entries()].find(([id]) => id.startsWith('boot/_/test-execution-failure'))?.[1];
  expect(hook?.getAttribute('classname')).toBe('virtual-mp157.boot');
  const text = child(hook as Element, 'failure')?.textContent ?? '';
  expect(text).toMatch(/^Error: stopCore: state stayed running\n/);
});

test('HIL_ATTACHMENT_BASE=absolute writes absolute paths (Jenkins); a directory makes them relative to it (GitLab)', () => {
  const abs = finalizeBoard({ ...boardInfo(outDir, BOARD), attachmentBase: 'absolute' });
  const absOut = child(casesById(abs.junitPath).get('rpmsg/st-default/echo-1-byte') as Element, 'system-out')?.textContent ?? '';
  expect(absOut.split('\n')[0]).toBe(`[[ATTACHMENT|${path.join(outDir, 'evidence/virtual-mp157/rpmsg/st-default/echo-1-byte/index.json')}]]`);
  const project = path.dirname(outDir);
  const rel = finalizeBoard({ ...boardInfo(outDir, BOARD), attachmentBase: project });
  const relOut = child(casesById(rel.junitPath).get('rpmsg/st-default/echo-1-byte') as Element, 'system-out')?.textContent ?? '';
  expect(relOut.split('\n')[0]).toBe(`[[ATTACHMENT|${path.basename(outDir)}/evidence/virtual-mp157/rpmsg/st-default/echo-1-byte/index.json]]`);
});
