// Power backend `none`: the board is always on; anything that needs the switch is refused with what to configure.
import { ConfigError } from '../../errors';
import type { PowerBackend, PowerContext } from './types';

export function nonePower(ctx: PowerContext): PowerBackend {
  const refuse = (what: string): Promise<never> =>
    Promise.reject(
      new ConfigError(
        `board ${ctx.board} can't be ${what}: its inventory entry has power: { backend: none }; give it power: { backend: command, on: "...", off: "..." } in the farm inventory to allow it`,
        { board: ctx.board, keyPath: `boards.${ctx.board}.power`, backend: 'none' },
      ),
    );
  return {
    backend: 'none',
    // a board without a switch is assumed powered, so "make sure it is on" succeeds
    on: async () => undefined,
    off: () => refuse('powered off'),
    cycle: () => refuse('power cycled'),
  };
}
