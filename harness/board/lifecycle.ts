// The board's lifecycle (idle → leased → ready → released) and the guard that names board, method and state.
import { StateError } from '../errors';

export type BoardState = 'idle' | 'leased' | 'ready' | 'released';

export class Lifecycle {
  private current: BoardState = 'idle';

  constructor(private readonly board: string) {}

  get state(): BoardState {
    return this.current;
  }

  /** throws StateError unless the board is in one of `allowed` */
  require(method: string, allowed: readonly BoardState[]): void {
    if (allowed.includes(this.current)) return;
    throw new StateError(
      `board ${this.board}: ${method} is not allowed while the board is ${this.current} (allowed when ${allowed.join(' or ')})`,
      { board: this.board, method, state: this.current, allowed: [...allowed] },
    );
  }

  moveTo(next: BoardState): void {
    this.current = next;
  }
}
