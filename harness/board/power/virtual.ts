// Power backend `virtual`: the switch of the in-process virtual board (harness/virtual/board.ts VirtualBoard.power).
import { ConfigError } from '../../errors';
import type { PowerBackend, PowerContext, VirtualPowerSwitch } from './types';

export function virtualPower(ctx: PowerContext): PowerBackend {
  const sw: VirtualPowerSwitch | undefined = ctx.virtual;
  if (sw === undefined) {
    throw new ConfigError(
      `board ${ctx.board} has power: { backend: virtual } but no in-process virtual board was given; that backend only works for a board started by the harness itself (use backend: none or command for a board reached over the network)`,
      { board: ctx.board, keyPath: `boards.${ctx.board}.power`, backend: 'virtual' },
    );
  }
  return { backend: 'virtual', on: () => sw.on(), off: () => sw.off(), cycle: () => sw.cycle() };
}
