// Starts assembled virtual boards for the SSH-driven tests (temp state dir, TCP or pty console) and cleans them up.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { utils } from 'ssh2';
import { loadProfile, type BoardProfile } from '../../../harness/config';
import { startVirtualBoard, type VirtualBoard, type VirtualBoardOptions } from '../../../harness/virtual/board';
import { Remote } from './ssh-client';

export interface TestBoard {
  board: VirtualBoard;
  remote: Remote;
  stateDir: string;
  /** /sys/class/remoteproc/remoteprocN of the coprocessor, found by its `name` (remoteproc.md §1.1) */
  sys: string;
  dbg: string;
}

const started: Array<{ board: VirtualBoard; remotes: Remote[]; stateDir: string }> = [];

/**
 * A fresh state dir holding pre-made keys under the server's file names. ssh2's generateKeyPairSync('ed25519')
 * now and then (~1 in 500) yields a key its own parseKey rejects ("Malformed OpenSSH private key"); making the
 * pairs here with a re-check keeps these tests about the board rather than about that bug.
 */
export function tempStateDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vboard-'));
  for (const [file, comment] of [['ssh_host_ed25519_key', 'root@stm32mp1'], ['id_ed25519', 'hil@rproc-hil']] as const) {
    let pair = utils.generateKeyPairSync('ed25519', { comment });
    while (utils.parseKey(pair.private) instanceof Error) pair = utils.generateKeyPairSync('ed25519', { comment });
    fs.writeFileSync(path.join(dir, file), pair.private, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, `${file}.pub`), `${pair.public}\n`, { mode: 0o644 });
  }
  return dir;
}

export async function startBoard(
  name = 'virtual-mp157',
  opts: Partial<Omit<VirtualBoardOptions, 'profile'>> & { tweak?: (p: BoardProfile) => BoardProfile } = {},
): Promise<TestBoard> {
  const stateDir = opts.stateDir ?? tempStateDir();
  const profile = (opts.tweak ?? ((p) => p))(loadProfile(name));
  const board = await startVirtualBoard({ console: 'tcp', ...opts, profile, stateDir });
  const entry = { board, remotes: [] as Remote[], stateDir };
  started.push(entry);
  const remote = await Remote.connect(board.ssh);
  entry.remotes.push(remote);
  const sys = await findRproc(remote, board.profile.coprocessor.name);
  return { board, remote, stateDir, sys, dbg: sys.replace('/sys/class/remoteproc', '/sys/kernel/debug/remoteproc') };
}

/** a second connection to the same board, closed by stopBoards() */
export async function connectAgain(board: VirtualBoard): Promise<Remote> {
  const r = await Remote.connect(board.ssh);
  started.find((s) => s.board === board)?.remotes.push(r);
  return r;
}

async function findRproc(remote: Remote, name: string): Promise<string> {
  const res = await remote.exec('for d in /sys/class/remoteproc/*; do echo "$d $(cat $d/name)"; done');
  const line = res.stdout.split('\n').find((l) => l.endsWith(` ${name}`));
  if (!line) throw new Error(`no remoteproc named ${name}: ${JSON.stringify(res)}`);
  return line.split(' ')[0] ?? '';
}

export async function stopBoards(): Promise<void> {
  for (const s of started.splice(0)) {
    for (const r of s.remotes) r.close();
    await s.board.stop();
    fs.rmSync(s.stateDir, { recursive: true, force: true });
  }
}

/** upload to /lib/firmware over SFTP and select it, as a harness deploy does */
export async function deploy(t: TestBoard, name: string, bytes: Uint8Array): Promise<void> {
  await t.remote.upload(`/lib/firmware/${name}`, bytes);
  const res = await t.remote.exec(`echo ${name} > ${t.sys}/firmware`);
  if (res.code !== 0) throw new Error(`selecting ${name} failed: ${JSON.stringify(res)}`);
}

/** dmesg lines without their timestamps */
export async function dmesgText(t: TestBoard): Promise<string[]> {
  const res = await t.remote.exec('dmesg');
  return res.stdout.split('\n').filter((l) => l !== '').map((l) => l.replace(/^\[[ \d]+\.\d{6}\] /, ''));
}
