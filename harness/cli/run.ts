// Entry wrapper of every CLI: turns thrown errors into exit codes and one readable message, never a bare stack.
import * as path from 'node:path';
import { HilError, InputError, UsageError } from '../errors';

/** What a CLI's `main` talks to, so tests can run it in-process and read its output. */
export interface CliIO {
  stdout(s: string): void;
  stderr(s: string): void;
  cwd: string;
}

export type CliMain = (argv: string[], io: CliIO) => Promise<number>;

/** Exit codes shared by all CLIs (DESIGN §4.1, §4.3). */
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 3 } as const;

/** What to do about each family of bad input, appended to its message (config errors carry their own advice). */
const HINTS: Partial<Record<HilError['code'], string>> = {
  E_ELF: 'Check that the file is a complete ELF firmware image (arm-none-eabi-readelf -h shows its header).',
  E_RSC: 'Check the .resource_table section (arm-none-eabi-readelf -x .resource_table dumps it).',
  E_IO: 'Check the path and its permissions.',
};

export function processIO(): CliIO {
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    cwd: process.cwd(),
  };
}

/** Runs `main` and maps whatever it throws to an exit code plus a message on stderr. */
export async function runMain(main: CliMain, argv: string[], io: CliIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    return await main(argv, io);
  } catch (e) {
    return reportError(e, io, env.HIL_DEBUG === '1');
  }
}

function reportError(e: unknown, io: CliIO, debug: boolean): number {
  if (e instanceof UsageError) {
    const usage = typeof e.details.usage === 'string' ? `usage: ${e.details.usage}\n` : '';
    io.stderr(`error: ${e.message}\n${usage}`);
    return EXIT.usage;
  }
  if (e instanceof InputError) {
    io.stderr(`${formatInputError(e)}\n`);
    if (debug && e.stack) io.stderr(`${e.stack}\n`);
    return EXIT.usage;
  }
  const message = e instanceof Error ? e.message : String(e);
  const kind = e instanceof HilError ? `${e.code}: ` : '';
  io.stderr(`error: ${kind}${message}\n`);
  if (debug && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
  else if (!(e instanceof HilError)) io.stderr('This is a bug in rproc-hil; run again with HIL_DEBUG=1 for a stack trace.\n');
  return EXIT.internal;
}

/** One paragraph: what was wrong, where (file, key, offset) and what to do. */
export function formatInputError(e: InputError): string {
  const where: string[] = [];
  const d = e.details;
  const file = typeof d.file === 'string' ? d.file : typeof d.path === 'string' ? d.path : undefined;
  if (file !== undefined && !e.message.includes(path.basename(file))) where.push(`in ${file}`);
  if (typeof d.keyPath === 'string' && !e.message.includes(d.keyPath)) where.push(`at key ${d.keyPath}`);
  if (typeof d.offset === 'number') where.push(`at file offset 0x${d.offset.toString(16)}`);
  const hint = typeof d.hint === 'string' ? d.hint : HINTS[e.code];
  const head = `error: ${e.message}${where.length ? ` (${where.join(', ')})` : ''}`;
  return hint ? `${head}\n${hint}` : head;
}

/** The last line of every CLI file: runs `main` on the process arguments and sets the exit code. */
export function runCli(main: CliMain): void {
  // `rsc inspect x.elf | head` closes the pipe early: that is the reader's choice, not an error worth a stack
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`error: cannot write to stdout: ${e.message}\n`);
    process.exit(EXIT.internal);
  });
  void runMain(main, process.argv.slice(2), processIO()).then((code) => {
    process.exitCode = code;
  });
}
