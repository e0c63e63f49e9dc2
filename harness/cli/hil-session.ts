// What a `hil` run hands each board's jest process: run id, run-dir layout (CONTRACT-6) and the SessionSpec.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usageError } from './args';
import type { SessionSpec } from '../jest/types';
import { elfNames, type RunningBoard } from './hil-boards';
import { HIL_SPEC, type HilOptions } from './hil-args';

/** `YYYYMMDD-HHMMSS-<4 hex>` in UTC */
export function newRunId(now: Date = new Date(), rand: () => string = () => randomBytes(2).toString('hex')): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const day = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const time = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${day}-${time}-${rand()}`;
}

/** Creates the run directory; an existing one must be empty, so two runs never mix their records. */
export function prepareOutDir(dir: string): void {
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw usageError(HIL_SPEC, `--out ${dir} is not a usable directory: ${(e as Error).message}`);
  }
  if (entries.length > 0) {
    throw usageError(HIL_SPEC, `--out ${dir} is not empty (it holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}); every run writes its own directory: give a new one or leave --out out`);
  }
  fs.mkdirSync(dir, { recursive: true });
}

/** `user@host` of the runner: the lease owner other runners see */
export function runnerName(): string {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    user = process.env.USER ?? 'unknown';
  }
  return `${user}@${os.hostname()}`;
}

export function sessionSpecOf(o: { runId: string; outDir: string; board: RunningBoard; opts: HilOptions; owner: string }): SessionSpec {
  const { plan } = o.board;
  return {
    runId: o.runId,
    board: plan.name,
    profile: plan.profile,
    instance: o.board.instance,
    outDir: o.outDir,
    workDir: path.join(o.outDir, '.work', plan.name),
    evidenceDir: path.join(o.outDir, 'evidence', plan.name),
    consoleLog: path.join(o.outDir, `console-${plan.name}.log`),
    firmwareDir: plan.firmwareDir,
    firmwareSource: plan.firmwareSource,
    variants: o.opts.variants,
    suites: o.opts.suites,
    leaseWaitS: o.opts.leaseWaitS,
    owner: o.owner,
    retries: o.opts.retries,
  };
}

/** `{ variant, sha256 }` of every ELF the board may deploy (JUnit suite properties `firmware.<variant>.sha256`) */
export function firmwareOf(dir: string, variants: readonly string[] | null): { variant: string; sha256: string }[] {
  return (elfNames(dir) ?? [])
    .map((n) => n.slice(0, -'.elf'.length))
    .filter((v) => variants === null || variants.includes(v))
    .map((variant) => ({ variant, sha256: createHash('sha256').update(fs.readFileSync(path.join(dir, `${variant}.elf`))).digest('hex') }));
}

/** package.json version of the harness */
export function harnessVersion(root: string): string {
  try {
    const v = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' ? v : 'unknown';
  } catch {
    return 'unknown';
  }
}
