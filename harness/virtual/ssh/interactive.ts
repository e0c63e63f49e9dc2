// `ssh board` with no command: a login shell with a prompt a person can type into (or a script fed on stdin without a pty).
import type { ServerChannel } from 'ssh2';
import { ParseError } from '../shell/ast';
import { Parser } from '../shell/parser';
import { Shell } from '../shell/shell';
import { readLine } from '../shell/streams';
import { terminalText } from './exec';
import type { SessionOpts } from './exec';
import { LineDiscipline } from './terminal';
import type { SessionContext } from './types';

function promptOf(shell: Shell): string {
  const home = shell.getVar('HOME') ?? '/root';
  const cwd = shell.cwd === home ? '~' : shell.cwd.startsWith(`${home}/`) ? `~${shell.cwd.slice(home.length)}` : shell.cwd;
  return `root@${shell.host.uname.nodename}:${cwd}# `;
}

export function handleShell(channel: ServerChannel, ctx: SessionContext, opts: SessionOpts): void {
  let closed = false;
  let running: AbortController | null = null;
  let continuation = '';
  let atPrompt = false;
  const shell = new Shell({ fs: ctx.fs, host: ctx.host, env: opts.env, mode: 'interactive' });
  const write = (chunk: Uint8Array | string): void => {
    if (!closed) channel.write(terminalText(chunk, opts.pty));
  };
  const writeErr = (chunk: Uint8Array | string): void => {
    if (closed) return;
    if (opts.pty) write(chunk);
    else channel.stderr.write(chunk);
  };
  const prompt = (): void => {
    atPrompt = true;
    if (opts.pty) write(continuation ? '> ' : promptOf(shell));
  };
  const tty = new LineDiscipline(opts.pty, (t) => write(t), () => {
    if (running) running.abort();
    else if (atPrompt) {
      continuation = '';
      prompt();
    }
  });
  channel.on('data', (d: Buffer) => tty.input(d));
  channel.on('end', () => tty.hangUp());
  channel.on('close', () => {
    closed = true;
    running?.abort();
    shell.hangUp();
    tty.hangUp();
  });
  channel.on('error', () => undefined);
  opts.session.on('signal', (accept) => {
    accept?.();
    running?.abort();
  });

  const finish = (code: number): void => {
    shell.hangUp();
    if (closed) return;
    channel.exit(code);
    channel.end();
  };

  void (async () => {
    prompt();
    for (;;) {
      const line = await readLine(tty);
      atPrompt = false;
      if (line === null) {
        if (opts.pty) write('logout\n');
        return finish(shell.status);
      }
      const script = continuation + line;
      let parsed;
      try {
        parsed = Parser.parse(script);
      } catch (e) {
        if (e instanceof ParseError && e.incomplete && !/^\s*$/.test(script)) {
          continuation = script;
          prompt();
          continue;
        }
      }
      continuation = '';
      if (script.trim() === '') {
        prompt();
        continue;
      }
      if ((await ctx.admitCommand(script.replace(/\n$/, ''))) === 'drop') {
        ctx.drop();
        return;
      }
      running = new AbortController();
      const io = { stdin: tty, stdout: write, stderr: writeErr, signal: running.signal, tty: opts.pty, onFileWritten: (p: string) => ctx.uploaded(p) };
      try {
        if (parsed) await shell.runParsed(parsed, io);
        else await shell.run(script, io); // prints bash's syntax error
      } catch (e) {
        writeErr(`${shell.shellName}: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      }
      running = null;
      if (closed) return;
      if (shell.exitCode !== null) {
        if (opts.pty) write('logout\n');
        return finish(shell.exitCode);
      }
      prompt();
    }
  })();
}
