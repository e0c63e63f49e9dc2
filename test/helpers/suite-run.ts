// Test helper: runs suites (or throwaway specs) through the real board jest process against an in-process virtual board.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { loadProfile, type BoardProfile, type FarmInstance } from '../../harness/config';
import { spawnBoardJest, type BoardJestResult } from '../../harness/jest/spawn';
import type { SessionSpec } from '../../harness/jest/types';
import type { TestRecord } from '../../harness/reporting/types';
import { startVirtualBoard, type VirtualBoard } from '../../harness/virtual';

export type VirtualBoardName = 'virtual-mp157' | 'virtual-mp257' | 'twin-mp157' | 'twin-mp257';

export interface SuiteRunOptions {
  board: VirtualBoardName;
  /** the board's name in the run (classnames, ids, messages); default the profile name `board` */
  name?: string;
  /** suite names (`rpmsg` runs suites/rpmsg.spec.ts, or <specDir>/rpmsg.spec.ts) */
  suites: string[];
  /** --variant filter (default: every variant of the board's port) */
  variants?: string[];
  /** a directory of throwaway *.spec.ts files to run instead of suites/ */
  specDir?: string;
  /** jest retryTimes of every test (default 0) */
  retries?: number;
  /** change the inventory entry the child gets (e.g. a wrong pinned host key, a proxy port) */
  instance?: (i: FarmInstance) => FarmInstance;
  /** change the profile the child gets (e.g. shorter phase budgets); the board itself runs the unchanged profile */
  profile?: (p: BoardProfile) => BoardProfile;
  /** lease wait of the child (default 5 s) */
  leaseWaitS?: number;
  /** abort = SIGTERM to the board's jest process */
  signal?: AbortSignal;
  onRecord?: (r: TestRecord) => void;
  /** called once the board is up, before the session is written (e.g. to take its lease from another runner) */
  onStart?: (vb: VirtualBoard) => void | Promise<void>;
}

export interface SuiteRun extends BoardJestResult {
  records: TestRecord[];
  /** the run directory (junit input, evidence, .work/<board>) */
  outDir: string;
  spec: SessionSpec;
  vb: VirtualBoard;
  /** a second run on the same board (same run dir, records.jsonl replaced), e.g. to see what it no longer uploads */
  rerun(suites?: string[]): Promise<BoardJestResult & { records: TestRecord[] }>;
  cleanup(): Promise<void>;
}

function runId(): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}-${randomBytes(2).toString('hex')}`;
}

/** every record line of records.jsonl (a torn last line is left out) */
export function readRecordLines(file: string): TestRecord[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').flatMap((l) => {
    try {
      return l.trim() === '' ? [] : [JSON.parse(l) as TestRecord];
    } catch {
      return [];
    }
  });
}

const FIRMWARE_ROOT = path.resolve(__dirname, '..', '..', 'firmware');

/** the ELF directory of a firmware port, built with `make -C firmware` when it is not there yet (needs arm-none-eabi-gcc) */
export function firmwareDirOf(port: string): string {
  const dir = path.join(FIRMWARE_ROOT, 'build', port);
  if (!fs.existsSync(path.join(dir, 'st-default.elf'))) execFileSync('make', ['-C', FIRMWARE_ROOT], { stdio: 'ignore' });
  return dir;
}

/**
 * Starts the board in-process (TCP console), writes the session as `npm run hil` does and spawns the board's jest.
 * Power reaches this process's switch through the board's power socket, as for a board started by `npm run hil`.
 */
export async function runSuitesOnVirtualBoard(o: SuiteRunOptions): Promise<SuiteRun> {
  const profile = loadProfile(o.board);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `rproc-hil-vb-${o.board}-`));
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), `rproc-hil-run-${o.board}-`));
  const vb = await startVirtualBoard({ profile, stateDir, console: 'tcp' });
  const cleanup = async (): Promise<void> => {
    await vb.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
    fs.rmSync(outDir, { recursive: true, force: true });
  };
  try {
    await o.onStart?.(vb);
    const { host, port, user, privateKey, hostKey } = vb.ssh;
    const power = { backend: 'virtual' as const, socket: vb.powerSocket };
    const name = o.name ?? o.board;
    const base: FarmInstance = { name, type: profile.name, ssh: { host, port, user, privateKey, hostKey }, console: vb.console, power };
    const workDir = path.join(outDir, '.work', name);
    const spec: SessionSpec = {
      runId: runId(),
      board: name,
      profile: o.profile ? o.profile(profile) : profile,
      instance: o.instance ? o.instance(base) : base,
      outDir,
      workDir,
      evidenceDir: path.join(outDir, 'evidence', name),
      consoleLog: path.join(outDir, `console-${name}.log`),
      firmwareDir: firmwareDirOf(profile.coprocessor.firmwarePort),
      firmwareSource: 'builtin',
      variants: o.variants ?? null,
      suites: o.suites,
      leaseWaitS: o.leaseWaitS ?? 5,
      owner: 'suite-run@rproc-hil-tests',
      retries: o.retries ?? 0,
    };
    const records = (): TestRecord[] => readRecordLines(path.join(workDir, 'records.jsonl'));
    const roots = o.specDir ? { roots: [o.specDir] } : {};
    const result = await spawnBoardJest(spec, {
      ...roots,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onRecord ? { onRecord: o.onRecord } : {}),
    });
    const rerun = async (suites = o.suites): Promise<BoardJestResult & { records: TestRecord[] }> => ({ ...(await spawnBoardJest({ ...spec, suites }, roots)), records: records() });
    return { ...result, records: records(), outDir, spec, vb, rerun, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/**
 * The suites again on a board a SuiteRun left up, with a changed session (what `npm run hil` would have written for
 * other flags), into `<outDir>/<name>/`; `change` gets the session and an empty firmware directory it may fill.
 */
export async function rerunWith(run: SuiteRun, name: string, change: (s: SessionSpec, fwDir: string) => SessionSpec): Promise<{ exitCode: number; records: TestRecord[] }> {
  const out = path.join(run.outDir, name);
  const fwDir = path.join(out, 'firmware');
  fs.mkdirSync(fwDir, { recursive: true });
  const spec = change({
    ...run.spec,
    outDir: out,
    workDir: path.join(out, '.work', run.spec.board),
    evidenceDir: path.join(out, 'evidence', run.spec.board),
    consoleLog: path.join(out, `console-${run.spec.board}.log`),
  }, fwDir);
  const quiet = new PassThrough();
  quiet.resume(); // the child's error report is read from its records, not echoed here
  const r = await spawnBoardJest(spec, { stderr: quiet });
  return { exitCode: r.exitCode, records: readRecordLines(path.join(spec.workDir, 'records.jsonl')) };
}
