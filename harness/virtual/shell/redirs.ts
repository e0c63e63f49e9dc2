// Applies a command's redirections (`>` `>>` `<` `2>&1` `>&2` `&>` `>&-`) to its three fds, with bash's error texts.
import { FsError } from '../fs/types';
import type { VirtualFs } from '../fs/types';
import { strerror } from '../fs/errno';
import { normalizePath } from '../fs/path';
import { SUPPORTED_SYNTAX } from './ast';
import type { Redir, Word } from './ast';
import { openIn, openOut } from './redirect';
import type { Exec } from './shell';
import { emptyReader } from './streams';
import type { Reader, Writer } from './streams';

export interface RedirEnv {
  fs: VirtualFs;
  cwd: string;
  shellName: string;
  expand(word: Word): Promise<string>;
  onFileWritten?: (path: string) => void | Promise<void>;
}

/** The fds after redirection; close() releases what was opened (char streams, upload hooks). */
export interface Redirected {
  ex: Exec;
  close(): Promise<void>;
}

/** On failure prints bash's message and returns its status (1, or 2 for an unsupported fd). */
export async function applyRedirs(redirs: Redir[], ex: Exec, env: RedirEnv): Promise<Redirected | number> {
  const closers: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  let cur: Exec = { ...ex };
  for (const r of redirs) {
    const target = await env.expand(r.target);
    if (r.fd > 2) {
      await close();
      await ex.err.write(`${env.shellName}: unsupported syntax: file descriptor ${r.fd} (the virtual board's shell supports: ${SUPPORTED_SYNTAX})\n`);
      return 2;
    }
    if (r.op === '>&' || r.op === '<&') {
      const fds = [cur.in, cur.out, cur.err];
      if (target === '-') {
        const devnull: Writer = { tty: false, write: async () => undefined };
        cur = r.fd === 0 ? { ...cur, in: emptyReader } : r.fd === 1 ? { ...cur, out: devnull } : { ...cur, err: devnull };
        continue;
      }
      if (/^[0-2]$/.test(target)) {
        const src = fds[Number(target)];
        if (r.fd === 0) cur = { ...cur, in: src as Reader };
        else if (r.fd === 1) cur = { ...cur, out: src as Writer };
        else cur = { ...cur, err: src as Writer };
        continue;
      }
      if (r.op === '<&') {
        await close();
        await ex.err.write(`${env.shellName}: ${target}: ambiguous redirect\n`);
        return 1;
      }
    }
    const path = normalizePath(target, env.cwd);
    try {
      if (r.op === '<') {
        const o = await openIn(env.fs, path, ex.signal);
        closers.push(o.close);
        cur = { ...cur, in: o.stream };
      } else {
        const append = r.op === '>>' || r.op === '&>>';
        const o = await openOut(env.fs, path, append, env.onFileWritten);
        closers.push(o.close);
        if (r.op === '&>' || r.op === '&>>' || (r.op === '>&' && r.fd === 1)) cur = { ...cur, out: o.stream, err: o.stream };
        else if (r.fd === 2) cur = { ...cur, err: o.stream };
        else if (r.fd === 0) cur = { ...cur, in: emptyReader };
        else cur = { ...cur, out: o.stream };
      }
    } catch (e) {
      await close();
      const errno = e instanceof FsError ? strerror(e.errno) : String(e);
      await ex.err.write(`${env.shellName}: ${target}: ${errno}\n`);
      return 1;
    }
  }
  return { ex: cur, close };
}
