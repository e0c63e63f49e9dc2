// Connects a Board to one farm instance exactly as a farm run does: SSH transport, console capture, power backend, remoteproc driver.
import type { BoardProfile, FarmInstance, ResolvedBoard } from '../config';
import { ConfigError } from '../errors';
import { ConsoleCapture, SshTransport, type ConsoleCaptureOptions, type SshTransportOptions } from '../transports';
import type { Board, BoardOptions } from './board';
import { createBoard } from './create-board';
import type { VirtualPowerSwitch } from './power';
import { sshFiles, sshRunner } from './ssh-capabilities';
import { retryingRunner } from './retrying-runner';

export interface ConnectOptions {
  /** console log file; the console is opened only when the instance has one and this is given */
  consoleLog?: string;
  lease?: BoardOptions['lease'];
  /** the switch behind power: { backend: virtual } (an in-process virtual board) */
  virtualPower?: VirtualPowerSwitch;
  minFreeKiB?: number;
  /** transport tuning (connect budget, backoff, keepalive) on top of the profile's phase budgets */
  ssh?: Partial<Omit<SshTransportOptions, 'board' | 'target'>>;
  console?: Partial<Omit<ConsoleCaptureOptions, 'target' | 'logFile'>>;
}

/** A connected board and the transports it owns; close() ends them (release the board first: close() does not remove the lease). */
export interface ConnectedBoard {
  board: Board;
  ssh: SshTransport;
  console: ConsoleCapture | undefined;
  close(): Promise<void>;
}

type Target = ResolvedBoard | { name: string; profile: BoardProfile; instance: FarmInstance };

/** Composes the board's capabilities (Board builds its RemoteprocDriver over the same runner and file transfer) from its profile and inventory entry; nothing here knows whether the board is virtual. */
export async function connectBoard(target: Target, opts: ConnectOptions = {}): Promise<ConnectedBoard> {
  const { profile, instance } = target;
  if (!instance) {
    throw new ConfigError(
      `board ${target.name} has no farm inventory entry, so there is no way to reach it; add it under boards: in the file given by --farm or HIL_FARM, or start a virtual board with \`npm run board\``,
      { board: target.name, keyPath: `boards.${target.name}` },
    );
  }
  const ssh = SshTransport.forInstance(instance, profile, opts.ssh ?? {});
  let capture: ConsoleCapture | undefined;
  try {
    if (instance.console && opts.consoleLog !== undefined) {
      capture = await ConsoleCapture.forInstance(instance, profile, opts.consoleLog, opts.console ?? {});
    }
    let reached = false;
    ssh.on('connected', () => {
      reached = true;
    });
    const runner = retryingRunner(sshRunner(ssh), { board: instance.name, mayBeRebooting: () => reached, rebootBudgetMs: profile.timeouts.reboot });
    const files = sshFiles(ssh);
    const board = createBoard({
      instance,
      profile,
      runner,
      files,
      ...(opts.virtualPower ? { virtualPower: opts.virtualPower } : {}),
      ...(opts.lease ? { lease: opts.lease } : {}),
      ...(opts.minFreeKiB !== undefined ? { minFreeKiB: opts.minFreeKiB } : {}),
    });
    return {
      board,
      ssh,
      console: capture,
      async close() {
        // a run that never released must not keep renewing a lease it no longer uses
        board.lease.stopHeartbeat();
        await Promise.allSettled([ssh.close(), capture?.close()]);
      },
    };
  } catch (e) {
    await Promise.allSettled([ssh.close(), capture?.close()]);
    throw e;
  }
}
