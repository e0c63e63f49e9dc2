// `npm run rsc -- inspect|lint|mutate`: reads a firmware ELF's resource table and judges it (DESIGN §4.1).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, UsageError, describeError } from '../errors';
import { analyzeFirmware, applyMutation, MUTATIONS } from '../firmware';
import type { MutationSpec } from '../firmware';
import { formatLint, formatReport, lintPasses } from '../firmware/format-report';
import type { BoardRules, FirmwareReport } from '../firmware/types';
import { formatHelp, parseArgs, usageError, type CommandSpec, type ParsedArgs } from './args';
import { runCli, type CliIO } from './run';

/** Larger than any coprocessor image (MP25's biggest region is 8 MiB); refuses before allocating. */
const MAX_FIRMWARE_BYTES = 256 * 1024 * 1024;

const JSON_OPT = { name: 'json', kind: 'flag', description: 'print one JSON object (DESIGN §4.1) instead of text' } as const;
const BOARD_OPT = {
  name: 'board',
  kind: 'value',
  valueName: 'B',
  description: 'judge with this board\'s rules: a profile name (boards/*.yaml) or a path to a profile',
} as const;

export const COMMANDS: Record<'inspect' | 'lint' | 'mutate', CommandSpec> = {
  inspect: {
    usage: 'rsc inspect <elf> [--board B] [--json]',
    summary: 'Prints the ELF header, the resource table entry by entry, the findings and what the kernel will do.',
    options: [JSON_OPT, BOARD_OPT],
    positionals: ['<elf>'],
  },
  lint: {
    usage: 'rsc lint <elf> [--board B] [--json]',
    summary: 'Exit 0 when the firmware boots with its resource table and no finding is above warning, 1 otherwise.',
    options: [JSON_OPT, BOARD_OPT],
    positionals: ['<elf>'],
  },
  mutate: {
    usage: 'rsc mutate <elf> --mutation NAME --out FILE | rsc mutate --list [--json]',
    summary: 'Writes a negative variant of a firmware ELF, or lists the mutations with the verdict each should draw.',
    options: [
      { name: 'mutation', kind: 'value', valueName: 'NAME', description: 'which mutation to apply (see --list)' },
      { name: 'out', kind: 'value', valueName: 'FILE', description: 'where to write the mutated ELF (never the input)' },
      { name: 'list', kind: 'flag', description: 'list every mutation with its expected verdict' },
      JSON_OPT,
    ],
    positionals: ['<elf>'],
    minPositionals: 0,
  },
};

const TOP_USAGE = 'rsc <inspect|lint|mutate> ... (rsc <command> --help for details)';
const TOP: CommandSpec = { usage: TOP_USAGE, options: [], positionals: ['<command>'] };

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) throw usageError(TOP, 'missing command (inspect, lint or mutate)');
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout(`usage: ${TOP_USAGE}\n\n${Object.values(COMMANDS).map((c) => `  ${c.usage}\n      ${c.summary ?? ''}`).join('\n')}\n`);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, command)) throw usageError(TOP, `unknown command ${command} (expected inspect, lint or mutate)`);
  const name = command as keyof typeof COMMANDS;
  const spec = COMMANDS[name];
  const args = parseArgs(rest, spec);
  if (args.help) {
    io.stdout(formatHelp(spec));
    return 0;
  }
  if (name === 'mutate') return mutate(args, io);

  const file = args.positionals[0] as string;
  const board = args.value('board');
  const report = analyze(file, board, io);
  if (args.flag('json')) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout(name === 'lint' ? formatLint(report, board ?? null) : formatReport(report));
  return name === 'lint' ? lintExitCode(report) : 0;
}

export function analyze(file: string, board: string | undefined, io: CliIO): FirmwareReport {
  const rules = board === undefined ? undefined : loadBoardRules(board, io.cwd);
  return analyzeFirmware(readFirmware(file, io.cwd), { file, board: rules });
}

/** DESIGN §4.1: 0 boots with its table and nothing above warning; 1 on a fatal or no-table finding. */
export function lintExitCode(report: FirmwareReport): number {
  return lintPasses(report) ? 0 : 1;
}

/** Board profiles pull in yaml + zod; load them only when --board is given so `inspect` starts fast. */
function loadBoardRules(board: string, cwd: string): BoardRules {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const config = require('../config') as typeof import('../config');
  const looksLikePath = board.includes('/') || board.includes(path.sep) || /\.ya?ml$/i.test(board);
  return config.boardRulesOf(config.loadProfile(looksLikePath ? path.resolve(cwd, board) : board));
}

