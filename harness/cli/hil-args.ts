// Arguments of `npm run hil` (DESIGN §4.3): parsed and checked into HilOptions before any board is touched.
import * as path from 'node:path';
import { leaseWaitSeconds } from '../board';
import { parseArgs, usageError, type CommandSpec } from './args';

/** The suites of suites/*.spec.ts, in the order they run. */
export const HIL_SUITES = ['boot', 'resource-table', 'rpmsg', 'trace', 'crash'] as const;
export type HilSuite = (typeof HIL_SUITES)[number];

/** `npm run hil` without --board: the two QEMU twins (DESIGN §1). */
export const DEFAULT_BOARDS: readonly string[] = ['twin-mp157', 'twin-mp257'];

/** The variant names a board can deploy (CONTRACT-6 firmware plan: /^[a-z0-9][a-z0-9._-]{0,63}$/). */
const VARIANT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MAX_RETRIES = 10;

export const HIL_SPEC: CommandSpec = {
  usage: 'hil [--board B[,B...]] [--variant V ...] [--suite S ...] [--firmware DIR] [--out DIR] [--farm FILE] [--known-failures FILE] [--lease-wait S] [--retries N] [--json]',
  summary:
    'Runs the HIL suites on one or more boards (virtual-*/twin-* boards start in-process), writes JUnit, evidence and summary.json, and gates the result. ' +
    'Exit 0 passed (or only known failures), 1 test failures or gate failed, 2 usage or configuration error, 3 infrastructure error, 130/143 interrupted.',
  options: [
    { name: 'board', kind: 'repeat', valueName: 'B[,B...]', description: 'farm instance, board profile, virtual board or alias (mp157, mp257); default twin-mp157,twin-mp257' },
    { name: 'variant', kind: 'repeat', valueName: 'V', description: 'run only these firmware variants (a comma list works too)' },
    { name: 'suite', kind: 'repeat', valueName: 'S', description: `run only these suites (comma list): ${HIL_SUITES.join(', ')}` },
    { name: 'firmware', kind: 'value', valueName: 'DIR', description: 'run your own *.elf set; expectations come from each ELF\'s resource table (default firmware/build/<port>)' },
    { name: 'out', kind: 'value', valueName: 'DIR', description: 'run directory, must be new or empty (default results/<run-id>)' },
    { name: 'farm', kind: 'value', valueName: 'FILE', description: 'farm inventory (default env HIL_FARM)' },
    { name: 'known-failures', kind: 'value', valueName: 'FILE', description: 'known failures for the gate, e.g. ci/known-failures.yaml (default: none, every failure is new)' },
    { name: 'lease-wait', kind: 'value', valueName: 'S', description: 'seconds to wait for a board leased by another runner (default env HIL_LEASE_WAIT_S, else 60)' },
    { name: 'retries', kind: 'value', valueName: 'N', description: `run a failing test up to N more times; a pass on a retry is reported flaky (0..${MAX_RETRIES}, default 0)` },
    { name: 'json', kind: 'flag', description: 'print summary.json (plus out and exitCode) as one JSON object on stdout; progress goes to stderr' },
  ],
  positionals: [],
};

export interface HilOptions {
  help: boolean;
  /** board specs as given (comma lists split), or the default twins */
  boards: string[];
  /** true when --board was not given */
  defaultBoards: boolean;
  /** --variant filter, null = every variant */
  variants: string[] | null;
  /** --suite filter, null = every suite */
  suites: HilSuite[] | null;
  /** absolute --firmware DIR */
  firmwareDir?: string;
  /** absolute --out DIR */
  outDir?: string;
  /** absolute inventory path from --farm or HIL_FARM */
  farmFile?: string;
  knownFailuresFile?: string;
  leaseWaitS: number;
  retries: number;
  json: boolean;
}

function list(values: string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Parses and checks the arguments; throws UsageError (exit 2) naming the flag and what it takes. */
export function parseHilArgs(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): HilOptions {
  const args = parseArgs(argv, HIL_SPEC);
  if (args.help) return { help: true, boards: [...DEFAULT_BOARDS], defaultBoards: true, variants: null, suites: null, leaseWaitS: 60, retries: 0, json: false };
  const abs = (p: string | undefined): string | undefined => (p === undefined ? undefined : path.resolve(cwd, p));
  const boards = unique(list(args.values('board')));
  const variants = unique(list(args.values('variant')));
  for (const v of variants) {
    if (!VARIANT_NAME.test(v)) throw usageError(HIL_SPEC, `--variant "${v}" is not a variant name (lower-case letters, digits, . _ -; at most 64 characters)`);
  }
  const suites = unique(list(args.values('suite')));
  for (const s of suites) {
    if (!(HIL_SUITES as readonly string[]).includes(s)) throw usageError(HIL_SPEC, `unknown suite "${s}"; suites are: ${HIL_SUITES.join(', ')}`);
  }
  const retriesText = args.value('retries') ?? '0';
  if (!/^\d{1,2}$/.test(retriesText) || Number(retriesText) > MAX_RETRIES) {
    throw usageError(HIL_SPEC, `--retries takes a whole number from 0 to ${MAX_RETRIES}, not "${retriesText}"`);
  }
  if (args.values('board').length > 0 && boards.length === 0) throw usageError(HIL_SPEC, '--board needs at least one board name');
  const farm = args.value('farm') ?? (env.HIL_FARM || undefined);
  return {
    help: false,
    boards: boards.length > 0 ? boards : [...DEFAULT_BOARDS],
    defaultBoards: boards.length === 0,
    variants: variants.length > 0 ? variants : null,
    suites: suites.length > 0 ? HIL_SUITES.filter((s) => suites.includes(s)) : null,
    firmwareDir: abs(args.value('firmware')),
    outDir: abs(args.value('out')),
    farmFile: abs(farm),
    knownFailuresFile: abs(args.value('known-failures')),
    leaseWaitS: leaseWaitOf(args.value('lease-wait'), env),
    retries: Number(retriesText),
    json: args.flag('json'),
  };
}

/** leaseWaitSeconds' UsageError lacks the usage line; keep its message and add the line. */
function leaseWaitOf(flag: string | undefined, env: NodeJS.ProcessEnv): number {
  try {
    return leaseWaitSeconds(flag, env);
  } catch (e) {
    throw usageError(HIL_SPEC, e instanceof Error ? e.message : String(e));
  }
}
