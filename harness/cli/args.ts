// Small strict command-line parser shared by every CLI: declared options only, clear UsageErrors, generated help.
import { UsageError } from '../errors';

export interface OptionSpec {
  /** long name without dashes, e.g. `out` for `--out` */
  name: string;
  /** flag: no value; value: one value (last wins is refused: given twice is an error); repeat: may be given many times */
  kind: 'flag' | 'value' | 'repeat';
  /** placeholder shown in help, e.g. `FILE` */
  valueName?: string;
  description: string;
}

export interface CommandSpec {
  /** one line without the leading `usage: `, e.g. `rsc inspect <elf> [--json]` */
  usage: string;
  /** a sentence saying what the command does (first line of --help) */
  summary?: string;
  options: OptionSpec[];
  /** names of positional arguments, in order, for messages (`<elf>`) */
  positionals: string[];
  /** how many positionals are required (default: all of them) */
  minPositionals?: number;
}

export interface ParsedArgs {
  /** true when `--help` or `-h` was given: the caller prints `formatHelp(spec)` and exits 0 */
  help: boolean;
  positionals: string[];
  flag(name: string): boolean;
  value(name: string): string | undefined;
  values(name: string): string[];
}

const HELP = { name: 'help', kind: 'flag', description: 'show this help and exit' } as const satisfies OptionSpec;

/** A UsageError that carries the usage line so the entry wrapper can print it. */
export function usageError(spec: CommandSpec, message: string): UsageError {
  return new UsageError(message, { usage: spec.usage });
}

export function parseArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const byName = new Map<string, OptionSpec>(spec.options.map((o) => [o.name, o]));
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  const endOfOptions = argv.indexOf('--');
  const optionPart = endOfOptions === -1 ? argv : argv.slice(0, endOfOptions);
  if (optionPart.includes('--help') || optionPart.includes('-h')) return makeResult(spec, true, [], values);

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw usageError(spec, `unknown option ${arg} (options are long: --name)`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const opt = byName.get(name);
    if (!opt) throw usageError(spec, `unknown option --${name}${suggest(name, spec)}`);
    if (opt.kind === 'flag') {
      if (eq !== -1) throw usageError(spec, `option --${name} takes no value`);
      values.set(name, ['true']);
      continue;
    }
    let value: string;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        throw usageError(spec, `option --${name} needs a value (${opt.valueName ?? 'VALUE'})`);
      }
      value = next;
      i++;
    }
    if (value === '') throw usageError(spec, `option --${name} needs a non-empty value (${opt.valueName ?? 'VALUE'})`);
    const seen = values.get(name) ?? [];
    if (opt.kind === 'value' && seen.length > 0) throw usageError(spec, `option --${name} given more than once`);
    values.set(name, [...seen, value]);
  }

  const min = spec.minPositionals ?? spec.positionals.length;
  if (positionals.length < min) {
    const missing = spec.positionals.slice(positionals.length, min).join(' ');
    throw usageError(spec, `missing argument ${missing}`);
  }
  if (positionals.length > spec.positionals.length) {
    const extra = positionals.slice(spec.positionals.length).join(' ');
    throw usageError(spec, `unexpected argument ${extra}`);
  }
  return makeResult(spec, false, positionals, values);
}

function makeResult(spec: CommandSpec, help: boolean, positionals: string[], values: Map<string, string[]>): ParsedArgs {
  const declared = (name: string, kind: OptionSpec['kind']): void => {
    const opt = spec.options.find((o) => o.name === name);
    // A typo in the CLI's own code, not the user's input: fail loudly.
    if (!opt || opt.kind !== kind) throw new Error(`internal: option --${name} is not declared as ${kind}`);
  };
  return {
    help,
    positionals,
    flag: (name) => (declared(name, 'flag'), values.has(name)),
    value: (name) => (declared(name, 'value'), values.get(name)?.[0]),
    values: (name) => (declared(name, 'repeat'), values.get(name) ?? []),
  };
}

function suggest(name: string, spec: CommandSpec): string {
  const close = spec.options.find((o) => o.name.startsWith(name) || name.startsWith(o.name));
  return close ? ` (did you mean --${close.name}?)` : '';
}

/** The text `--help` prints: summary, usage line, one line per option. */
export function formatHelp(spec: CommandSpec): string {
  const options = [...spec.options, HELP];
  const left = options.map((o) => `--${o.name}${o.kind === 'flag' ? '' : ` ${o.valueName ?? 'VALUE'}`}`);
  const width = Math.max(...left.map((l) => l.length));
  const lines = [
    ...(spec.summary ? [spec.summary, ''] : []),
    `usage: ${spec.usage}`,
    '',
    'options:',
    ...options.map((o, i) => `  ${(left[i] ?? '').padEnd(width)}  ${o.description}${o.kind === 'repeat' ? ' (repeatable)' : ''}`),
  ];
  return `${lines.join('\n')}\n`;
}
