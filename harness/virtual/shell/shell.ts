// The shell interpreter: runs parsed scripts with bash's exit codes and error texts, streaming output as it happens.
import { FsError } from '../fs/types';
import type { VirtualFs } from '../fs/types';
import { strerror } from '../fs/errno';
import { normalizePath } from '../fs/path';
import { ParseError, SUPPORTED_SYNTAX } from './ast';
import type { AndOr, Command, List, Pipeline, Redir } from './ast';
import { Parser } from './parser';
import { expandToString, expandWords } from './expand';
import type { ExpandEnv } from './expand';
import { applyRedirs } from './redirs';
import type { Redirected } from './redirs';
import { abortable, dec, emptyReader, isReader, iterableReader, Pipe, toBytes, WriteFailure } from './streams';
import type { Reader, Writer } from './streams';
import type { CommandContext, ShellCommand, ShellHost, ShellIO } from './types';
import { BUILTINS } from './builtins';
import { ExitSignal, LoopSignal, SIGNAL_STATUS } from './signals';
import { JobTable } from './jobs';
import type { Job } from './jobs';
import { COMMANDS } from './commands';

/** The three standard fds of one command, plus its cancel signal. */
export interface Exec {
  in: Reader;
  out: Writer;
  err: Writer;
  signal: AbortSignal;
  /** inside an `if`/`while` condition or a non-final `&&`/`||` member: `set -e` does not apply */
  cond: boolean;
}

export interface ShellOptions {
  fs: VirtualFs;
  host: ShellHost;
  cwd?: string;
  env?: Record<string, string>;
  /** 'c' = `bash -c` (ssh exec): errors carry `-c: line N:`; background jobs are awaited before run() resolves */
  mode?: 'c' | 'interactive';
}

function linked(parent: AbortSignal): AbortController {
  const c = new AbortController();
  if (parent.aborted) c.abort();
  else parent.addEventListener('abort', () => c.abort(), { once: true });
  return c;
}

function writerOf(fn: (chunk: Uint8Array | string) => void, tty: boolean): Writer {
  return { tty, write: async (chunk) => fn(chunk) };
}

/** One shell session: cwd, variables and jobs persist across run() calls (an interactive login keeps one). */
export class Shell {
  readonly fs: VirtualFs;
  readonly host: ShellHost;
  readonly mode: 'c' | 'interactive';
  cwd: string;
  readonly vars = new Map<string, string>();
  readonly exported = new Set<string>();
  status = 0;
  errexit = false;
  /** set once `exit` ran: the session should end with this code */
  exitCode: number | null = null;
  readonly jobTable = new JobTable();
  readonly pid = 1187;
  private io: ShellIO | null = null;

  constructor(opts: ShellOptions) {
    this.fs = opts.fs;
    this.host = opts.host;
    this.mode = opts.mode ?? 'c';
    const env = { HOME: '/root', PATH: '/usr/sbin:/usr/bin:/sbin:/bin', SHELL: '/bin/sh', USER: 'root', LOGNAME: 'root', TERM: 'xterm', ...opts.env };
    for (const [k, v] of Object.entries(env)) {
      this.vars.set(k, v);
      this.exported.add(k);
    }
    this.cwd = normalizePath(opts.cwd ?? '/root');
    if (this.fs.stat(this.cwd)?.type !== 'dir') this.cwd = '/';
    this.vars.set('PWD', this.cwd);
  }

  get shellName(): string {
    return this.host.shellName ?? 'bash';
  }

  /** Prefix of the shell's own diagnostics: `bash: ` or `bash: -c: line N: ` (syntax errors of `bash -c`). */
  private prefix(line?: number): string {
    return this.mode === 'c' && line !== undefined ? `${this.shellName}: -c: line ${line}: ` : `${this.shellName}: `;
  }

  /** Parses and runs `script`; resolves with its exit status once it (and, for mode 'c', its background jobs) ended. */
  async run(script: string, io: ShellIO): Promise<number> {
    const stderr = writerOf(io.stderr, io.tty === true);
    let list: List;
    try {
      list = Parser.parse(script);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      const msg = e.unsupported
        ? `${this.shellName}: ${e.message} (the virtual board's shell supports: ${SUPPORTED_SYNTAX})\n`
        : `${this.prefix(e.line)}${e.message}\n`;
      await stderr.write(msg);
      this.status = 2;
      return 2;
    }
    return this.runParsed(list, io);
  }

