// A virtual board for one benchmark: private state dir, the harness's own SSH connection and remoteproc driver, one teardown.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sshFiles, sshRunner } from '../harness/board';
import { loadProfile, type BoardProfile } from '../harness/config';
import { RemoteprocDriver, type CommandRunner } from '../harness/remoteproc';
import { SshTransport } from '../harness/transports';
import { startVirtualBoard, type VirtualBoard } from '../harness/virtual';
import type { TimingKnobs } from '../harness/virtual/timing';

export interface BenchBoard {
  name: string;
  board: VirtualBoard;
  profile: BoardProfile;
  transport: SshTransport;
  runner: CommandRunner;
  driver: RemoteprocDriver;
  /** scratch directory of this board (its state dir lives inside) */
  dir: string;
  close(): Promise<void>;
}

export interface BenchBoardOptions {
  profile?: string;
  name?: string;
  timing?: Partial<TimingKnobs>;
}

/** Starts a virtual board (TCP console, so no socat pty is left behind) and connects to it as a farm run would. */
export async function startBenchBoard(opts: BenchBoardOptions = {}): Promise<BenchBoard> {
  const profileName = opts.profile ?? 'virtual-mp157';
  const name = opts.name ?? profileName;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`));
  let board: VirtualBoard | undefined;
  let transport: SshTransport | undefined;
  try {
    board = await startVirtualBoard({ profile: profileName, stateDir: path.join(dir, 'state'), console: 'tcp' });
    if (opts.timing) board.kernel.timing.set(opts.timing);
    const profile = loadProfile(profileName);
    const s = board.ssh;
    transport = new SshTransport({
      board: name,
      target: { host: s.host, port: s.port, user: s.user, privateKey: s.privateKey, hostKey: s.hostKey },
      timeouts: profile.timeouts,
    });
    await transport.connect();
    const runner = sshRunner(transport);
    const driver = new RemoteprocDriver({ runner, files: sshFiles(transport), profile, board: name });
    const started = { board, transport };
    return {
      name,
      board,
      profile,
      transport,
      runner,
      driver,
      dir,
      async close() {
        await started.transport.close().catch(() => undefined);
        await started.board.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await transport?.close().catch(() => undefined);
    await board?.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
