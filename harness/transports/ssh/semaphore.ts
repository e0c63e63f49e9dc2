// Counting semaphore that caps open SSH channels (OpenSSH's MaxSessions is 10; we keep 8 so sftp and a shell still fit).
export type Release = () => void;

export class Semaphore {
  private inUse = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  get active(): number {
    return this.inUse;
  }

  /** Resolves with an idempotent release once a slot is free; slots are granted in request order. */
  acquire(): Promise<Release> {
    return new Promise((resolve) => {
      const grant = (): void => {
        this.inUse++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.inUse--;
          this.waiting.shift()?.();
        });
      };
      if (this.inUse < this.limit) grant();
      else this.waiting.push(grant);
    });
  }
}