  /** Runs an already parsed script (the interactive terminal parses first to detect continuation lines). */
  async runParsed(list: List, io: ShellIO): Promise<number> {
    await this.host.beforeCommand?.();
    this.io = io;
    for (const [k, v] of Object.entries(io.env ?? {})) {
      this.vars.set(k, v);
      this.exported.add(k);
    }
    const signal = io.signal ?? new AbortController().signal;
    const ex: Exec = {
      in: io.stdin ? abortable(isReader(io.stdin) ? io.stdin : iterableReader(io.stdin), signal) : emptyReader,
      out: writerOf(io.stdout, io.tty === true),
      err: writerOf(io.stderr, io.tty === true),
      signal,
      cond: false,
    };
    try {
      this.status = await this.execList(list, ex);
    } catch (e) {
      if (e instanceof ExitSignal) {
        this.status = e.code;
        this.exitCode = e.code;
      } else if (e instanceof LoopSignal) {
        this.status = 0;
      } else throw e;
    }
    if (this.mode === 'c') await this.waitJobs(signal);
    if (signal.aborted && this.status === 0) this.status = SIGNAL_STATUS.INT;
    return this.status;
  }

  waitJobs(signal: AbortSignal, which?: Job[]): Promise<number> {
    return this.jobTable.wait(signal, which);
  }

  get jobs(): Map<number, Job> {
    return this.jobTable.byId;
  }

  // ---------------------------------------------------------------- variables

  getVar(name: string): string | undefined {
    switch (name) {
      case '?':
        return String(this.status);
      case '$':
        return String(this.pid);
      case '!':
        return this.jobTable.lastPid === null ? '' : String(this.jobTable.lastPid);
      case '#':
        return '0';
      case '0':
        return this.mode === 'interactive' ? `-${this.shellName}` : this.shellName;
      case '@':
      case '*':
      case '-':
        return '';
      default:
        return /^[1-9]$/.test(name) ? '' : this.vars.get(name);
    }
  }

  setVar(name: string, value: string): void {
    this.vars.set(name, value);
  }

  env(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const k of this.exported) {
      const v = this.vars.get(k);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }

  private expandEnv(ex: Exec): ExpandEnv {
    return {
      getVar: (n) => this.getVar(n),
      setVar: (n, v) => this.setVar(n, v),
      substitute: (body) => this.substitute(body, ex),
      fs: this.fs,
      cwd: this.cwd,
    };
  }

  private async substitute(body: List, ex: Exec): Promise<string> {
    const parts: Uint8Array[] = [];
    const out: Writer = { tty: false, write: async (c) => void parts.push(new Uint8Array(toBytes(c))) };
    try {
      this.status = await this.execList(body, { ...ex, out, cond: false });
    } catch (e) {
      if (e instanceof ExitSignal) this.status = e.code;
      else throw e;
    }
    return dec.decode(Buffer.concat(parts)).replace(/\n+$/, '');
  }

  // ---------------------------------------------------------------- execution

  async execList(list: List, ex: Exec): Promise<number> {
    let status = this.status;
    for (const item of list.items) {
      if (ex.signal.aborted) return SIGNAL_STATUS.INT;
      if (item.background) {
        this.startJob(item.andOr, ex);
        status = 0;
        this.status = 0;
        continue;
      }
      status = await this.execAndOr(item.andOr, ex);
      this.status = status;
    }
    return status;
  }

  private async execAndOr(ao: AndOr, ex: Exec): Promise<number> {
    const chain = [{ op: '&&' as const, pipeline: ao.first }, ...ao.rest];
    let status = 0;
    let ranLast = false;
    for (const [i, link] of chain.entries()) {
      if (i > 0 && (link.op === '&&' ? status !== 0 : status === 0)) continue;
      const last = i === chain.length - 1;
      status = await this.execPipeline(link.pipeline, { ...ex, cond: ex.cond || !last || link.pipeline.negate });
      this.status = status;
      ranLast = last;
    }
    if (this.errexit && status !== 0 && !ex.cond && ranLast && !ao.rest.length && !ao.first.negate) throw new ExitSignal(status);
    return status;
  }

