// `npm run hil` (DESIGN §4.3, CONTRACT-6 flow): boards -> one jest process each, in parallel -> JUnit, gate, summary -> exit code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../errors';
import { spawnBoardJest, writeSessionSpec } from '../jest/spawn';
import { formatGate, loadKnownFailures } from '../reporting';
import { formatHelp } from './args';
import { HIL_SPEC, parseHilArgs, type HilOptions } from './hil-args';
import { planBoards, repoRoot, startBoards, stopBoards, type RunningBoard } from './hil-boards';
import { boardProblem, decideExit, HIL_EXIT, type BoardEnd } from './hil-exit';
import { formatCounts, Progress } from './hil-progress';
import { notRun, reportRun, type FinishedBoard } from './hil-report';
import { harnessVersion, newRunId, prepareOutDir, runnerName, sessionSpecOf } from './hil-session';
import { watchSignals, type SignalWatch } from './hil-signals';
import { formatSummaryTable } from './hil-summary';
import { runMain, type CliIO } from './run';

/** Where runHil writes and what it listens to; every field defaults to the process's own. */
export interface HilIO {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
  /** SIGINT/SIGTERM source (default process): tests emit on their own emitter */
  signals?: NodeJS.EventEmitter;
}

interface Ctx {
  io: CliIO;
  env: NodeJS.ProcessEnv;
  signals: NodeJS.EventEmitter;
  /** colours on the progress stream */
  color: boolean;
  stderr: NodeJS.WritableStream;
}

function isTty(s: NodeJS.WritableStream): boolean {
  return (s as { isTTY?: boolean }).isTTY === true;
}

/** Runs `hil` with these arguments and returns its exit code (0/1/2/3, 130/143 when interrupted); never exits the process. */
export async function runHil(argv: string[], io: HilIO = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const json = argv.includes('--json');
  const cli: CliIO = { stdout: (s) => void stdout.write(s), stderr: (s) => void stderr.write(s), cwd: process.cwd() };
  const color = isTty(json ? stderr : stdout) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  return runMain((a, c) => hilMain(a, { io: c, env, signals: io.signals ?? process, color, stderr }), argv, cli, env);
}

async function hilMain(argv: string[], ctx: Ctx): Promise<number> {
  const opts = parseHilArgs(argv, ctx.env, ctx.io.cwd);
  if (opts.help) {
    ctx.io.stdout(formatHelp(HIL_SPEC));
    return HIL_EXIT.passed;
  }
  const root = repoRoot();
  checkSuiteFiles(root, opts.suites);
  // configuration mistakes surface before any board is touched
  const knownFailures = opts.knownFailuresFile !== undefined ? loadKnownFailures(opts.knownFailuresFile) : undefined;
  const plans = await planBoards(opts, root);
  const startedAt = new Date();
  const runId = newRunId(startedAt);
  const outDir = opts.outDir ?? path.resolve(ctx.io.cwd, 'results', runId);
  prepareOutDir(outDir);

  const say = opts.json ? ctx.io.stderr : ctx.io.stdout;
  const progress = new Progress({ write: say, color: ctx.color, boardWidth: Math.max(...plans.map((p) => p.name.length)) });
  say(`rproc-hil run ${runId}: ${plans.map((p) => p.name).join(', ')}; suites ${opts.suites?.join(', ') ?? 'all'}; variants ${opts.variants?.join(', ') ?? 'all'}\n`);
  say(`results: ${outDir}\n`);
  const watch = watchSignals(ctx.signals, (sig, first) =>
    say(
      first
        ? `\n${sig}: stopping; each board is restored and its lease released before exit (this can take a few seconds)\n`
        : `${sig} again: still waiting for the boards to be restored and released\n`,
    ),
  );
  let running: RunningBoard[] = [];
  try {
    running = await startBoards(plans, path.join(outDir, '.work'), (board, what) => progress.note(board, what));
    const owner = runnerName();
    const finished = await Promise.all(running.map((b) => runBoard(b, { runId, outDir, opts, owner, watch, progress, env: ctx.env, startedAt, childOutput: ctx.stderr })));
    await stopBoards(running.splice(0));
    const report = reportRun({ outDir, runId, startedAt, boards: finished, ...(knownFailures ? { knownFailures } : {}), harnessVersion: harnessVersion(root) });
    say(`\n${formatSummaryTable(report.rows)}`);
    if (report.gate) say(`\n${formatGate(report.gate).trimEnd()}\n`);
    for (const p of report.problems) ctx.io.stderr(`error: ${p}\n`);
    let decision = decideExit({ boards: report.ends, ...(report.gate ? { gate: report.gate } : {}), ...(watch.received ? { interrupted: watch.received } : {}) });
    if (report.problems.length > 0 && (decision.code === HIL_EXIT.passed || decision.code === HIL_EXIT.failed)) {
      decision = { code: HIL_EXIT.infra, reason: `reporting failed: ${report.problems.join('; ')}` };
    }
    say(`\n${decision.code === HIL_EXIT.passed ? 'PASS' : 'FAIL'} (exit ${decision.code}): ${decision.reason}\nresults: ${outDir}\n`);
    if (opts.json) ctx.io.stdout(`${JSON.stringify({ ...(report.summary ?? {}), out: outDir, exitCode: decision.code })}\n`);
    return decision.code;
  } finally {
    watch.dispose();
    await stopBoards(running);
  }
}

