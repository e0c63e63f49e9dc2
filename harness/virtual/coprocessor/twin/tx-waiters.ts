// Senders waiting for a TX buffer: TX-done kicks are switched on while one waits (rpmsg_upref_sleepers), off after.
import { InfraError, StateError } from '../../../errors';
import type { RpmsgHost } from './virtio-host';

export class TxWaiters {
  private readonly waiting = new Set<() => void>();

  /** `current` says which rpmsg device is live: a stop or restart in between rejects the wait */
  wait(host: RpmsgHost, current: () => RpmsgHost | null, timeoutMs: number): Promise<void> {
    if (host.hasFreeTx()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.drop(check, host, current);
        reject(
          new InfraError('E_TIMEOUT', `no rpmsg TX buffer came back from the firmware within ${timeoutMs} ms (phase rpmsg-tx)`, {
            phase: 'rpmsg-tx',
            timeoutMs,
          }),
        );
      }, timeoutMs);
      const check = (): void => {
        if (current() !== host) {
          clearTimeout(timer);
          this.drop(check, host, current);
          reject(new StateError('the twin stopped while waiting for a TX buffer'));
        } else if (host.hasFreeTx()) {
          clearTimeout(timer);
          this.drop(check, host, current);
          resolve();
        }
      };
      this.waiting.add(check);
      if (this.waiting.size === 1) host.setTxInterrupts(true);
      check(); // a buffer may have come back before the firmware could see the flag
    });
  }

  /** re-check every waiter: after a TX-done kick, and when the device goes away */
  wake(): void {
    for (const w of [...this.waiting]) w();
  }

  private drop(check: () => void, host: RpmsgHost, current: () => RpmsgHost | null): void {
    this.waiting.delete(check);
    if (this.waiting.size === 0 && current() === host) host.setTxInterrupts(false);
  }
}
