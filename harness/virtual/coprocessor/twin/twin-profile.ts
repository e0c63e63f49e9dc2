// What the twin needs from a board profile (virtual.machine, virtual.window, memory regions), checked against the machine.
import type { BoardProfile } from '../../../config';
import { ConfigError } from '../../../errors';
import { isTwinMachine, MACHINES, WINDOW_SIZE, type TwinMachine } from './machine';
import { hex } from './memory';

export interface TwinFacts {
  board: string;
  machine: TwinMachine;
  windowBase: number;
  windowSize: number;
  /** profile.virtual.stopAckMs: how long stop() waits for the firmware's shutdown echo */
  stopAckMs: number;
  /** budget of QEMU start-up and QMP commands (profile.timeouts.start) */
  startTimeoutMs: number;
  /** coprocessor memory regions outside the window: saved through QMP pmemsave for post-mortem reads */
  hiddenRegions: Array<{ name: string; da: number; size: number }>;
}

export function twinFactsOf(profile: BoardProfile): TwinFacts {
  const v = profile.virtual;
  const where = { file: `boards/${profile.name}.yaml` };
  if (v === undefined || v.coprocessor !== 'twin') {
    throw new ConfigError(`board ${profile.name} is not a twin board: set virtual.coprocessor: twin`, { ...where, keyPath: 'virtual.coprocessor' });
  }
  if (!isTwinMachine(v.machine)) {
    throw new ConfigError(`board ${profile.name}: virtual.machine must be mps2-an386 or mps2-an505`, { ...where, keyPath: 'virtual.machine' });
  }
  const facts = MACHINES[v.machine];
  const win = v.window;
  if (win === undefined || win.da !== facts.windowBase || win.size > WINDOW_SIZE || win.size <= 0) {
    throw new ConfigError(
      `board ${profile.name}: virtual.window must be { da: ${hex(facts.windowBase)}, size: 16M } on ${v.machine} ` +
        `(the machine's file-backed RAM, qemu-twin.md §1.1); found ${win === undefined ? 'nothing' : `{ da: ${hex(win.da)}, size: ${hex(win.size)} }`}`,
      { ...where, keyPath: 'virtual.window' },
    );
  }
  const inWindow = (da: number, size: number): boolean => da >= win.da && da + size <= win.da + win.size;
  return {
    board: profile.name,
    machine: v.machine,
    windowBase: win.da,
    windowSize: win.size,
    stopAckMs: v.stopAckMs,
    startTimeoutMs: profile.timeouts.start,
    hiddenRegions: profile.coprocessor.memory.filter((r) => !inWindow(r.da, r.size)).map((r) => ({ name: r.name, da: r.da, size: r.size })),
  };
}
