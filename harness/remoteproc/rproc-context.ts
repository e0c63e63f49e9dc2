// What every remoteproc operation shares: the runner, the instance paths, checked writes and budgeted polling.
import { InfraError } from '../errors';
import type { BoardProfile } from '../config';
import type { CommandRunner, ExecResult, FileTransfer } from './capabilities';
import { DmesgCursor } from './dmesg-cursor';
import { ERRNO, errnoFromShellText, hintFor, RemoteprocError, type RemoteprocOperation } from './remoteproc-error';
import { shq } from './shell-words';

export interface RemoteprocDriverOptions {
  runner: CommandRunner;
  files?: FileTransfer;
  profile: BoardProfile;
  /** board name used in every message (the inventory name, e.g. "lab-dk2-3" or "virtual-mp157") */
  board: string;
  /** delay between polls of waitForState/waitForTtys (default 50 ms) */
  pollMs?: number;
}

export interface Instance {
  /** `remoteprocN` */
  id: string;
  sysfs: string;
  debugfs: string;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class RprocContext {
  readonly runner: CommandRunner;
  readonly files: FileTransfer | undefined;
  readonly profile: BoardProfile;
  readonly board: string;
  readonly name: string;
  readonly pollMs: number;
  readonly dmesg: DmesgCursor;
  private instance: Instance | undefined;

  constructor(o: RemoteprocDriverOptions) {
    this.runner = o.runner;
    this.files = o.files;
    this.profile = o.profile;
    this.board = o.board;
    this.name = o.profile.coprocessor.name;
    // each poll is one exec on the open connection (about 1 ms): a short interval adds little load and no idle time
    this.pollMs = o.pollMs ?? 15;
    this.dmesg = new DmesgCursor(o.runner, o.profile.timeouts.exec);
  }

  exec(command: string, phase = 'remoteproc', timeoutMs = this.profile.timeouts.exec, stdin?: string | Uint8Array): Promise<ExecResult> {
    return this.runner.exec(command, { phase, timeoutMs, ...(stdin === undefined ? {} : { stdin }) });
  }

  /** Finds the instance whose `name` is the profile's coprocessor name (remoteproc.md §1.1: never assume remoteproc0). */
  async find(): Promise<Instance> {
    if (this.instance) return this.instance;
    const r = await this.exec('grep -H . /sys/class/remoteproc/*/name');
    const found = new Map<string, string>();
    for (const line of r.stdout.split('\n')) {
      const m = /^\/sys\/class\/remoteproc\/(remoteproc\d+)\/name:(.*)$/.exec(line);
      if (m?.[1] !== undefined) found.set(m[1], m[2] ?? '');
    }
    const id = [...found].find(([, n]) => n === this.name)?.[0];
    if (id === undefined) {
      const seen = [...found].map(([i, n]) => `${i}=${n}`).join(', ') || 'no remoteproc instances at all';
      throw new InfraError('E_REMOTE', `board ${this.board} has no remoteproc instance named "${this.name}" (found: ${seen}); check the profile's coprocessor.name and that the rproc driver is loaded`, { board: this.board, name: this.name, found: Object.fromEntries(found) });
    }
    this.instance = { id, sysfs: `/sys/class/remoteproc/${id}`, debugfs: `/sys/kernel/debug/remoteproc/${id}` };
    return this.instance;
  }

  async readText(path: string, phase = 'remoteproc'): Promise<string> {
    const r = await this.exec(`cat ${shq(path)}`, phase);
    if (r.code !== 0) {
      throw new InfraError('E_REMOTE', `reading ${path} on ${this.board} failed: ${r.stderr.trim() || `exit ${r.code}`}`, { path, stderr: r.stderr, code: r.code });
    }
    return r.stdout;
  }

  /** `echo value > path`; a refusal becomes a RemoteprocError with the errno, the state and the dmesg lines. */
  async write(path: string, value: string, operation: RemoteprocOperation, timeoutMs = this.profile.timeouts.exec): Promise<void> {
    const mark = await this.dmesg.mark();
    const r = await this.exec(`echo ${shq(value)} > ${shq(path)}`, `remoteproc ${operation}`, timeoutMs);
    if (r.code === 0) return;
    const inst = await this.find();
    const errnoName = errnoFromShellText(r.stderr);
    const state = await this.readText(`${inst.sysfs}/state`).then((s) => s.trim(), () => '');
    const dmesg = await this.dmesg.since(mark).then((ls) => ls.map((l) => l.raw), () => [] as string[]);
    const err = errnoName === undefined ? `exit ${r.code}: ${r.stderr.trim() || 'no error text'}` : `${errnoName} (${ERRNO[errnoName].errno}, ${ERRNO[errnoName].text})`;
    const message = [
      `${operation} of ${this.name} (${inst.id}) on ${this.board} failed: ${err} in state ${state || 'unknown'}`,
      dmesg.length > 0 ? `dmesg since the write:\n${dmesg.slice(-20).map((l) => `  ${l}`).join('\n')}` : 'dmesg since the write: (nothing)',
      `what to do: ${hintFor(operation, errnoName)}`,
    ].join('\n');
    throw new RemoteprocError(message, { board: this.board, instance: inst.id, operation, errnoName, state, dmesg, stderr: r.stderr }, { path, value });
  }

  /** Polls `probe` until it returns a value; the timeout names the phase, the budget, the board and what was last seen. */
  async poll<T>(probe: () => Promise<{ done: T } | { last: string }>, what: string, phase: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await probe();
      if ('done' in r) return r.done;
      if (Date.now() >= deadline) {
        const tail = await this.dmesg.tail(10);
        throw new InfraError(
          'E_TIMEOUT',
          `phase "${phase}" ran out of its ${timeoutMs} ms budget on board ${this.board} waiting for ${what}; last seen: ${r.last}\ndmesg tail:\n${tail.map((l) => `  ${l}`).join('\n') || '  (empty)'}`,
          { phase, timeoutMs, board: this.board, last: r.last, dmesgTail: tail },
        );
      }
      await sleep(Math.min(this.pollMs, Math.max(1, deadline - Date.now())));
    }
  }
}
