// `npm run gate -- <run-dir>... [--known-failures FILE] [--json]`: the release gate over finished runs (DESIGN §4.3).
import * as path from 'node:path';
import {
  boardSummariesOf, formatGate, gateCases, junitOf, loadKnownFailures, readJunitSuites, readSummary, writeSummary,
} from '../reporting';
import type { GateResult, KnownFailure, RunSummary } from '../reporting';
import { formatHelp, parseArgs, type CommandSpec } from './args';
import { runCli, type CliIO } from './run';

export const GATE: CommandSpec = {
  usage: 'gate <run-dir> [<run-dir>...] [--known-failures FILE] [--json]',
  summary: 'Judges finished runs: new failures and expired known failures fail (exit 1); known failures pass with a warning; '
    + 'flaky tests and fixed entries are reported. Several run directories (one per board job) are judged together.',
  options: [
    { name: 'known-failures', kind: 'value', valueName: 'FILE', description: 'tolerated failures with expiry dates (e.g. ci/known-failures.yaml)' },
    { name: 'json', kind: 'flag', description: 'print the gate result as one JSON object instead of the report' },
  ],
  positionals: ['<run-dir>'],
};

export async function main(argv: string[], io: CliIO): Promise<number> {
  // any number of run directories: the parse spec names one positional per argument, the usage line stays as above
  const args = parseArgs(argv, { ...GATE, positionals: ['<run-dir>', ...argv.map(() => '<run-dir>')], minPositionals: 1 });
  if (args.help) {
    io.stdout(formatHelp(GATE));
    return 0;
  }
  const dirs = args.positionals.map((d) => path.resolve(io.cwd, d));
  const knownFile = args.value('known-failures');
  const known: KnownFailure[] = knownFile === undefined ? [] : loadKnownFailures(path.resolve(io.cwd, knownFile));
  const runs = dirs.map((dir) => ({ dir, suites: readJunitSuites(junitOf(dir)) }));
  const gate = gateCases(runs.flatMap((r) => r.suites.flatMap((s) => s.cases)), known, new Date());
  for (const r of runs) updateSummary(r.dir, gate, () => boardSummariesOf(r.suites, 'junit.xml'));

  if (args.flag('json')) {
    io.stdout(`${JSON.stringify(gate, null, 2)}\n`);
  } else {
    const shown = (d: string): string => {
      const rel = path.relative(io.cwd, d);
      return rel === '' ? '.' : rel.startsWith('..') ? d : rel;
    };
    io.stdout(`runs: ${dirs.map(shown).join(', ')}\n`);
    io.stdout(knownFile === undefined
      ? 'known failures: none (give --known-failures FILE to tolerate listed failures)\n'
      : `known failures: ${knownFile} (${known.length} entr${known.length === 1 ? 'y' : 'ies'})\n`);
    io.stdout(formatGate(gate));
    io.stdout(`summary.json gate updated in ${dirs.map((d) => path.join(shown(d), 'summary.json')).join(', ')}\n`);
  }
  return gate.verdict === 'pass' ? 0 : 1;
}

/** Replaces the gate of the run's summary.json; a run without one (e.g. hil was killed) gets one built from its JUnit. */
function updateSummary(dir: string, gate: GateResult, boards: () => RunSummary['boards']): void {
  const existing = readSummary(dir);
  const summary: RunSummary = existing
    ? { ...existing, gate }
    : { run: { id: path.basename(dir), startedAt: '', durationMs: 0 }, boards: boards(), gate };
  writeSummary(dir, summary);
}

if (require.main === module) runCli(main);
