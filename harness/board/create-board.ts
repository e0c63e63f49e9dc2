// Builds a Board for one farm instance: its profile, the transport's runner and file transfer, power by backend name.
import type { BoardProfile, FarmInstance } from '../config';
import type { CommandRunner, FileTransfer } from '../remoteproc';
import { Board, type BoardOptions } from './board';
import { powerBackend, type VirtualPowerSwitch } from './power';

export interface CreateBoardOptions {
  /** the inventory entry (name and power) of the board */
  instance: Pick<FarmInstance, 'name' | 'power'>;
  profile: BoardProfile;
  runner: CommandRunner;
  files?: FileTransfer;
  /** the switch of an in-process virtual board (power backend `virtual`) */
  virtualPower?: VirtualPowerSwitch;
  /** budget of one power command (backend `command`) */
  powerTimeoutMs?: number;
  lease?: BoardOptions['lease'];
  minFreeKiB?: number;
}

export function createBoard(o: CreateBoardOptions): Board {
  const name = o.instance.name;
  const power = powerBackend(o.instance.power, {
    board: name,
    ...(o.virtualPower ? { virtual: o.virtualPower } : {}),
    ...(o.powerTimeoutMs !== undefined ? { timeoutMs: o.powerTimeoutMs } : {}),
  });
  return new Board({
    name,
    profile: o.profile,
    runner: o.runner,
    ...(o.files ? { files: o.files } : {}),
    power,
    ...(o.lease ? { lease: o.lease } : {}),
    ...(o.minFreeKiB !== undefined ? { minFreeKiB: o.minFreeKiB } : {}),
  });
}
