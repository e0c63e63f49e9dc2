// The shared CLI parser: declared options only, values, flags, repeats, positionals, --help, pinned usage messages.
import { UsageError } from '../../harness/errors';
import { formatHelp, parseArgs, type CommandSpec } from '../../harness/cli/args';

const SPEC: CommandSpec = {
  usage: 'tool run <elf> [--out FILE] [--json] [--only NAME]...',
  summary: 'Runs the tool.',
  options: [
    { name: 'out', kind: 'value', valueName: 'FILE', description: 'output file' },
    { name: 'json', kind: 'flag', description: 'print JSON' },
    { name: 'only', kind: 'repeat', valueName: 'NAME', description: 'restrict' },
  ],
  positionals: ['<elf>'],
};

function usageMessage(argv: string[]): { message: string; usage: unknown } {
  try {
    parseArgs(argv, SPEC);
  } catch (e) {
    if (e instanceof UsageError) return { message: e.message, usage: e.details.usage };
    throw e;
  }
  throw new Error('expected a UsageError');
}

describe('parseArgs', () => {
  test('reads positionals, values in both spellings, flags and repeated options in any order', () => {
    const a = parseArgs(['--only', 'x', 'fw.elf', '--out=o.elf', '--json', '--only', 'y'], SPEC);
    expect(a.help).toBe(false);
    expect(a.positionals).toEqual(['fw.elf']);
    expect(a.value('out')).toBe('o.elf');
    expect(a.flag('json')).toBe(true);
    expect(a.values('only')).toEqual(['x', 'y']);
  });

  test('absent options read as unset', () => {
    const a = parseArgs(['fw.elf'], SPEC);
    expect(a.value('out')).toBeUndefined();
    expect(a.flag('json')).toBe(false);
    expect(a.values('only')).toEqual([]);
  });

  test('-- ends the options, so a file may start with a dash', () => {
    expect(parseArgs(['--json', '--', '--weird.elf'], SPEC).positionals).toEqual(['--weird.elf']);
  });

  test('--help and -h win over anything else, even bad options', () => {
    expect(parseArgs(['--bogus', '--help'], SPEC).help).toBe(true);
    expect(parseArgs(['-h'], SPEC).help).toBe(true);
  });

  test.each([
    [['fw.elf', '--bogus'], 'unknown option --bogus'],
    [['fw.elf', '--jso'], 'unknown option --jso (did you mean --json?)'],
    [['fw.elf', '-x'], 'unknown option -x (options are long: --name)'],
    [['fw.elf', '--out'], 'option --out needs a value (FILE)'],
    [['fw.elf', '--out', '--json'], 'option --out needs a value (FILE)'],
    [['fw.elf', '--out='], 'option --out needs a non-empty value (FILE)'],
    [['fw.elf', '--out', 'a', '--out', 'b'], 'option --out given more than once'],
    [['fw.elf', '--json=yes'], 'option --json takes no value'],
    [[], 'missing argument <elf>'],
    [['a.elf', 'b.elf'], 'unexpected argument b.elf'],
  ])('%j is refused with "%s" and the usage line', (argv, message) => {
    const e = usageMessage(argv);
    expect(e.message).toBe(message);
    expect(e.usage).toBe(SPEC.usage);
  });

  test('asking for an undeclared option is a programming error, not a silent undefined', () => {
    const a = parseArgs(['fw.elf'], SPEC);
    expect(() => a.value('json')).toThrow('internal: option --json is not declared as value');
  });
});

describe('formatHelp', () => {
  test('shows summary, usage and every option including --help', () => {
    const help = formatHelp(SPEC);
    expect(help).toBe(
      [
        'Runs the tool.',
        '',
        'usage: tool run <elf> [--out FILE] [--json] [--only NAME]...',
        '',
        'options:',
        '  --out FILE   output file',
        '  --json       print JSON',
        '  --only NAME  restrict (repeatable)',
        '  --help       show this help and exit',
        '',
      ].join('\n'),
    );
  });
});
