// `npm run bench`: runs the benchmarks registered in bench/index, prints a table and writes one flat bench.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, describeError } from '../errors';
import { formatHelp, parseArgs, usageError, type CommandSpec } from './args';
import type { BenchResult, Benchmark } from './bench-types';
import { EXIT, runCli, type CliIO } from './run';

export const BENCH_SPEC: CommandSpec = {
  usage: 'bench [--only NAME]... [--runs N] [--quick] [--out FILE] [--check] [--list]',
  summary: 'Measures the harness (see bench/) and writes the numbers as one flat JSON object.',
  options: [
    { name: 'only', kind: 'repeat', valueName: 'NAME', description: 'run only this benchmark' },
    { name: 'runs', kind: 'value', valueName: 'N', description: 'repetitions per measured loop (default: each benchmark\'s own)' },
    { name: 'quick', kind: 'flag', description: 'small counts and suite filters (a smoke run: same keys, numbers not worth quoting)' },
    { name: 'out', kind: 'value', valueName: 'FILE', description: 'where to write the JSON (default bench.json)' },
    { name: 'check', kind: 'flag', description: 'exit 1 when a result misses its target' },
    { name: 'list', kind: 'flag', description: 'list the benchmarks and exit' },
  ],
  positionals: [],
};

/** bench/index sits beside harness/ both in the sources and in dist/. */
export function loadBenchmarks(registry = path.resolve(__dirname, '..', '..', 'bench', 'index')): Benchmark[] {
  // A computed path on purpose: the registry is data the CLI discovers, not a dependency of harness/.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(registry) as { BENCHMARKS?: unknown };
  if (!Array.isArray(mod.BENCHMARKS)) throw new Error(`${registry} does not export BENCHMARKS: Benchmark[]`);
  return mod.BENCHMARKS as Benchmark[];
}

export async function main(argv: string[], io: CliIO, benchmarks: Benchmark[] = loadBenchmarks()): Promise<number> {
  const args = parseArgs(argv, BENCH_SPEC);
  if (args.help) {
    io.stdout(formatHelp(BENCH_SPEC));
    return 0;
  }
  if (args.flag('list')) {
    for (const b of benchmarks) io.stdout(`${b.name.padEnd(16)} ${b.description}\n`);
    return 0;
  }
  const only = args.values('only').flatMap((v) => v.split(',')).filter((v) => v !== '');
  const unknown = only.filter((n) => !benchmarks.some((b) => b.name === n));
  if (unknown.length) {
    throw usageError(BENCH_SPEC, `unknown benchmark ${unknown.join(', ')} (known: ${benchmarks.map((b) => b.name).join(', ')})`);
  }
  const runsText = args.value('runs');
  const runs = runsText === undefined ? undefined : Number(runsText);
  if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1 && runs <= 100000)) {
    throw usageError(BENCH_SPEC, `--runs must be an integer from 1 to 100000, got ${runsText}`);
  }
  const out = path.resolve(io.cwd, args.value('out') ?? 'bench.json');
  if (!fs.existsSync(path.dirname(out))) {
    throw new InputError('E_IO', `cannot write ${out}: its directory does not exist`, { file: out });
  }

  const results: BenchResult[] = [];
  const failed: string[] = [];
  for (const b of benchmarks.filter((x) => only.length === 0 || only.includes(x.name))) {
    io.stderr(`bench ${b.name}: ${b.description}\n`);
    try {
      results.push(...(await b.run({ runs, quick: args.flag('quick'), log: (line) => io.stderr(`  ${line}\n`) })));
    } catch (e) {
      // one benchmark that cannot run (a missing tool, a failing hil run) must not throw away the others' numbers
      failed.push(b.name);
      io.stderr(`error: benchmark ${b.name} failed, its keys are missing from the results: ${describeError(e)}\n`);
    }
  }
  io.stdout(formatTable(results));
  writeJson(out, Object.fromEntries(results.map((r) => [r.key, r.value])));
  const shown = path.relative(io.cwd, out);
  io.stdout(`wrote ${shown.startsWith('..') ? out : shown}\n`);
  if (failed.length > 0) {
    io.stderr(`error: ${failed.length} benchmark${failed.length > 1 ? 's' : ''} failed: ${failed.join(', ')} (see above)\n`);
    return EXIT.internal;
  }
  const missed = results.filter((r) => !meetsTarget(r));
  return args.flag('check') && missed.length > 0 ? 1 : 0;
}

function meetsTarget(r: BenchResult): boolean {
  return (r.target === undefined || r.value <= r.target) && (r.atLeast === undefined || r.value >= r.atLeast);
}

function targetText(r: BenchResult): string {
  const parts = [r.target === undefined ? '' : `<= ${r.target} ${r.unit}`, r.atLeast === undefined ? '' : `>= ${r.atLeast} ${r.unit}`];
  return parts.filter((p) => p).join(', ') || '-';
}

export function formatTable(results: BenchResult[]): string {
  const rows = [
    ['key', 'value', 'target', 'result', 'how'],
    ...results.map((r) => [
      r.key,
      `${r.value} ${r.unit}`,
      targetText(r),
      r.target === undefined && r.atLeast === undefined ? '-' : meetsTarget(r) ? 'ok' : 'MISSED',
      r.detail,
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  return `${rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd()).join('\n')}\n`;
}

/** tmp + rename, so an interrupted run never leaves a half-written bench.json. */
function writeJson(file: string, data: Record<string, number>): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'its directory does not exist' : code === 'EACCES' ? 'permission denied' : describeError(e);
    throw new InputError('E_IO', `cannot write ${file}: ${why}`, { file }, { cause: e });
  }
}

// scripts/run-cli.js require()s this file after pointing process.argv[1] at it, so require.main is the launcher there
if (require.main === module) runCli((argv, io) => main(argv, io));