export function readFirmware(file: string, cwd: string): Uint8Array {
  const full = path.resolve(cwd, file);
  try {
    const st = fs.statSync(full);
    if (st.isDirectory()) throw ioError(file, full, 'it is a directory, not an ELF file');
    if (st.size > MAX_FIRMWARE_BYTES) {
      throw ioError(file, full, `it is ${st.size} bytes, more than the ${MAX_FIRMWARE_BYTES} bytes a firmware image can be`);
    }
    return fs.readFileSync(full);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : describeError(e);
    throw ioError(file, full, why, e);
  }
}

function ioError(file: string, full: string, why: string, cause?: unknown): InputError {
  const where = full === file ? '' : ` (${full})`;
  return new InputError('E_IO', `cannot read firmware ${file}: ${why}${where}`, { file }, { cause });
}

function mutate(args: ParsedArgs, io: CliIO): number {
  const spec = COMMANDS.mutate;
  const [input] = args.positionals;
  const mutation = args.value('mutation');
  const out = args.value('out');
  const json = args.flag('json');
  if (args.flag('list')) {
    if (input !== undefined || mutation !== undefined || out !== undefined) {
      throw usageError(spec, '--list takes no <elf>, --mutation or --out');
    }
    io.stdout(json ? `${JSON.stringify({ mutations: MUTATIONS }, null, 2)}\n` : formatMutationList(MUTATIONS));
    return 0;
  }
  if (input === undefined) throw usageError(spec, 'missing argument <elf> (or --list)');
  if (mutation === undefined) throw usageError(spec, 'missing option --mutation NAME (rsc mutate --list names them)');
  if (out === undefined) throw usageError(spec, 'missing option --out FILE');
  const inFull = path.resolve(io.cwd, input);
  const outFull = path.resolve(io.cwd, out);
  if (sameFile(inFull, outFull)) {
    throw usageError(spec, `--out ${out} is the input file; write the mutated ELF to another path`);
  }
  const mutated = mutateBytes(readFirmware(input, io.cwd), input, mutation);
  writeAtomically(outFull, out, mutated);
  const expectText = MUTATIONS.find((m) => m.name === mutation);
  if (json) io.stdout(`${JSON.stringify({ input, out, mutation, expect: expectText?.expect ?? null })}\n`);
  else io.stdout(`wrote ${out} (${mutation}; expected: ${expectText ? expectationText(expectText) : 'see --list'})\n`);
  return 0;
}

/** applyMutation's errors don't know the file name; say which file and which mutation. */
function mutateBytes(bytes: Uint8Array, input: string, mutation: string): Uint8Array {
  try {
    return applyMutation(bytes, mutation);
  } catch (e) {
    if (e instanceof UsageError || !(e instanceof InputError)) throw e;
    throw new InputError(e.code, `cannot apply mutation ${mutation} to ${input}: ${e.message}`, { ...e.details, file: input }, { cause: e });
  }
}

function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    const sa = fs.statSync(a);
    const sb = fs.statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/** tmp file in the target directory + rename: an error leaves whatever was at `full` untouched. */
function writeAtomically(full: string, shown: string, bytes: Uint8Array): void {
  const tmp = path.join(path.dirname(full), `.${path.basename(full)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, full);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'its directory does not exist' : code === 'EACCES' ? 'permission denied' : describeError(e);
    throw new InputError('E_IO', `cannot write ${shown}: ${why}`, { file: shown }, { cause: e });
  }
}

export function expectationText(m: MutationSpec): string {
  const e = m.expect;
  const verdict = !e.boots
    ? `fails to boot${e.errno === null ? '' : ` (-${e.errno})`}`
    : e.rpmsg
      ? 'boots with rpmsg'
      : 'boots without rpmsg';
  return e.code ? `${verdict}, finding ${e.code}` : verdict;
}

function formatMutationList(mutations: readonly MutationSpec[]): string {
  const width = Math.max(...mutations.map((m) => m.name.length));
  const rows = mutations.map((m) => `${m.name.padEnd(width)}  ${expectationText(m)}\n${' '.repeat(width + 2)}${m.description}\n`);
  // the catalogue's verdicts assume vrings checked at boot; a newer kernel (vringCheck probe) boots vring faults without rpmsg
  const note = 'Verdicts are for the ST-default firmware on STM32MP157F-DK2 rules with vrings checked at boot (kernels before 6.1);\n' +
    'on a newer kernel a vring fault boots without rpmsg instead. `rsc lint FILE --board B` shows the verdict for a board.\n';
  return `${rows.join('')}\n${note}`;
}

// scripts/run-cli.js require()s this file after pointing process.argv[1] at it, so require.main is the launcher there
if (require.main === module) runCli(main);
