// Starts the ONE jest process of a board (ci/jest.hil.config.js, in band) and follows its records.jsonl while it runs.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../config';
import type { TestRecord } from '../reporting/types';
import { readInfra, type InfraReport } from './infra';
import type { SessionSpec } from './types';

export const REPO_ROOT = repoRoot();
export const HIL_JEST_CONFIG = path.join(REPO_ROOT, 'ci', 'jest.hil.config.js');
const JEST_BIN = path.join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export interface SpawnBoardJestOptions {
  /** jest --testPathPatterns (regexes over spec paths); default: one per --suite name of the session, none = every suite */
  testPathPatterns?: string[];
  env?: NodeJS.ProcessEnv;
  /** called with each record as the child appends it (progress lines) */
  onRecord?: (r: TestRecord) => void;
  /** aborting sends SIGTERM: the child restores the board, releases the lease and exits */
  signal?: AbortSignal;
  /** spec directories instead of suites/ (jest --roots), e.g. a user's own suite dir or a test's temp dir */
  roots?: string[];
  /** where the child's stderr goes (default: this process's stderr) */
  stderr?: NodeJS.WritableStream;
}

export interface BoardJestResult {
  exitCode: number;
  /** the board-level failure the child reported in infra.json (exit 2 config, 3 infrastructure) */
  infra?: InfraReport;
}

/** writes `<workDir>/session.json` and returns its absolute path (the value of HIL_SESSION) */
export function writeSessionSpec(spec: SessionSpec): string {
  fs.mkdirSync(spec.workDir, { recursive: true });
  const file = path.resolve(spec.workDir, 'session.json');
  fs.writeFileSync(file, `${JSON.stringify(spec, null, 2)}\n`);
  return file;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** the --testPathPatterns of a --suite list (`rpmsg` → `/rpmsg\.spec\.ts$`) */
export function suitePatterns(suites: string[] | null): string[] {
  return (suites ?? []).map((s) => `[/\\\\]${escapeRegex(s)}\\.spec\\.ts$`);
}

/** follows a JSONL file from `offset`; returns the new offset (a torn last line waits for its newline) */
function readNewRecords(file: string, offset: number, onRecord: (r: TestRecord) => void): number {
  let data: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= offset) return offset;
      data = Buffer.alloc(size - offset);
      fs.readSync(fd, data, 0, data.length, offset);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return offset;
  }
  const end = data.lastIndexOf(0x0a);
  if (end < 0) return offset;
  for (const line of data.subarray(0, end).toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      onRecord(JSON.parse(line) as TestRecord);
    } catch {
      // a line that is not JSON is not a record; reporting reads the file again at the end
    }
  }
  return offset + end + 1;
}

export function spawnBoardJest(spec: SessionSpec, opts: SpawnBoardJestOptions = {}): Promise<BoardJestResult> {
  for (const stale of ['records.jsonl', 'infra.json', 'jest-junit.xml']) fs.rmSync(path.join(spec.workDir, stale), { force: true });
  const sessionFile = writeSessionSpec(spec);
  const patterns = opts.testPathPatterns ?? suitePatterns(spec.suites);
  const args = [JEST_BIN, '--config', HIL_JEST_CONFIG, '--runInBand', '--ci'];
  for (const r of opts.roots ?? []) args.push('--roots', path.resolve(r));
  for (const p of patterns) args.push('--testPathPatterns', p);
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env, HIL_SESSION: sessionFile, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = opts.stderr ?? process.stderr;
  child.stdout.on('data', (c: Buffer) => out.write(c));
  child.stderr.on('data', (c: Buffer) => out.write(c));
  const recordsFile = path.join(spec.workDir, 'records.jsonl');
  let offset = 0;
  const follow = (): void => {
    if (opts.onRecord) offset = readNewRecords(recordsFile, offset, opts.onRecord);
  };
  const timer = setInterval(follow, 250);
  const onAbort = (): void => {
    child.kill('SIGTERM');
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  return new Promise((resolve, reject) => {
    let done = false;
    let grace: NodeJS.Timeout | undefined;
    const finish = (code: number | null, sig: NodeJS.Signals | null): void => {
      if (done) return;
      done = true;
      clearTimeout(grace);
      clearInterval(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      follow();
      const exitCode = code ?? 128 + (sig ? (SIGNAL_NUMBERS[sig] ?? 0) : 0);
      const infra = exitCode === 2 || exitCode === 3 ? readInfra(spec.workDir) : undefined;
      resolve(infra ? { exitCode, infra } : { exitCode });
    };
    child.on('error', (e) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.on('close', finish);
    child.on('exit', (code, sig) => {
      // 'close' waits for the output pipes; a process the child left behind could hold them open forever
      grace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, sig);
      }, 2000);
    });
  });
}
