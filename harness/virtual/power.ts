// Power of the virtual board: off (SSH refuses, console silent), on (boot), cycle (a reboot); one transition at a time.

export type PowerState = 'on' | 'off';

/** What cutting and restoring power does to the board's parts; board.ts supplies them. */
export interface PowerHooks {
  cut(): Promise<void>;
  restore(): Promise<void>;
}

export class BoardPower {
  private current: PowerState = 'on';
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly hooks: PowerHooks) {}

  get state(): PowerState {
    return this.current;
  }

  on(): Promise<void> {
    return this.serial(async () => {
      if (this.current === 'on') return;
      await this.hooks.restore();
      this.current = 'on';
    });
  }

  off(): Promise<void> {
    return this.serial(async () => {
      if (this.current === 'off') return;
      this.current = 'off';
      await this.hooks.cut();
    });
  }

  /** A reboot: power off, stay off for `offMs` (connections are refused meanwhile), power on. */
  cycle(offMs = 0): Promise<void> {
    return this.serial(async () => {
      if (this.current === 'on') {
        this.current = 'off';
        await this.hooks.cut();
      }
      if (offMs > 0) await new Promise((r) => setTimeout(r, offMs));
      await this.hooks.restore();
      this.current = 'on';
    });
  }

  /** The board is being stopped: waits for a transition in progress; later calls do nothing. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.queue;
  }

  private serial(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(() => (this.disposed ? undefined : step()));
    this.queue = next.catch(() => undefined);
    return next;
  }
}
