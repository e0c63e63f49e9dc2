// Security: hostile firmware names and paths never reach the board's shell unquoted nor leave /lib/firmware, proven by the board's command log and file tree.
import { BoardLease, sshRunner } from '../../harness/board';
import { connectBoard, type ConnectedBoard } from '../../harness/board/connect';
import type { RemoteprocDriver } from '../../harness/remoteproc';
import { firmwareImage } from '../virtual/kernel/fixtures';
import { startLoggedBoard, type LoggedBoard } from './logged-board';

/** Names an attacker (or a careless build script) could give a firmware file: each would do harm if a shell saw it raw. */
const HOSTILE_NAMES = [
  "it's.elf",
  '"quoted".elf',
  '$(touch /tmp/pwned).elf',
  '`touch /tmp/pwned`.elf',
  'a;touch /tmp/pwned;.elf',
  'a && touch /tmp/pwned',
  'a || touch /tmp/pwned',
  'a | tee /tmp/pwned',
  'a > /tmp/pwned',
  'line1\ntouch /tmp/pwned',
  'cr\rtouch /tmp/pwned',
  '${IFS}touch${IFS}/tmp/pwned',
  '$HOME.elf',
  '*.elf',
  'a b.elf',
  'tab\tname.elf',
  '..',
  '../../etc/passwd',
  '../pwned.elf',
  'sub/dir.elf',
  '/etc/shadow',
  '-rf',
  '--help',
  '-',
  'nul\0byte.elf',
  '',
  'x'.repeat(256),
  'ünïcode.elf',
];

const CANARIES = ['/tmp/pwned', '/pwned.elf', '/lib/pwned.elf', '/etc/pwned'];
const FW = firmwareImage();

let b: LoggedBoard;
let conn: ConnectedBoard;
let rp: RemoteprocDriver;

beforeAll(async () => {
  b = await startLoggedBoard();
  conn = await connectBoard({ name: 'sec-01', profile: b.profile, instance: b.instance('sec-01') });
  await conn.board.acquire();
  await conn.board.prepare();
  rp = conn.board.remoteproc;
}, 30_000);

afterAll(async () => {
  await conn?.board.release().catch(() => undefined);
  await conn?.close();
  await b?.stop();
});

/** Commands the board received while `fn` ran. */
async function commandsDuring(fn: () => Promise<unknown>): Promise<{ commands: string[]; error: unknown }> {
  const before = b.ssh.commandLog.length;
  const error = await fn().then(() => undefined, (e: unknown) => e);
  return { commands: b.ssh.commandLog.slice(before), error };
}

describe('firmware names through RemoteprocDriver over SSH (remoteproc.md §1.2: the firmware file is looked up in /lib/firmware)', () => {
  test('a plain name deploys, sets and shows up only as /lib/firmware/<name> in the command log (control case)', async () => {
    const { commands, error } = await commandsDuring(async () => {
      await rp.deploy(FW, 'rproc-hil-sec.elf');
      await rp.setFirmware('rproc-hil-sec.elf');
    });
    expect(error).toBeUndefined();
    expect(await rp.firmware()).toBe('rproc-hil-sec.elf');
    expect(b.fs.stat('/lib/firmware/rproc-hil-sec.elf')?.size).toBe(FW.length);
    expect(commands.some((c) => c.includes('/lib/firmware/rproc-hil-sec.elf'))).toBe(true);
    expect(commands.some((c) => /echo rproc-hil-sec\.elf > \/sys\/class\/remoteproc\/remoteproc\d+\/firmware/.test(c))).toBe(true);
  });

  test.each(HOSTILE_NAMES.map((n) => [JSON.stringify(n), n]))('%s is refused before any command reaches the board', async (_label, name) => {
    const treeBefore = b.tree();
    const firmwareBefore = await rp.firmware();
    for (const call of [() => rp.deploy(FW, name), () => rp.deployImage(FW, name), () => rp.setFirmware(name)]) {
      const { commands, error } = await commandsDuring(call);
      expect(commands).toEqual([]);
      expect(error).toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(/^firmware name .* refused: .*; use a plain file name like "rproc-m4-fw\.elf"$/s) });
    }
    // nothing was written anywhere, and the firmware the board would load is unchanged
    expect(b.tree()).toEqual(treeBefore);
    expect(await rp.firmware()).toBe(firmwareBefore);
    for (const c of CANARIES) expect(b.fs.stat(c)).toBeNull();
  });
});

describe('arbitrary remote paths through SshTransport: quoted into one literal word', () => {
  /** Names a file system allows but a shell would interpret: each must become exactly one file with exactly that name. */
  // no "/" inside: a path component cannot hold one; a command that ran would create "pwned" in the shell's directory
  const LITERAL = ["it's", '$(touch pwned)', '`touch pwned`', 'a;touch pwned', 'two\nlines', '$HOME', '*', 'a b', '-rf', "'; touch pwned; '", '\\', '$(rm -rf ~)'];

  test.each(LITERAL.map((n) => [JSON.stringify(n), n]))('upload by `cat >` (board without sftp) and sha256sum of %s touch only that file', async (_label, name) => {
    b.ssh.faults.noSftp = true;
    try {
      const remote = `/lib/firmware/${name}`;
      const treeBefore = b.tree();
      const { commands } = await commandsDuring(async () => {
        await conn.ssh.upload(FW, remote, { mode: 0o644 });
        expect(await conn.ssh.sha256Remote(remote)).toMatch(/^[0-9a-f]{64}$/);
      });
      expect(b.fs.stat(remote)?.size).toBe(FW.length);
      expect(b.tree()).toEqual([...treeBefore, remote].sort());
      for (const c of CANARIES) expect(b.fs.stat(c)).toBeNull();
      // the board saw exactly the upload and the checksum, each a single command
      expect(commands).toHaveLength(2);
      expect(commands[0]).toMatch(/^cat > '.*' && chmod 644 '.*'$/s);
      expect(commands[1]).toMatch(/^sha256sum '.*'$/s);
      b.fs.unlink(remote);
    } finally {
      b.ssh.faults.noSftp = false;
    }
  });
});

describe('text from the runner\'s environment written on the board', () => {
  test('a lease owner and host holding shell syntax are written as literal JSON by one quoted printf', async () => {
    const owner = "$(touch pwned)`touch pwned`'; touch pwned; '\"";
    const host = 'host;touch pwned\nsecond line';
    const lease = new BoardLease({ runner: sshRunner(conn.ssh), board: 'sec-01', owner, host, pid: 4242, path: '/run/rproc-hil-sec.lease', leaseWaitS: 0 });
    const treeBefore = b.tree();
    await lease.acquire();
    lease.stopHeartbeat();
    const content = Buffer.from(await b.fs.readFile('/run/rproc-hil-sec.lease')).toString('utf8');
    expect(JSON.parse(content)).toMatchObject({ owner, host, pid: 4242 });
    expect(b.tree()).toEqual([...treeBefore, '/run/rproc-hil-sec.lease'].sort());
    await lease.release();
    expect(b.tree()).toEqual(treeBefore);
  });
});
