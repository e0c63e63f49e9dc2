// Word expansion: parameters, command substitution, field splitting on IFS whitespace, tilde and pathname globs.
import type { VirtualFs } from '../fs/types';
import { normalizePath } from '../fs/path';
import type { List, Word, WordPart } from './ast';

export interface ExpandEnv {
  getVar(name: string): string | undefined;
  setVar(name: string, value: string): void;
  /** runs a command substitution, returns its stdout without trailing newlines */
  substitute(body: List): Promise<string>;
  fs: VirtualFs;
  cwd: string;
}

interface Field {
  text: string;
  pattern: string;
  glob: boolean;
}

const GLOB_CHARS = /[*?[]/;

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

async function paramValue(p: Extract<WordPart, { k: 'param' }>, env: ExpandEnv): Promise<string> {
  const v = env.getVar(p.name);
  switch (p.op) {
    case '#':
      return String((v ?? '').length);
    case ':-':
      return v === undefined || v === '' ? expandToString(p.arg ?? { parts: [] }, env) : v;
    case '-':
      return v === undefined ? expandToString(p.arg ?? { parts: [] }, env) : v;
    case ':+':
      return v === undefined || v === '' ? '' : expandToString(p.arg ?? { parts: [] }, env);
    case '+':
      return v === undefined ? '' : expandToString(p.arg ?? { parts: [] }, env);
    case ':=':
    case '=':
      if (v === undefined || (p.op === ':=' && v === '')) {
        const d = await expandToString(p.arg ?? { parts: [] }, env);
        env.setVar(p.name, d);
        return d;
      }
      return v;
    default:
      return v ?? '';
  }
}

async function partValue(p: WordPart, env: ExpandEnv): Promise<string> {
  if (p.k === 'lit') return p.text;
  if (p.k === 'param') return paramValue(p, env);
  return env.substitute(p.body);
}

/** Expands a word to one string: no field splitting, no globbing (assignments, redirect targets, `case`-free uses). */
export async function expandToString(word: Word, env: ExpandEnv): Promise<string> {
  let out = '';
  for (const [i, p] of word.parts.entries()) {
    if (i === 0 && p.k === 'lit' && !p.quoted && /^~(\/|$)/.test(p.text)) {
      out += (env.getVar('HOME') ?? '/root') + p.text.slice(1);
      continue;
    }
    out += await partValue(p, env);
  }
  return out;
}

/** Expands words to argv fields: unquoted expansions split on whitespace, unquoted glob patterns match files. */
export async function expandWords(words: Word[], env: ExpandEnv): Promise<string[]> {
  const out: string[] = [];
  for (const w of words) {
    for (const f of await expandFields(w, env)) {
      if (f.glob) {
        const matches = glob(f.pattern, env.cwd, env.fs);
        if (matches.length > 0) {
          out.push(...matches);
          continue;
        }
      }
      out.push(f.text);
    }
  }
  return out;
}

async function expandFields(word: Word, env: ExpandEnv): Promise<Field[]> {
  const fields: Field[] = [];
  let cur: Field | null = null;
  const add = (text: string, quoted: boolean): void => {
    cur ??= { text: '', pattern: '', glob: false };
    cur.text += text;
    cur.pattern += quoted ? escapeGlob(text) : text;
    if (!quoted && GLOB_CHARS.test(text)) cur.glob = true;
  };
  for (const [i, p] of word.parts.entries()) {
    if (p.k === 'lit') {
      let text = p.text;
      if (i === 0 && !p.quoted && /^~(\/|$)/.test(text)) {
        add(env.getVar('HOME') ?? '/root', true);
        text = text.slice(1);
      }
      if (text !== '' || p.quoted) add(text, p.quoted);
      continue;
    }
    const v = await partValue(p, env);
    if (p.quoted) {
      add(v, true);
      continue;
    }
    const pieces = v.split(/[ \t\n]+/);
    pieces.forEach((piece, j) => {
      if (j > 0 && cur) {
        fields.push(cur);
        cur = null;
      }
      if (piece !== '') add(piece, false);
    });
  }
  if (cur) fields.push(cur);
  return fields;
}

function componentRegex(pat: string): RegExp | null {
  let re = '';
  let magic = false;
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i] as string;
    if (c === '\\') {
      i++;
      re += (pat[i] ?? '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (c === '*') {
      re += '.*';
      magic = true;
    } else if (c === '?') {
      re += '.';
      magic = true;
    } else if (c === '[') {
      const end = pat.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = pat.slice(i + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      magic = true;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return magic ? new RegExp(`^${re}$`, 's') : null;
}

function unescape(pat: string): string {
  return pat.replace(/\\(.)/g, '$1');
}

/** Pathname expansion of `pattern` (relative to cwd); sorted matches, [] when nothing matches. */
export function glob(pattern: string, cwd: string, fs: VirtualFs): string[] {
  const absolute = pattern.startsWith('/');
  const comps = pattern.split('/').filter((c) => c !== '');
  let found: string[] = [absolute ? '/' : ''];
  for (const comp of comps) {
    const re = componentRegex(comp);
    const next: string[] = [];
    for (const base of found) {
      const dir = normalizePath(base === '' ? '.' : base, cwd);
      if (re === null) {
        const p = base === '' ? unescape(comp) : `${base.replace(/\/$/, '')}/${unescape(comp)}`;
        if (fs.stat(normalizePath(p, cwd))) next.push(p);
        continue;
      }
      if (fs.stat(dir)?.type !== 'dir') continue;
      let names: string[];
      try {
        names = fs.readdir(dir);
      } catch {
        continue;
      }
      for (const n of names.sort()) {
        if (n.startsWith('.') && !comp.startsWith('.')) continue;
        if (re.test(n)) next.push(base === '' ? n : `${base.replace(/\/$/, '')}/${n}`);
      }
    }
    found = next;
    if (found.length === 0) break;
  }
  return comps.length === 0 ? [] : found.sort();
}
