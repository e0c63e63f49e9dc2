// finalizeBoard: jest-junit's file (or, after a killed run, the records alone) → `<out>/junit-<board>.xml` with evidence.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { attachmentPath, type AttachmentBase } from './attachments';
import { suitesFromJestJunit } from './from-jest-junit';
import { suitesFromRecords } from './from-records';
import { classnameOf } from './ids';
import { countCases, summaryLine, type Counts, type SuiteModel } from './model';
import { readRecords } from './records';
import { renderBoard } from './render';
import { readXmlFile, writeXmlFile } from './xml';

export interface FinalizeBoardOptions {
  outDir: string;
  board: string;
  soc: string;
  kernel: string;
  compatible: string;
  firmware: { variant: string; sha256: string }[];
  harnessVersion: string;
  /** how attachment paths are written; default env HIL_ATTACHMENT_BASE, else relative to the run directory (attachments.ts) */
  attachmentBase?: string;
}

export interface FinalizedBoard {
  junitPath: string;
  counts: Counts;
}

/** Where jest-junit's file came from, as the `hil.source` suite property says. */
const SOURCE_JEST = 'jest-junit';
const SOURCE_RECORDS = 'records.jsonl (jest-junit.xml missing or unreadable: the run was cut short, tests after the last record are absent)';

export function finalizeBoard(o: FinalizeBoardOptions): FinalizedBoard {
  const outDir = path.resolve(o.outDir);
  const work = path.join(outDir, '.work', o.board);
  const records = readRecords(path.join(work, 'records.jsonl')).filter((r) => r.board === o.board);
  const base: AttachmentBase = o.attachmentBase ?? process.env.HIL_ATTACHMENT_BASE;
  const ctx = { outDir, board: o.board, attachmentBase: base, variants: new Set(o.firmware.map((f) => f.variant)) };

  const jestFile = path.join(work, 'jest-junit.xml');
  let suites: SuiteModel[];
  let source = SOURCE_JEST;
  const jestDoc = readJestJunit(jestFile);
  if (jestDoc !== undefined) {
    suites = suitesFromJestJunit(jestDoc, records, ctx);
  } else {
    suites = suitesFromRecords(records, ctx);
    source = SOURCE_RECORDS;
  }
  // the board's whole console log is the evidence of a session that failed
  const consoleLog = `console-${o.board}.log`;
  const consoleLink = fs.existsSync(path.join(outDir, consoleLog)) ? [attachmentPath(outDir, consoleLog, base)] : [];
  const infra = sessionFailure(work, o.board, consoleLink);
  if (infra !== undefined) suites.push(infra);
  else if (suites.every((s) => s.cases.length === 0)) suites = [noTestRan(o.board, source === SOURCE_JEST, consoleLink)];

  const props = suiteProperties(o, source);
  for (const s of suites) s.properties = [...props, ...s.properties];
  const junitPath = path.join(outDir, `junit-${o.board}.xml`);
  fs.mkdirSync(outDir, { recursive: true });
  writeXmlFile(junitPath, renderBoard(o.board, suites));
  return { junitPath, counts: countCases(suites.flatMap((s) => s.cases)) };
}

/** jest-junit writes its file in one go at the end; a torn or missing file means the run was killed. */
function readJestJunit(file: string) {
  if (!fs.existsSync(file)) return undefined;
  try {
    return readXmlFile(file);
  } catch {
    return undefined;
  }
}

function suiteProperties(o: FinalizeBoardOptions, source: string): Array<[string, string]> {
  return [
    ['board', o.board],
    ['soc', o.soc],
    ['kernel', o.kernel],
    ['compatible', o.compatible],
    ...o.firmware.map((f): [string, string] => [`firmware.${f.variant}.sha256`, f.sha256]),
    ['harness.version', o.harnessVersion],
    ['hil.source', source],
  ];
}

/**
 * A board-level infrastructure failure (`.work/<board>/infra.json` = { code, message }, e.g. a host key mismatch) becomes
 * one `<error>` case, so CI shows why the board has no (or too few) results instead of a quietly short report.
 */
function sessionFailure(work: string, board: string, attachments: string[]): SuiteModel | undefined {
  const file = path.join(work, 'infra.json');
  if (!fs.existsSync(file)) return undefined;
  let code = 'E_TRANSPORT';
  let message = `${file} could not be read`;
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as { code?: unknown; message?: unknown };
    if (typeof v.code === 'string') code = v.code;
    if (typeof v.message === 'string') message = v.message;
  } catch {
    // keep the defaults: the file's presence alone says the board session failed
  }
  return sessionSuite(board, code, message, attachments);
}

/**
 * A board without a single test case must not vanish from the merged report (the gate would judge only the other
 * boards): it gets one `<error>` case saying nothing ran.
 */
function noTestRan(board: string, hadJestJunit: boolean, attachments: string[]): SuiteModel {
  const where = hadJestJunit ? 'jest-junit.xml lists no test' : 'there is neither a jest-junit.xml nor a recorded test';
  return sessionSuite(board, 'no-tests', `no test ran on ${board}: ${where}; the board's jest process ended before its first test (see console-${board}.log and the hil output)`, attachments);
}

function sessionSuite(board: string, code: string, message: string, attachments: string[]): SuiteModel {
  return {
    suite: 'session',
    properties: [],
    cases: [{
      classname: classnameOf(board, 'session'),
      name: 'board session',
      id: 'session/_/board-session',
      timeS: 0,
      status: 'error',
      message: summaryLine(message),
      type: code,
      body: `${code}: ${message}`,
      attempts: [],
      properties: [],
      attachments,
    }],
  };
}