  private async execPipeline(p: Pipeline, ex: Exec): Promise<number> {
    let status: number;
    if (p.cmds.length === 1) status = await this.execCommand(p.cmds[0] as Command, ex);
    else {
      const pipes = p.cmds.slice(1).map(() => new Pipe());
      const runs = p.cmds.map(async (cmd, i) => {
        const ctl = linked(ex.signal);
        const outPipe = pipes[i];
        outPipe?.onReaderClosed(() => ctl.abort()); // the reader is gone: SIGPIPE ends the writer
        const inPipe = i > 0 ? pipes[i - 1] : undefined;
        try {
          return await this.execCommand(cmd, {
            in: inPipe ? inPipe.queue : ex.in,
            out: outPipe ? outPipe.writer : ex.out,
            err: ex.err,
            signal: ctl.signal,
            cond: ex.cond,
          });
        } catch (e) {
          if (e instanceof ExitSignal) return e.code; // `exit` in a pipeline member ends only that subshell
          throw e;
        } finally {
          outPipe?.closeWriter();
          inPipe?.closeReader();
        }
      });
      const statuses = await Promise.all(runs);
      status = statuses[statuses.length - 1] ?? 0;
    }
    return p.negate ? (status === 0 ? 1 : 0) : status;
  }

  private async execCommand(cmd: Command, ex: Exec): Promise<number> {
    if (cmd.k === 'simple') return this.execSimple(cmd, ex);
    const r = await this.applyRedirs(cmd.redirs, ex);
    if (typeof r === 'number') return r;
    try {
      return await this.execCompound(cmd, r.ex);
    } finally {
      await r.close();
    }
  }

  private async execCompound(cmd: Exclude<Command, { k: 'simple' }>, ex: Exec): Promise<number> {
    switch (cmd.k) {
      case 'group':
        if (!cmd.subshell) return this.execList(cmd.body, ex);
        return this.subshell().runList(cmd.body, ex);
      case 'if':
        for (const c of cmd.clauses) {
          if ((await this.execList(c.cond, { ...ex, cond: true })) === 0) return this.execList(c.body, ex);
        }
        return cmd.otherwise ? this.execList(cmd.otherwise, ex) : 0;
      case 'for': {
        const items = cmd.items ? await expandWords(cmd.items, this.expandEnv(ex)) : [];
        let status = 0;
        for (const item of items) {
          if (ex.signal.aborted) return SIGNAL_STATUS.INT;
          this.setVar(cmd.name, item);
          const r = await this.loopBody(cmd.body, ex);
          status = r.status;
          if (r.brk) break;
        }
        return status;
      }
      case 'while': {
        let status = 0;
        for (;;) {
          await new Promise((r) => setImmediate(r)); // let timers, I/O and Ctrl-C in between iterations
          if (ex.signal.aborted) return SIGNAL_STATUS.INT;
          const c = await this.execList(cmd.cond, { ...ex, cond: true });
          if ((c === 0) === cmd.until) break;
          const r = await this.loopBody(cmd.body, ex);
          status = r.status;
          if (r.brk) break;
        }
        return status;
      }
    }
  }

  private async loopBody(body: List, ex: Exec): Promise<{ status: number; brk: boolean }> {
    try {
      return { status: await this.execList(body, ex), brk: false };
    } catch (e) {
      if (!(e instanceof LoopSignal)) throw e;
      if (e.levels > 1) {
        e.levels -= 1;
        throw e;
      }
      return { status: 0, brk: e.kind === 'break' };
    }
  }

  /** A copy of this shell for `( … )`: changes to cwd and variables stay inside. */
  private subshell(): Shell & { runList(l: List, ex: Exec): Promise<number> } {
    const sub = new Shell({ fs: this.fs, host: this.host, cwd: this.cwd, mode: this.mode });
    sub.vars.clear();
    for (const [k, v] of this.vars) sub.vars.set(k, v);
    for (const k of this.exported) sub.exported.add(k);
    sub.status = this.status;
    sub.io = this.io;
    return Object.assign(sub, {
      runList: async (l: List, ex: Exec): Promise<number> => {
        try {
          return await sub.execList(l, ex);
        } catch (e) {
          if (e instanceof ExitSignal) return e.code;
          throw e;
        }
      },
    });
  }

  private startJob(ao: AndOr, ex: Exec): void {
    // an exec's jobs end with its channel; an interactive login's jobs live until logout (hangUp)
    const job = this.jobTable.start(
      (signal) => this.execAndOr(ao, { ...ex, in: emptyReader, signal, cond: true }).catch((e: unknown) => (e instanceof ExitSignal ? e.code : 1)),
      this.mode === 'c' ? ex.signal : null,
    );
    if (this.mode === 'interactive') void ex.err.write(`[${job.id}] ${job.pid}\n`);
  }

  /** The terminal went away (logout, closed channel): background jobs get SIGHUP, as on a real login. */
  hangUp(): void {
    this.jobTable.hangUp();
  }

  findJob(spec: string): Job | undefined {
    return this.jobTable.find(spec);
  }

