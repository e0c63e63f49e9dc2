// Stock OpenSSH (Debian's ssh, scp, sftp) against the virtual board, with strict host key checking (DESIGN §4.2, §5).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { knownHostsLine } from '../../../harness/virtual/ssh/keys';
import { startSshServer } from '../../../harness/virtual/ssh/server';
import type { SshServerHandle } from '../../../harness/virtual/ssh/server';
import { describeWithTools, TOOLS } from '../../helpers/tools';
import { board } from '../shell/fixture';
import type { Board } from '../shell/fixture';

interface ToolResult {
  code: number | null;
  out: string;
  err: string;
}

function tool(cmd: string, args: string[], stdin?: string): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    // async spawn: the server runs in this process, a blocking spawnSync would starve it
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out, err }));
    if (stdin !== undefined) p.stdin.end(stdin);
    else p.stdin.end();
  });
}

describeWithTools([TOOLS.ssh], 'OpenSSH clients against the virtual board', () => {
  let dir: string;
  let b: Board;
  let srv: SshServerHandle;
  let knownHosts: string;
  const common = (): string[] => [
    '-F', '/dev/null',
    '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', 'IdentitiesOnly=yes',
    '-o', 'LogLevel=ERROR',
    '-i', srv.privateKeyPath,
  ];
  const ssh = (args: string[], stdin?: string): Promise<ToolResult> =>
    tool('ssh', [...common(), '-p', String(srv.port), ...args], stdin);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h4-openssh-'));
    b = board();
    srv = await startSshServer({ stateDir: path.join(dir, 'state'), fs: b.fs, host: b.host });
    knownHosts = path.join(dir, 'known_hosts');
    fs.writeFileSync(knownHosts, knownHostsLine(srv.host, srv.port, srv.hostPublicKey));
  });

  afterAll(async () => {
    await srv.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('ssh exec: stdout, stderr and the exit status reach the caller', async () => {
    expect(await ssh(['root@127.0.0.1', 'echo hi; uname -r; cat /nope'])).toEqual({
      code: 1,
      out: 'hi\n6.6.48\n',
      err: 'cat: /nope: No such file or directory\n',
    });
    expect((await ssh(['root@127.0.0.1', 'exit 7'])).code).toBe(7);
  });

  test('ssh exec with stdin: cat > file uploads', async () => {
    expect((await ssh(['root@127.0.0.1', 'cat > /tmp/in; wc -c < /tmp/in'], 'twelve bytes')).out).toBe('12\n');
  });

  test('scp uploads to and downloads from the board', async () => {
    const local = path.join(dir, 'fw.elf');
    const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    fs.writeFileSync(local, data);
    const up = await tool('scp', [...common(), '-P', String(srv.port), local, 'root@127.0.0.1:/lib/firmware/fw.elf']);
    expect(up).toEqual({ code: 0, out: '', err: '' });
    expect(Buffer.compare(Buffer.from(await b.fs.readFile('/lib/firmware/fw.elf')), data)).toBe(0);
    const back = path.join(dir, 'back.elf');
    const down = await tool('scp', [...common(), '-P', String(srv.port), 'root@127.0.0.1:/lib/firmware/fw.elf', back]);
    expect(down.code).toBe(0);
    expect(Buffer.compare(fs.readFileSync(back), data)).toBe(0);
  });

  test('sftp batch: put, ls, get, rm', async () => {
    const local = path.join(dir, 'a.bin');
    fs.writeFileSync(local, 'sftp payload\n');
    const batch = path.join(dir, 'batch');
    fs.writeFileSync(batch, `put ${local} /tmp/a.bin\nls /tmp\nget /tmp/a.bin ${path.join(dir, 'b.bin')}\nrm /tmp/a.bin\n`);
    const r = await tool('sftp', [...common(), '-P', String(srv.port), '-b', batch, 'root@127.0.0.1']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('/tmp/a.bin');
    expect(fs.readFileSync(path.join(dir, 'b.bin'), 'utf8')).toBe('sftp payload\n');
    expect(b.fs.stat('/tmp/a.bin')).toBeNull();
  });

  test('ssh -tt: an interactive login with a prompt, typed lines and exit', async () => {
    const r = await ssh(['-tt', 'root@127.0.0.1'], 'echo hello\ncd /tmp\npwd\nexit 5\n');
    expect(r.code).toBe(5);
    expect(r.out).toContain('root@stm32mp1:~# ');
    expect(r.out).toContain('hello\r\n');
    expect(r.out).toContain('root@stm32mp1:/tmp# ');
    expect(r.out).toContain('/tmp\r\n');
  });

  test('a changed host key is refused by strict host key checking', async () => {
    const other = path.join(dir, 'other_known_hosts');
    fs.writeFileSync(other, knownHostsLine(srv.host, srv.port, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBk8t1wbqJc7QvEVTOa7c6Cwv4ab0pPz7T1GRqhgz7PL'));
    const r = await tool('ssh', [...common().map((a) => (a === `UserKnownHostsFile=${knownHosts}` ? `UserKnownHostsFile=${other}` : a)), '-p', String(srv.port), 'root@127.0.0.1', 'true']);
    expect(r.code).toBe(255);
    expect(r.err).toContain('Host key verification failed.');
  });
});
