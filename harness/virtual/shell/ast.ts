// Syntax tree of the shell subset, and the parse errors that distinguish "incomplete" (ask for more) from "wrong".

export type WordPart =
  | { k: 'lit'; text: string; quoted: boolean }
  | { k: 'param'; name: string; quoted: boolean; op?: ':-' | '-' | ':+' | '+' | ':=' | '=' | '#'; arg?: Word }
  | { k: 'cmd'; body: List; quoted: boolean };

export interface Word {
  parts: WordPart[];
}

export type RedirOp = '>' | '>>' | '<' | '>&' | '<&' | '&>' | '&>>' | '<>';

export interface Redir {
  fd: number;
  op: RedirOp;
  target: Word;
}

export type Command =
  | { k: 'simple'; assigns: Array<{ name: string; value: Word }>; words: Word[]; redirs: Redir[]; line: number }
  | { k: 'if'; clauses: Array<{ cond: List; body: List }>; otherwise: List | null; redirs: Redir[] }
  | { k: 'for'; name: string; items: Word[] | null; body: List; redirs: Redir[] }
  | { k: 'while'; until: boolean; cond: List; body: List; redirs: Redir[] }
  | { k: 'group'; body: List; subshell: boolean; redirs: Redir[] };

export interface Pipeline {
  negate: boolean;
  cmds: Command[];
}

export interface AndOr {
  first: Pipeline;
  rest: Array<{ op: '&&' | '||'; pipeline: Pipeline }>;
}

export interface List {
  items: Array<{ andOr: AndOr; background: boolean }>;
}

/** A script the shell cannot run: `incomplete` means more input would fix it (interactive continuation prompt). */
export class ParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly incomplete: boolean,
    readonly unsupported = false,
  ) {
    super(message);
    this.name = 'ParseError';
  }
}

export const SUPPORTED_SYNTAX =
  "quoting ('…' \"…\" \\), $VAR ${VAR} ${VAR:-x} ${#VAR} $? $! $$ $(cmd) `cmd`, ; && || | & !, " +
  'redirections > >> < >& 2>&1 2>/dev/null &>, VAR=value, if/elif/else/fi, for/while/until … do … done, { …; }, ( … ), * ? [ ] globs';
