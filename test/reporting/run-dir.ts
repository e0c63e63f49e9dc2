// Test helper: a run directory as `npm run hil` leaves it (records.jsonl, jest-junit.xml, evidence) for the fixture specs.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import type { Element } from '@xmldom/xmldom';
import type { TestRecord } from '../../harness/reporting';

export const FIXTURES = path.join(__dirname, 'fixtures');
export const JEST_JUNIT_17 = path.join(FIXTURES, 'jest-junit-17.xml');
export const XSD = path.resolve(__dirname, '../../ci/junit.xsd');

export const FIRMWARE = [
  { variant: 'st-default', sha256: 'a'.repeat(64) },
  { variant: 'vring-4', sha256: 'b'.repeat(64) },
];

export function boardInfo(outDir: string, board: string) {
  return { outDir, board, soc: 'stm32mp157', kernel: '6.6.48', compatible: 'st,stm32mp157f-dk2', firmware: FIRMWARE, harnessVersion: '0.1.0' };
}

function rec(board: string, suite: string, titlePath: string[], id: string, extra: Partial<TestRecord>): TestRecord {
  const variant = id.split('/')[1] ?? '_';
  return {
    id, board, suite, variant, title: titlePath[titlePath.length - 1] ?? '', titlePath, status: 'passed', durationMs: 12,
    retries: [], properties: {}, evidence: `evidence/${board}/${id}/index.json`, startedAt: '2026-11-25T19:35:44.000Z', ...extra,
  };
}

/** What the jest environment records for test/reporting/fixtures/specs (in the order jest runs them). */
export function fixtureRecords(board: string): TestRecord[] {
  return [
    rec(board, 'rpmsg', ['st-default', 'echo 1 byte'], 'rpmsg/st-default/echo-1-byte', { properties: { 'latency.us': 412, 'firmware.sha256': 'a'.repeat(64) } }),
    rec(board, 'rpmsg', ['st-default', 'echo 496 bytes'], 'rpmsg/st-default/echo-496-bytes', {
      status: 'failed',
      failure: { kind: 'failure', message: 'expected "496 bytes", received "0 bytes"', stack: 'Error: expected "496 bytes", received "0 bytes"\n    at rpmsg.spec.ts:7:23' },
    }),
    rec(board, 'rpmsg', ['st-default', 'burst of 1000 messages'], 'rpmsg/st-default/burst-of-1000-messages', {
      retries: [{ message: 'message 412 arrived before 411' }],
    }),
    rec(board, 'rpmsg', ['st-default', 'two channels', 'second tty echoes'], 'rpmsg/st-default/second-tty-echoes', {
      status: 'skipped', skipReason: 'st-default announces one rpmsg channel (variants.yaml expect.channels = 1)',
    }),
    rec(board, 'rpmsg', ['vring-4', 'echo 1 byte'], 'rpmsg/vring-4/echo-1-byte', {
      status: 'error', failure: { kind: 'error', code: 'E_TRANSPORT', message: 'ssh connection lost: ECONNRESET' },
    }),
    rec(board, 'boot', ['st-default', 'starts running'], 'boot/st-default/starts-running', {}),
    rec(board, 'boot', ['board is healthy'], 'boot/_/board-is-healthy', {}),
  ];
}

export interface RunDirOptions {
  boards?: string[];
  /** copy the real jest-junit fixture as `.work/<board>/jest-junit.xml` (false = a killed run) */
  jestJunit?: boolean;
  records?: (board: string) => TestRecord[];
}

/** A fresh run directory under the OS temp dir; evidence (console + dmesg slice) exists for every record that has some. */
export function makeRunDir(o: RunDirOptions = {}): string {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hil-run-'));
  for (const board of o.boards ?? ['virtual-mp157']) {
    const work = path.join(outDir, '.work', board);
    fs.mkdirSync(work, { recursive: true });
    const records = (o.records ?? fixtureRecords)(board);
    fs.writeFileSync(path.join(work, 'records.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    if (o.jestJunit !== false) fs.copyFileSync(JEST_JUNIT_17, path.join(work, 'jest-junit.xml'));
    for (const r of records) if (r.evidence) writeEvidence(outDir, r);
  }
  return outDir;
}

function writeEvidence(outDir: string, r: TestRecord): void {
  const dir = path.join(outDir, path.dirname(r.evidence as string));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'console.log'), 'remoteproc remoteproc0: powering up m4\n');
  fs.writeFileSync(path.join(dir, 'dmesg.txt'), '[  12.1] remoteproc remoteproc0: remote processor m4 is now up\n');
  const files = [
    { name: 'console.log', kind: 'console', bytes: 39, sha256: '0'.repeat(64) },
    { name: 'dmesg.txt', kind: 'dmesg', bytes: 62, sha256: '1'.repeat(64) },
  ];
  fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ id: r.id, board: r.board, status: r.status, files }));
}

export function removeRunDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** The `<testcase>` elements of a JUnit file, by `hil.id`. */
export function casesById(file: string): Map<string, Element> {
  const doc = new DOMParser().parseFromString(fs.readFileSync(file, 'utf8'), 'text/xml');
  const out = new Map<string, Element>();
  const cases = doc.getElementsByTagName('testcase');
  for (let i = 0; i < cases.length; i++) {
    const tc = cases.item(i) as Element;
    const props = tc.getElementsByTagName('property');
    for (let j = 0; j < props.length; j++) {
      const p = props.item(j) as Element;
      if (p.getAttribute('name') === 'hil.id') out.set(p.getAttribute('value') ?? '', tc);
    }
  }
  return out;
}

export function childNames(el: Element): string[] {
  const out: string[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n.nodeName);
  return out;
}

export function child(el: Element, name: string): Element | undefined {
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1 && n.nodeName === name) return n as Element;
  return undefined;
}

/** xmllint's verdict on a file against ci/junit.xsd: exit status and its stderr. */
export function validate(file: string): { ok: boolean; output: string } {
  try {
    execFileSync('xmllint', ['--noout', '--schema', XSD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: true, output: '' };
  } catch (e) {
    const err = e as { stderr?: Buffer };
    return { ok: false, output: err.stderr?.toString() ?? String(e) };
  }
}
