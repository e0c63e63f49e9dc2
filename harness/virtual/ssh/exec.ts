// `ssh board 'command'`: runs one script in a fresh shell, streams stdout/stderr, sends the exit status.
import type { ServerChannel, Session } from 'ssh2';
import { Shell } from '../shell/shell';
import { ChunkQueue } from '../shell/streams';
import type { SessionContext } from './types';

export interface SessionOpts {
  pty: boolean;
  env: Record<string, string>;
  session: Session;
}

/** A terminal turns "\n" into "\r\n" (onlcr); without a pty bytes pass unchanged. */
export function terminalText(chunk: Uint8Array | string, pty: boolean): Uint8Array | string {
  if (!pty) return chunk;
  const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return s.replace(/(?<!\r)\n/g, '\r\n');
}

export function handleExec(channel: ServerChannel, command: string, ctx: SessionContext, opts: SessionOpts): void {
  const ctl = new AbortController();
  let closed = false;
  // not the channel's async iterator: finishing it destroys the channel, and the exit status would never be sent
  const stdin = new ChunkQueue();
  let killedBy: string | null = null;
  channel.on('data', (d: Buffer) => {
    if (opts.pty && d.includes(0x03)) {
      // `ssh -tt board cmd`: the terminal turns Ctrl-C into SIGINT for the command
      killedBy ??= 'INT';
      ctl.abort();
      return;
    }
    stdin.push(new Uint8Array(d));
  });
  channel.on('end', () => stdin.end());
  channel.on('close', () => {
    closed = true;
    ctl.abort();
  });
  channel.on('error', () => ctl.abort());
  opts.session.on('signal', (accept, _reject, info) => {
    accept?.();
    killedBy ??= info.name.replace(/^SIG/, '');
    ctl.abort();
  });
  const write = (chunk: Uint8Array | string): void => {
    if (!closed) channel.write(terminalText(chunk, opts.pty));
  };
  const writeErr = (chunk: Uint8Array | string): void => {
    if (closed) return;
    if (opts.pty) channel.write(terminalText(chunk, true)); // a terminal merges stderr into its output
    else channel.stderr.write(chunk);
  };
  void (async () => {
    if ((await ctx.admitCommand(command)) === 'drop') {
      ctx.drop();
      return;
    }
    const shell = new Shell({ fs: ctx.fs, host: ctx.host, env: opts.env, mode: 'c' });
    let code: number;
    try {
      code = await shell.run(command, {
        stdin,
        stdout: write,
        stderr: writeErr,
        signal: ctl.signal,
        tty: opts.pty,
        onFileWritten: (p) => ctx.uploaded(p),
      });
    } catch (e) {
      writeErr(`${ctx.host.shellName ?? 'bash'}: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      code = 1;
    }
    if (closed) return;
    // sshd reports a command killed by a signal as exit-signal, not as a status
    if (killedBy !== null) channel.exit(killedBy, false, '');
    else channel.exit(code);
    channel.end();
  })();
}
