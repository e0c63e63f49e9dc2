// Hand-written tokenizer + recursive-descent parser for the POSIX sh subset (toolchain.md §3: not just-bash).
import { ParseError } from './ast';
import type { AndOr, Command, List, Pipeline, Redir, RedirOp, Word, WordPart } from './ast';

type Tok =
  | { t: 'word'; word: Word; text: string | null }
  | { t: 'op'; v: string; fd?: number }
  | { t: 'nl' }
  | { t: 'eof' };

const OPS = ['&&', '||', ';;', '&>>', '&>', '|&', '<<<', '<<-', '<<', '<>', '<&', '>>', '>&', '>|', ';', '&', '|', '(', ')', '<', '>'];
const META = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
const RESERVED = new Set(['if', 'then', 'elif', 'else', 'fi', 'for', 'in', 'do', 'done', 'while', 'until', 'case', 'esac', 'function', 'select', '{', '}', '!', '[[', ']]']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_DEPTH = 100;

export class Parser {
  private pos: number;
  private line = 1;
  private peeked: Tok | null = null;
  /** nesting of lists (compound commands, substitutions): bounded so hostile input cannot overflow the stack */
  private depth = 0;

  constructor(
    private readonly src: string,
    start = 0,
  ) {
    this.pos = start;
  }

  /** Parses a whole script. Throws ParseError. */
  static parse(src: string): List {
    const p = new Parser(src);
    const list = p.parseList(() => false);
    const t = p.peek();
    if (t.t !== 'eof') p.unexpected(t);
    return list;
  }

  // ---------------------------------------------------------------- errors

  private unexpected(t: Tok): never {
    if (t.t === 'eof') throw new ParseError('syntax error: unexpected end of file', this.line, true);
    const text = t.t === 'nl' ? 'newline' : t.t === 'op' ? t.v : (t.text ?? 'word');
    throw new ParseError(`syntax error near unexpected token \`${text}'`, this.line, false);
  }

  private unsupported(what: string): never {
    throw new ParseError(`unsupported syntax: ${what}`, this.line, false, true);
  }

  // ---------------------------------------------------------------- lexer

  peek(): Tok {
    this.peeked ??= this.lex();
    return this.peeked;
  }

  private next(): Tok {
    const t = this.peek();
    this.peeked = null;
    return t;
  }

  private lex(): Tok {
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t' || c === '\r') this.pos++;
      else if (c === '\\' && this.src[this.pos + 1] === '\n') {
        this.pos += 2;
        this.line++;
      } else if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      } else break;
    }
    if (this.pos >= this.src.length) return { t: 'eof' };
    const c = this.src[this.pos];
    if (c === '\n') {
      this.pos++;
      this.line++;
      return { t: 'nl' };
    }
    const fdMatch = /^(\d+)(?=[<>])/.exec(this.src.slice(this.pos, this.pos + 12));
    if (fdMatch?.[1]) {
      this.pos += fdMatch[1].length;
      const op = this.lexOp();
      if (op) return { ...op, fd: Number(fdMatch[1]) };
    }
    const op = this.lexOp();
    if (op) return op;
    return this.lexWord();
  }

  private lexOp(): { t: 'op'; v: string } | null {
    for (const o of OPS) {
      if (this.src.startsWith(o, this.pos)) {
        this.pos += o.length;
        if (o === '<<' || o === '<<-') this.unsupported('here-document (<<)');
        if (o === '<<<') this.unsupported('here-string (<<<)');
        if (o === ';;') this.unsupported('case … esac');
        if (o === '|&') this.unsupported('|& (use 2>&1 |)');
        if (o === '>|') return { t: 'op', v: '>' };
        return { t: 'op', v: o };
      }
    }
    return null;
  }

  private lexWord(): Tok {
    const parts: WordPart[] = [];
    const start = this.pos;
    let lit = '';
    const flush = (): void => {
      if (lit) parts.push({ k: 'lit', text: lit, quoted: false });
      lit = '';
    };
    while (this.pos < this.src.length) {
      const c = this.src[this.pos] as string;
      if (META.has(c)) break;
      if (c === '\\') {
        const n = this.src[this.pos + 1];
        this.pos += 2;
        if (n === undefined) throw new ParseError('syntax error: unexpected end of file', this.line, true);
        if (n === '\n') {
          this.line++;
          continue;
        }
        flush();
        parts.push({ k: 'lit', text: n, quoted: true });
      } else if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) throw new ParseError("unexpected EOF while looking for matching `''", this.line, true);
        flush();
        const text = this.src.slice(this.pos + 1, end);
        this.line += text.split('\n').length - 1;
        parts.push({ k: 'lit', text, quoted: true });
        this.pos = end + 1;
      } else if (c === '"') {
        flush();
        this.pos++;
        this.lexDouble(parts);
      } else if (c === '$' || c === '`') {
        flush();
        parts.push(this.lexDollar(false));
      } else {
        lit += c;
        this.pos++;
      }
    }
    flush();
    if (this.src[this.pos] === '(' && parts.length > 0) {
      const t = this.src.slice(start, this.pos);
      this.unsupported(/=$/.test(t) ? `array assignment (${t}(…))` : `function definition (${t}())`);
    }
    const text = parts.length === 1 && parts[0]?.k === 'lit' && !parts[0].quoted ? parts[0].text : null;
    return { t: 'word', word: { parts }, text };
  }

  private lexDouble(parts: WordPart[]): void {
    let lit = '';
    const flush = (): void => {
      parts.push({ k: 'lit', text: lit, quoted: true }); // also for "" so an empty quoted word survives
      lit = '';
    };
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) throw new ParseError('unexpected EOF while looking for matching `"\'', this.line, true);
      if (c === '"') {
        this.pos++;
        flush();
        return;
      }
      if (c === '\\') {
        const n = this.src[this.pos + 1];
        if (n !== undefined && '$`"\\\n'.includes(n)) {
          if (n !== '\n') lit += n;
          else this.line++;
          this.pos += 2;
          continue;
        }
        lit += c;
        this.pos++;
      } else if (c === '$' || c === '`') {
        if (lit) flush();
        parts.push(this.lexDollar(true));
      } else {
        if (c === '\n') this.line++;
        lit += c;
        this.pos++;
      }
    }
  }

  /** `$…` or a backquote at this.pos. */
  private lexDollar(quoted: boolean): WordPart {
    const s = this.src;
    if (s[this.pos] === '`') {
      let i = this.pos + 1;
      let body = '';
      while (i < s.length && s[i] !== '`') {
        if (s[i] === '\\' && i + 1 < s.length && '`$\\'.includes(s[i + 1] as string)) i++;
        body += s[i];
        i++;
      }
      if (i >= s.length) throw new ParseError('unexpected EOF while looking for matching ``\'', this.line, true);
      this.pos = i + 1;
      return { k: 'cmd', body: Parser.parse(body), quoted };
    }
    const n = s[this.pos + 1];
    if (n === '(') {
      if (s[this.pos + 2] === '(') this.unsupported('arithmetic expansion $((…))');
      const sub = new Parser(s, this.pos + 2);
      sub.line = this.line;
      sub.depth = this.depth;
      const body = sub.parseList((t) => t.t === 'op' && t.v === ')');
      const close = sub.next();
      if (close.t !== 'op' || close.v !== ')') sub.unexpected(close);
      this.pos = sub.pos;
      this.line = sub.line;
      return { k: 'cmd', body, quoted };
    }
    if (n === '{') return this.lexBrace(quoted);
    if (n !== undefined && /[?$!#@*0-9-]/.test(n)) {
      this.pos += 2;
      return { k: 'param', name: n, quoted };
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(this.pos + 1));
    if (m) {
      this.pos += 1 + m[0].length;
      return { k: 'param', name: m[0], quoted };
    }
    this.pos++;
    return { k: 'lit', text: '$', quoted };
  }

  private lexBrace(quoted: boolean): WordPart {
    const s = this.src;
    const end = s.indexOf('}', this.pos);
    if (end < 0) throw new ParseError("unexpected EOF while looking for matching `}'", this.line, true);
    const inner = s.slice(this.pos + 2, end);
    this.pos = end + 1;
    const len = /^#([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner);
    if (len?.[1]) return { k: 'param', name: len[1], quoted, op: '#' };
    const m = /^([A-Za-z_][A-Za-z0-9_]*|[?$!#@*0-9])(?:(:?[-+=])(.*))?$/s.exec(inner);
    if (!m?.[1]) this.unsupported(`parameter expansion \${${inner}}`);
    if (m[2] === undefined) return { k: 'param', name: m[1], quoted };
    const argParser = new Parser(`"${m[3] ?? ''}"`);
    const argTok = argParser.lexWord();
    const arg = argTok.t === 'word' ? argTok.word : { parts: [] };
    return { k: 'param', name: m[1], quoted, op: m[2] as ':-' | '-' | ':+' | '+' | ':=' | '=', arg };
  }

  // ---------------------------------------------------------------- grammar

  private isWord(t: Tok, w: string): boolean {
    return t.t === 'word' && t.text === w;
  }

  private skipNewlines(): void {
    while (this.peek().t === 'nl') this.next();
  }

  parseList(stop: (t: Tok) => boolean): List {
    if (++this.depth > MAX_DEPTH) throw new ParseError(`syntax error: nesting deeper than ${MAX_DEPTH} levels`, this.line, false);
    try {
      return this.parseItems(stop);
    } finally {
      this.depth--;
    }
  }

  private parseItems(stop: (t: Tok) => boolean): List {
    const items: List['items'] = [];
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (t.t === 'eof' || stop(t)) break;
      const andOr = this.parseAndOr();
      const sep = this.peek();
      if (sep.t === 'op' && (sep.v === ';' || sep.v === '&')) {
        this.next();
        items.push({ andOr, background: sep.v === '&' });
      } else if (sep.t === 'nl') {
        items.push({ andOr, background: false });
      } else if (sep.t === 'eof' || stop(sep)) {
        items.push({ andOr, background: false });
        break;
      } else this.unexpected(sep);
    }
    return { items };
  }

  private parseAndOr(): AndOr {
    const first = this.parsePipeline();
    const rest: AndOr['rest'] = [];
    for (;;) {
      const t = this.peek();
      if (t.t !== 'op' || (t.v !== '&&' && t.v !== '||')) break;
      this.next();
      this.skipNewlines();
      rest.push({ op: t.v, pipeline: this.parsePipeline() });
    }
    return { first, rest };
  }

  private parsePipeline(): Pipeline {
    let negate = false;
    if (this.isWord(this.peek(), '!')) {
      this.next();
      negate = true;
    }
    const cmds = [this.parseCommand()];
    while (this.peek().t === 'op' && (this.peek() as { v: string }).v === '|') {
      this.next();
      this.skipNewlines();
      cmds.push(this.parseCommand());
    }
    return { negate, cmds };
  }

  private expectWord(w: string): void {
    this.skipNewlines();
    const t = this.next();
    if (!this.isWord(t, w)) this.unexpected(t);
  }

  private stopAt(...words: string[]): (t: Tok) => boolean {
    return (t) => t.t === 'word' && t.text !== null && words.includes(t.text);
  }

  private parseCommand(): Command {
    const t = this.peek();
    if (t.t === 'eof') this.unexpected(t);
    if (t.t === 'op' && t.v === '(') {
      this.next();
      const body = this.parseList((x) => x.t === 'op' && x.v === ')');
      const close = this.next();
      if (close.t !== 'op' || close.v !== ')') this.unexpected(close);
      return { k: 'group', body, subshell: true, redirs: this.parseRedirs() };
    }
    if (t.t === 'word' && t.text !== null && RESERVED.has(t.text)) return this.parseCompound(t.text);
    if (t.t === 'word' && t.word.parts[0]?.k === 'lit' && !t.word.parts[0].quoted && t.word.parts[0].text.startsWith('[[')) {
      this.unsupported('[[ … ]] (use [ … ])');
    }
    return this.parseSimple();
  }

  private parseCompound(w: string): Command {
    if (w === 'case') this.unsupported('case … esac');
    if (w === 'function') this.unsupported('function definition');
    if (w === 'select') this.unsupported('select');
    if (w === '[[') this.unsupported('[[ … ]] (use [ … ])');
    if (w === '{') {
      this.next();
      const body = this.parseList(this.stopAt('}'));
      this.expectWord('}');
      return { k: 'group', body, subshell: false, redirs: this.parseRedirs() };
    }
    if (w === 'if') {
      this.next();
      const clauses: Array<{ cond: List; body: List }> = [];
      let otherwise: List | null = null;
      for (;;) {
        const cond = this.parseList(this.stopAt('then'));
        this.expectWord('then');
        const body = this.parseList(this.stopAt('elif', 'else', 'fi'));
        clauses.push({ cond, body });
        const t = this.next();
        if (this.isWord(t, 'elif')) continue;
        if (this.isWord(t, 'else')) {
          otherwise = this.parseList(this.stopAt('fi'));
          this.expectWord('fi');
        } else if (!this.isWord(t, 'fi')) this.unexpected(t);
        break;
      }
      return { k: 'if', clauses, otherwise, redirs: this.parseRedirs() };
    }
    if (w === 'while' || w === 'until') {
      this.next();
      const cond = this.parseList(this.stopAt('do'));
      this.expectWord('do');
      const body = this.parseList(this.stopAt('done'));
      this.expectWord('done');
      return { k: 'while', until: w === 'until', cond, body, redirs: this.parseRedirs() };
    }
    if (w === 'for') {
      this.next();
      const nameTok = this.next();
      if (nameTok.t !== 'word' || nameTok.text === null || !NAME.test(nameTok.text)) this.unexpected(nameTok);
      let items: Word[] | null = null;
      let t = this.peek();
      if (t.t === 'op' && t.v === ';') this.next();
      this.skipNewlines();
      t = this.peek();
      if (this.isWord(t, 'in')) {
        this.next();
        items = [];
        for (t = this.peek(); t.t === 'word'; t = this.peek()) items.push((this.next() as { word: Word }).word);
        if (t.t === 'op' && t.v === ';') this.next();
        else if (t.t !== 'nl') this.unexpected(t);
      }
      this.expectWord('do');
      const body = this.parseList(this.stopAt('done'));
      this.expectWord('done');
      return { k: 'for', name: nameTok.text, items, body, redirs: this.parseRedirs() };
    }
    return this.unexpected(this.peek());
  }

  private parseRedirs(): Redir[] {
    const out: Redir[] = [];
    for (let r = this.tryRedir(); r; r = this.tryRedir()) out.push(r);
    return out;
  }

  private tryRedir(): Redir | null {
    const t = this.peek();
    if (t.t !== 'op' || !['>', '>>', '<', '>&', '<&', '&>', '&>>', '<>'].includes(t.v)) return null;
    this.next();
    const target = this.next();
    if (target.t !== 'word') this.unexpected(target);
    const op = t.v as RedirOp;
    const fd = t.fd ?? (op.startsWith('<') ? 0 : 1);
    return { fd, op, target: target.word };
  }

  private parseSimple(): Command {
    const assigns: Array<{ name: string; value: Word }> = [];
    const words: Word[] = [];
    const redirs: Redir[] = [];
    const line = this.line;
    for (;;) {
      const r = this.tryRedir();
      if (r) {
        redirs.push(r);
        continue;
      }
      const t = this.peek();
      if (t.t !== 'word') break;
      this.next();
      const first = t.word.parts[0];
      const eq = first?.k === 'lit' && !first.quoted ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text) : null;
      if (words.length === 0 && eq?.[1] && first?.k === 'lit') {
        const rest: WordPart[] = [{ ...first, text: first.text.slice(eq[0].length) }, ...t.word.parts.slice(1)];
        assigns.push({ name: eq[1], value: { parts: rest } });
      } else words.push(t.word);
    }
    if (words.length === 0 && assigns.length === 0 && redirs.length === 0) this.unexpected(this.peek());
    return { k: 'simple', assigns, words, redirs, line };
  }
}
