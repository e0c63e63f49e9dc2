// The real `hil` flow (runHil) on virtual boards this process started, reached through a farm inventory like real boards.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { stringify } from 'yaml';
import { InfraError } from '../harness/errors';
import { instanceOf } from '../harness/cli/hil-boards';
import { runHil } from '../harness/cli/hil';
import { startVirtualBoard, type VirtualBoard } from '../harness/virtual';
import type { TimingKnobs } from '../harness/virtual/timing';

export interface FarmBoard {
  name: string;
  board: VirtualBoard;
}

export interface Farm {
  boards: FarmBoard[];
  /** the inventory file naming every board (type virtual-mp157, loopback SSH with its key and pinned host key, TCP console) */
  inventory: string;
  dir: string;
  stop(): Promise<void>;
}

/** Starts `n` virtual boards (bench-1 … bench-n) with a timing and writes their farm inventory. */
export async function startFarm(n: number, opts: { profile?: string; timing?: Partial<TimingKnobs> } = {}): Promise<Farm> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-farm-'));
  const names = Array.from({ length: n }, (_, i) => `bench-${i + 1}`);
  const started = await Promise.allSettled(
    names.map(async (name) => {
      const board = await startVirtualBoard({ profile: opts.profile ?? 'virtual-mp157', stateDir: path.join(dir, name), console: 'tcp' });
      if (opts.timing) board.kernel.timing.set(opts.timing);
      return { name, board };
    }),
  );
  const boards = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.allSettled(boards.map((b) => b.board.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const inventory = path.join(dir, 'farm.yaml');
  const entries = Object.fromEntries(
    boards.map(({ name, board }) => {
      const { name: _name, ...entry } = instanceOf(name, board);
      // a benchmark times passing runs, which never cycle power: `none` keeps the power plumbing out of the numbers
      return [name, { ...entry, description: 'started by npm run bench', power: { backend: 'none' } }];
    }),
  );
  fs.writeFileSync(inventory, stringify({ boards: entries }));
  return { boards, inventory, dir, stop };
}

export interface HilRun {
  code: number;
  wallMs: number;
  outDir: string;
  /** what runHil printed (progress, summary table) */
  output: string;
  /** passed/failed/skipped/errors summed over the boards of summary.json */
  counts: { passed: number; failed: number; skipped: number; errors: number };
}

/** `npm run hil -- --farm INVENTORY --board <every board> [--suite …] [--variant …] --out DIR`, timed from call to exit code. */
export async function runHilOn(farm: Farm, outDir: string, filters: { suites?: string[]; variants?: string[] } = {}): Promise<HilRun> {
  const argv = ['--farm', farm.inventory, '--board', farm.boards.map((b) => b.name).join(','), '--out', outDir];
  for (const s of filters.suites ?? []) argv.push('--suite', s);
  for (const v of filters.variants ?? []) argv.push('--variant', v);
  let output = '';
  const sink = new PassThrough();
  sink.on('data', (d: Buffer) => (output += d.toString('utf8')));
  const t0 = performance.now();
  const code = await runHil(argv, { stdout: sink, stderr: sink, env: { ...process.env, NO_COLOR: '1' } });
  const wallMs = performance.now() - t0;
  return { code, wallMs, outDir, output, counts: countsOf(outDir) };
}

function countsOf(outDir: string): HilRun['counts'] {
  const total = { passed: 0, failed: 0, skipped: 0, errors: 0 };
  try {
    const summary = JSON.parse(fs.readFileSync(path.join(outDir, 'summary.json'), 'utf8')) as { boards?: Array<Partial<HilRun['counts']>> };
    for (const b of summary.boards ?? []) {
      total.passed += b.passed ?? 0;
      total.failed += b.failed ?? 0;
      total.skipped += b.skipped ?? 0;
      total.errors += b.errors ?? 0;
    }
  } catch {
    // no summary: the run ended before reporting; the exit code says why
  }
  return total;
}

/** The run must have executed tests and passed, else its timing measures a failure, not the harness. */
export function requirePassed(run: HilRun, what: string): void {
  if (run.code === 0 && run.counts.passed > 0) return;
  const lines = run.output.trimEnd().split('\n');
  // the cause is usually an error line early on (a jest child that could not start), the verdict is at the end
  const errors = lines.filter((l) => /\b(Error|error)\b/.test(l)).slice(0, 5);
  const tail = [...errors, '…', ...lines.slice(-8)].join('\n');
  throw new InfraError('E_REMOTE', `${what}: hil exited ${run.code} (${run.counts.passed} passed, ${run.counts.failed} failed, ${run.counts.errors} errors); see ${run.outDir}\n${tail}`, { exitCode: run.code, outDir: run.outDir });
}
