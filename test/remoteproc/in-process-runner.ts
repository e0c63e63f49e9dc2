// A CommandRunner over the virtual board's own shell and kernel model, in-process (the board's real rules, no SSH).
import { InfraError } from '../../harness/errors';
import type { CommandRunner, ExecResult, RemoteStream } from '../../harness/remoteproc';
import { runScript } from '../../harness/virtual/shell/shell';
import { ChunkQueue } from '../../harness/virtual/shell/streams';
import type { TestBoard } from '../virtual/kernel/fixtures';

const toBuffer = (c: Uint8Array | string): Buffer => (typeof c === 'string' ? Buffer.from(c, 'latin1') : Buffer.from(c));

export class InProcessRunner implements CommandRunner {
  /** every command run, in order (tests check what reached the board) */
  readonly commands: string[] = [];

  constructor(private readonly b: TestBoard) {}

  async exec(command: string, opts: { phase: string; timeoutMs: number; stdin?: string | Uint8Array }): Promise<ExecResult> {
    this.commands.push(command);
    const stdin = new ChunkQueue();
    if (opts.stdin !== undefined) stdin.push(new Uint8Array(toBuffer(opts.stdin)));
    stdin.end();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const ctl = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ctl.abort();
        reject(new InfraError('E_TIMEOUT', `phase "${opts.phase}" ran out of its ${opts.timeoutMs} ms budget running ${command}`, { phase: opts.phase }));
      }, opts.timeoutMs);
    });
    try {
      const code = await Promise.race([
        runScript(this.b.fs, this.b.kernel.shellHost(), command, { stdin, stdout: (c) => out.push(toBuffer(c)), stderr: (c) => err.push(toBuffer(c)), signal: ctl.signal }),
        timeout,
      ]);
      return { stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1'), code };
    } finally {
      clearTimeout(timer);
    }
  }

  async stream(command: string): Promise<RemoteStream> {
    this.commands.push(command);
    const stdin = new ChunkQueue();
    const ctl = new AbortController();
    const dataCbs: ((c: Buffer) => void)[] = [];
    const errCbs: ((c: Buffer) => void)[] = [];
    const exited = runScript(this.b.fs, this.b.kernel.shellHost(), command, {
      stdin,
      stdout: (c) => dataCbs.forEach((cb) => cb(toBuffer(c))),
      stderr: (c) => errCbs.forEach((cb) => cb(toBuffer(c))),
      signal: ctl.signal,
    });
    return {
      onData: (cb) => void dataCbs.push(cb),
      onStderr: (cb) => void errCbs.push(cb),
      write: async (d) => stdin.push(new Uint8Array(toBuffer(typeof d === 'string' ? d : Buffer.from(d)))),
      close: () => {
        stdin.end();
        ctl.abort();
      },
      exited,
    };
  }
}
