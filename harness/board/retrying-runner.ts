// A CommandRunner that runs a read-only command again when the connection drops under it (DESIGN §7: retry infra only).
import type { CommandRunner, ExecOptions, ExecResult } from '../remoteproc';
import { retryIdempotent, type RetryOptions } from './recover';

/** Commands that only read: running one twice does what running it once does. */
const READ_ONLY = new Set(['cat', 'sha256sum', 'md5sum', 'ls', 'grep', 'head', 'tail', 'wc', 'stat', 'test', '[', 'date', 'df', 'uname', 'true', 'false', 'echo', 'printf', 'dmesg', 'sleep', 'readlink', 'basename', 'dirname', 'tr', 'cut', 'sort', 'od', 'hexdump', 'cmp', 'uptime', 'id', 'hostname']);

/** output redirections that write nothing on the board */
const HARMLESS_REDIRECT = /\d?>\s*\/dev\/null|\d?>&\d/g;

/**
 * True when `command` (a POSIX sh line) only reads: every simple command in it is on the read-only list, nothing is
 * redirected into a file, no command substitution, no `dmesg -c`. Anything it cannot tell is treated as a write, so a
 * mistake only ever costs a retry that could have been made.
 */
export function isReadOnlyCommand(command: string): boolean {
  if (/\$\(|`/.test(command)) return false;
  if (/>/.test(command.replace(HARMLESS_REDIRECT, ''))) return false;
  for (const segment of command.split(/\|\||&&|[;|&\n]/)) {
    const words = segment.trim().split(/\s+/).filter((w) => w.length > 0);
    const [name, ...args] = words;
    if (name === undefined) continue;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(name)) return false; // an assignment, or env for a command: keep it simple
    if (!READ_ONLY.has(name)) return false;
    if (name === 'dmesg' && args.some((a) => /^-[A-Za-z]*[cC]|^--clear|^--read-clear/.test(a))) return false;
  }
  return true;
}

export interface RetryingRunnerOptions extends Omit<RetryOptions, 'idempotent'> {
  /** decides which commands may run twice (default isReadOnlyCommand) */
  isIdempotent?: (command: string) => boolean;
}

/**
 * `runner` whose exec retries read-only commands after a dropped connection (the transport reconnects on the next call,
 * waiting out a reboot within rebootBudgetMs); a write that lost its connection fails as E_TRANSPORT, saying it was not
 * retried. Streams are long-lived and never retried.
 */
export function retryingRunner(runner: CommandRunner, o: RetryingRunnerOptions): CommandRunner {
  const idempotent = o.isIdempotent ?? isReadOnlyCommand;
  return {
    exec(command: string, opts: ExecOptions): Promise<ExecResult> {
      const step = opts.phase ? `${opts.phase}: ${command.split('\n')[0]}` : command.split('\n')[0] ?? command;
      // a command fed from stdin (an upload through `cat >`) is never read-only: its input would have to be sent again
      return retryIdempotent(step, () => runner.exec(command, opts), { ...o, idempotent: opts.stdin === undefined && idempotent(command) });
    },
    stream: (command) => runner.stream(command),
  };
}
