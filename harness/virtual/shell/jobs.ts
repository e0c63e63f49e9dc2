// Background jobs of one shell session: `cmd &`, $!, wait, kill, and SIGHUP when the terminal goes away.

export interface Job {
  id: number;
  pid: number;
  ctl: AbortController;
  done: Promise<number>;
  status: number | null;
  /** the status `kill` decided (128 + signal), which wins over what the aborted command returned */
  killed: number | null;
}

const SIGHUP_STATUS = 129;

export class JobTable {
  readonly byId = new Map<number, Job>();
  private nextId = 1;
  private nextPid = 1200;
  lastPid: number | null = null;

  /** Starts `run` in the background; `parent` aborting (the exec channel closing) ends it too. */
  start(run: (signal: AbortSignal) => Promise<number>, parent: AbortSignal | null): Job {
    const ctl = new AbortController();
    if (parent?.aborted) ctl.abort();
    else parent?.addEventListener('abort', () => ctl.abort(), { once: true });
    const job: Job = { id: this.nextId++, pid: this.nextPid++, ctl, status: null, killed: null, done: Promise.resolve(0) };
    job.done = run(ctl.signal)
      .catch(() => 1)
      .then((s) => {
        job.status = job.killed ?? s;
        return job.status;
      });
    this.byId.set(job.id, job);
    this.lastPid = job.pid;
    return job;
  }

  /** `%N` (job number) or a pid. */
  find(spec: string): Job | undefined {
    const m = /^%(\d+)$/.exec(spec);
    for (const j of this.byId.values()) if (m ? j.id === Number(m[1]) : j.pid === Number(spec)) return j;
    return undefined;
  }

  /** Waits for the given jobs (default: all); an aborted waiter ends them instead. Returns the last status. */
  async wait(signal: AbortSignal, which?: Job[]): Promise<number> {
    let last = 0;
    for (const j of which ?? [...this.byId.values()]) {
      if (signal.aborted) j.ctl.abort();
      last = await j.done;
      this.byId.delete(j.id);
    }
    return last;
  }

  hangUp(): void {
    for (const j of this.byId.values()) {
      j.killed ??= SIGHUP_STATUS;
      j.ctl.abort();
    }
  }
}