/** Every suite the run asks for must have its file (a missing file would make jest find no test and say little). */
function checkSuiteFiles(root: string, suites: readonly string[] | null): void {
  const dir = path.join(root, 'suites');
  const present = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.spec.ts')).map((n) => n.slice(0, -'.spec.ts'.length)) : [];
  const missing = (suites ?? []).filter((s) => !present.includes(s));
  if (present.length === 0 || missing.length > 0) {
    throw new ConfigError(
      `no suite file ${missing.length > 0 ? missing.map((s) => `suites/${s}.spec.ts`).join(', ') : 'suites/*.spec.ts'} in ${root}; suites present: ${present.join(', ') || 'none'}`,
      { dir },
    );
  }
}

interface BoardRunContext {
  runId: string;
  outDir: string;
  opts: HilOptions;
  owner: string;
  watch: SignalWatch;
  progress: Progress;
  env: NodeJS.ProcessEnv;
  startedAt: Date;
  /** where the children's own output (jest errors) goes */
  childOutput: NodeJS.WritableStream;
}

/** One board's jest process: session.json, spawn, progress per record; resolves when the child has exited. */
async function runBoard(board: RunningBoard, c: BoardRunContext): Promise<FinishedBoard> {
  const spec = sessionSpecOf({ runId: c.runId, outDir: c.outDir, board, opts: c.opts, owner: c.owner });
  writeSessionSpec(spec);
  const wall = (): number => Date.now() - c.startedAt.getTime();
  if (c.watch.received) return notRun(spec, wall(), `not started: interrupted by ${c.watch.received}`);
  c.progress.note(spec.board, `running ${c.opts.suites?.join(', ') ?? 'every suite'} (jest, session ${path.relative(c.outDir, spec.workDir)}/session.json)`);
  // the session's suite filter becomes jest --testPathPatterns inside spawnBoardJest
  let res: { exitCode: number; infra?: { code: string; message: string } };
  try {
    res = await spawnBoardJest(spec, {
      env: c.env,
      stderr: c.childOutput,
      onRecord: (r) => c.progress.record(r),
      signal: c.watch.abort,
    });
  } catch (e) {
    // this board is lost, the others keep running: never leave their children orphaned by rejecting here
    res = { exitCode: HIL_EXIT.infra, infra: { code: 'E_TOOL', message: `could not start jest for board ${spec.board}: ${e instanceof Error ? e.message : String(e)}` } };
  }
  const counts = c.progress.countsOf(spec.board);
  const end: BoardEnd = { board: spec.board, exitCode: res.exitCode, counts, ...(res.infra ? { infra: res.infra } : {}) };
  const problem = boardProblem(end);
  // after a stop request a child ended by the signal is expected, not an infrastructure failure
  const stopped = c.watch.received !== undefined && !res.infra ? `stopped after ${c.watch.received}` : undefined;
  if (problem && !stopped) c.progress.note(spec.board, `${problem.kind === 'usage' ? 'configuration' : 'infrastructure'} error: ${problem.text}`);
  c.progress.note(spec.board, `${stopped ?? 'finished'}: ${formatCounts(counts)}`);
  return { spec, end, wallMs: wall(), ...(stopped ? { note: stopped } : {}) };
}

// scripts/run-cli.js require()s this file after pointing argv[1] at it, so require.main is the launcher there
if (require.main === module) {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') process.stderr.write(`error: cannot write to stdout: ${e.message}\n`);
  });
  void runHil(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // everything is closed by now; if a stray handle remains, still end within a moment
    setTimeout(() => process.exit(code), 2000).unref();
  });
}