  /** Applies redirections left to right; on failure prints bash's message and returns its status. */
  applyRedirs(redirs: Redir[], ex: Exec): Promise<Redirected | number> {
    return applyRedirs(redirs, ex, {
      fs: this.fs,
      cwd: this.cwd,
      shellName: this.shellName,
      expand: (w) => expandToString(w, this.expandEnv(ex)),
      onFileWritten: this.io?.onFileWritten?.bind(this.io),
    });
  }

  // ---------------------------------------------------------------- simple commands

  private async execSimple(cmd: Extract<Command, { k: 'simple' }>, ex: Exec): Promise<number> {
    const env = this.expandEnv(ex);
    const before = this.status;
    const argv = await expandWords(cmd.words, env);
    const assigns: Array<[string, string]> = [];
    for (const a of cmd.assigns) assigns.push([a.name, await expandToString(a.value, env)]);
    const substStatus = this.status !== before ? this.status : 0;
    const r = await this.applyRedirs(cmd.redirs, ex);
    if (typeof r === 'number') return r;
    try {
      if (argv.length === 0) {
        for (const [k, v] of assigns) this.setVar(k, v);
        return substStatus;
      }
      return await this.runArgv(argv, r.ex, Object.fromEntries(assigns));
    } finally {
      await r.close();
    }
  }

  /** Runs argv as a builtin, board command or external command. Used by `command`, `timeout`, `eval`. */
  async runArgv(argv: string[], ex: Exec, tempEnv: Record<string, string> = {}): Promise<number> {
    const name = argv[0] as string;
    const builtin = this.isBuiltin(name) ? BUILTINS[name] : undefined;
    const ctx: CommandContext = {
      argv,
      cwd: this.cwd,
      env: { ...this.env(), ...tempEnv },
      fs: this.fs,
      host: this.host,
      stdin: ex.in,
      stdout: ex.out,
      stderr: ex.err,
      signal: ex.signal,
      resolve: (p) => normalizePath(p, this.cwd),
    };
    const say = (text: string): Promise<void> => ex.err.write(text);
    if (builtin) return this.guard(name, true, ex, () => builtin(ctx, this, ex));
    const ext = this.lookup(name);
    if (ext) return this.guard(name, false, ex, () => ext(ctx));
    if (name.includes('/')) {
      const st = this.fs.stat(normalizePath(name, this.cwd));
      if (st && st.type !== 'dir') {
        await say(`${this.shellName}: ${name}: Permission denied\n`);
        return 126;
      }
      await say(`${this.shellName}: ${name}: ${st ? 'Is a directory' : 'No such file or directory'}\n`);
      return st ? 126 : 127;
    }
    await say(`${this.shellName}: ${name}: command not found\n`);
    return 127;
  }

  isBuiltin(name: string): boolean {
    return Object.hasOwn(BUILTINS, name);
  }

  /** The external command for a name or a path in one of PATH's directories. */
  lookup(name: string): ShellCommand | undefined {
    const m = /^\/(?:usr\/)?s?bin\/([^/]+)$/.exec(name);
    const base = m?.[1] ?? (name.includes('/') ? null : name);
    if (base === null) return undefined;
    const own = (table: Record<string, ShellCommand> | undefined): ShellCommand | undefined =>
      table && Object.hasOwn(table, base) ? table[base] : undefined; // `constructor` is not a command
    return own(this.host.commands) ?? own(COMMANDS);
  }

  /** Runs a command body, turning write failures and stray errors into bash-like messages and statuses. */
  private async guard(name: string, builtin: boolean, ex: Exec, body: () => Promise<number>): Promise<number> {
    const who = builtin ? `${this.shellName}: ${name}` : name;
    try {
      return await body();
    } catch (e) {
      if (e instanceof ExitSignal || e instanceof LoopSignal) throw e;
      if (e instanceof WriteFailure) {
        if (e.failure.errno === 'EPIPE') return SIGNAL_STATUS.PIPE;
        await ex.err.write(`${who}: write error: ${strerror(e.failure.errno)}\n`).catch(() => undefined);
        return 1;
      }
      const text = e instanceof FsError ? `${e.path}: ${strerror(e.errno)}` : e instanceof Error ? e.message : String(e);
      await ex.err.write(`${who}: ${text}\n`).catch(() => undefined);
      return 1;
    }
  }
}

/** Runs one script in a fresh shell (what `ssh board 'script'` does). */
export function runScript(fs: VirtualFs, host: ShellHost, script: string, io: ShellIO): Promise<number> {
  return new Shell({ fs, host, mode: 'c' }).run(script, io);
}
