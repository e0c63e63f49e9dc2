// Contracts of the virtual board's shell: what the kernel model provides (ShellHost) and one invocation's streams (ShellIO).
import type { VirtualFs } from '../fs/types';
import type { Reader, Writer } from './streams';

export type { Reader, Writer } from './streams';

/** What a command sees when it runs: its argv, streams, the fs and a cancel signal. */
export interface CommandContext {
  /** argv[0] is the command name as typed */
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  fs: VirtualFs;
  host: ShellHost;
  stdin: Reader;
  /** write() rejects with WriteFailure when the destination refuses (the runner prints `<cmd>: write error: …`) */
  stdout: Writer;
  stderr: Writer;
  /** aborted on Ctrl-C, `kill`, channel close, or when the reader of its pipe went away */
  signal: AbortSignal;
  /** absolute, normalised path of an argument */
  resolve(path: string): string;
}

/** An external command: resolves to its exit status. */
export type ShellCommand = (ctx: CommandContext) => Promise<number>;

/** Facts and logs the kernel model owns; the shell's `dmesg` and `uname` print them. */
export interface ShellHost {
  /** the kernel ring buffer as `dmesg` prints it (one `[    1.234567] text` line each); clear empties it after reading */
  dmesg(opts?: { clear?: boolean }): string;
  uname: { sysname: string; nodename: string; release: string; version: string; machine: string };
  /** prefix of the shell's own error lines (`bash: foo: command not found`); default 'bash' */
  shellName?: string;
  /** extra commands the board provides (e.g. `reboot`), found before the built-in command table */
  commands?: Record<string, ShellCommand>;
  /** awaited before each command line runs (the kernel model's modelled exec latency, timing.ts) */
  beforeCommand?(): Promise<void>;
}

/** Streams of one `run()`: output is delivered as it is produced, never buffered to the end. */
export interface ShellIO {
  /** bytes a command reads from stdin (an SSH channel; a Reader for a terminal that keeps type-ahead); null = empty */
  stdin: AsyncIterable<Uint8Array> | Reader | null;
  stdout(chunk: Uint8Array | string): void;
  stderr(chunk: Uint8Array | string): void;
  /** abort = the caller went away (channel closed, Ctrl-C): running commands stop, run() resolves */
  signal?: AbortSignal;
  /** extra variables for this run (the session's environment) */
  env?: Record<string, string>;
  /** called after a redirect into a regular file was closed (the SSH server's corrupt-upload fault hooks in here) */
  onFileWritten?(path: string): void | Promise<void>;
  /** stdout is a terminal (pty): `ls` prints columns */
  tty?: boolean;
}
