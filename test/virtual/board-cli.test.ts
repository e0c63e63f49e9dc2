// `npm run board` (DESIGN §4.2): one READY line, Debian's ssh logs in with a pinned host key, control on stdin, clean SIGTERM.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { boardMain, control, CONTROL_HELP } from '../../harness/cli/board';
import { runMain } from '../../harness/cli/run';
import { startVirtualBoard } from '../../harness/virtual/board';
import { describeWithTools, TOOLS } from '../helpers/tools';
import { fingerprintOf } from './conformance/ssh-client';
import { tempStateDir } from './conformance/board-fixture';
import { pollExec, Remote } from './conformance/ssh-client';

const root = path.resolve(__dirname, '../..');
// any spawn may first rebuild dist/ when a source is newer (scripts/run-cli.js): that takes tens of seconds
jest.setTimeout(180_000);
const dirs: string[] = [];
const children: ChildProcess[] = [];

function tmp(): string {
  const d = tempStateDir();
  dirs.push(d);
  return d;
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  ready: { ssh: { host: string; port: number; user: string; hostKey: string; privateKey: string }; console: { path?: string; tcp?: string } };
  stdoutLines: () => string[];
  stderr: () => string;
  exit: Promise<number | null>;
}

function startCli(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, ['scripts/run-cli.js', 'board', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('READY '));
      if (line && out.includes('\n')) {
        resolve({ child, ready: JSON.parse(line.slice(6)), stdoutLines: () => out.split('\n').filter((l) => l !== ''), stderr: () => err, exit });
      }
    });
    void exit.then((code) => reject(new Error(`board CLI exited ${code} before READY; stderr: ${err}`)));
  });
}

function sshArgs(r: Running, knownHosts: string, cmd: string): string[] {
  return [
    '-i', r.ready.ssh.privateKey, '-p', String(r.ready.ssh.port),
    '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes',
    '-o', 'IdentitiesOnly=yes', '-F', '/dev/null',
    `root@${r.ready.ssh.host}`, cmd,
  ];
}

/** known_hosts from the board's public host key, after checking it against the READY fingerprint */
function knownHostsFor(r: Running, stateDir: string): string {
  const pub = fs.readFileSync(path.join(stateDir, 'ssh_host_ed25519_key.pub'), 'utf8').trim().split(' ');
  expect(fingerprintOf(Buffer.from(pub[1] ?? '', 'base64'))).toBe(r.ready.ssh.hostKey);
  const file = path.join(stateDir, 'known_hosts');
  fs.writeFileSync(file, `[127.0.0.1]:${r.ready.ssh.port} ${pub[0]} ${pub[1]}\n`);
  return file;
}

function childrenOf(pid: number): string {
  try {
    return execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return '';
  }
}

function pidsOf(ps: string, name: string): number[] {
  return ps.split('\n').filter((l) => l.includes(name)).map((l) => Number(l.trim().split(/\s+/)[0]));
}

/** the socat serving the console links in stateDir (its parent is a small sh guard, see console/pty.ts) */
function socatOf(stateDir: string): number[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.split('\n').filter((l) => /^\s*\d+ \S*socat /.test(l) && l.includes(`link=${stateDir}/console `)).map((l) => Number(l.trim().split(/\s+/)[0]));
}

/** true while the process exists and is not a zombie */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

describeWithTools([TOOLS.ssh, TOOLS.socat], 'npm run board', () => {
  test('prints exactly one READY line; Debian ssh gets in with the pinned key; SIGTERM exits 0 and leaves no socat', async () => {
    const stateDir = tmp();
    const r = await startCli(['--board', 'virtual-mp157', '--port', '0', '--state-dir', stateDir]);
    expect(r.stdoutLines()).toHaveLength(1);
    expect(r.ready.ssh).toEqual({ host: '127.0.0.1', port: expect.any(Number), user: 'root', hostKey: expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/), privateKey: path.join(stateDir, 'id_ed25519') });
    expect(r.ready.console).toEqual({ path: path.join(stateDir, 'console') });
    const knownHosts = knownHostsFor(r, stateDir);
    const out = execFileSync('ssh', sshArgs(r, knownHosts, 'cat /sys/class/remoteproc/remoteproc0/name; uname -n'), { encoding: 'utf8', timeout: 15000 });
    expect(out).toBe('m4\nstm32mp1\n');
    const socat = socatOf(stateDir);
    expect(socat).toHaveLength(1);
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
    for (const pid of socat) expect(alive(pid)).toBe(false);
    expect(fs.existsSync(path.join(stateDir, 'console'))).toBe(false);
    expect(r.stdoutLines()).toHaveLength(1);
  });

  test('the stdin control channel sets faults and power; a rotated host key is refused by Debian ssh', async () => {
    const stateDir = tmp();
    const r = await startCli(['--board', 'virtual-mp257', '--console', 'tcp', '--state-dir', stateDir]);
    expect(r.ready.console.tcp).toMatch(/^127\.0\.0\.1:\d+$/);
    const knownHosts = knownHostsFor(r, stateDir);
    expect(execFileSync('ssh', sshArgs(r, knownHosts, 'cat /sys/class/remoteproc/remoteproc0/name'), { encoding: 'utf8' })).toBe('m33\n');
    const waitErr = async (text: string) => {
      for (let i = 0; i < 500 && !r.stderr().includes(text); i++) await new Promise((res) => setTimeout(res, 10));
      expect(r.stderr()).toContain(text);
    };
    r.child.stdin?.write('fault latencyMs=5\n');
    await waitErr('ok: latencyMs=5');
    r.child.stdin?.write('power off\n');
    await waitErr('ok: power off');
    const refused = (() => {
      try {
        execFileSync('ssh', sshArgs(r, knownHosts, 'true'), { encoding: 'utf8', stdio: 'pipe' });
        return '';
      } catch (e) {
        return String((e as { stderr?: string }).stderr);
      }
    })();
    expect(refused).toContain('Connection refused');
    r.child.stdin?.write('power on\n');
    await waitErr('ok: power on');
    r.child.stdin?.write('fault rotateHostKey\n');
    await waitErr('ok: rotateHostKey=true (host key now SHA256:');
    let rejected = '';
    try {
      execFileSync('ssh', sshArgs(r, knownHosts, 'true'), { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      rejected = String((e as { stderr?: string }).stderr);
    }
    expect(rejected).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    r.child.stdin?.write('bogus\n');
    await waitErr('error: unknown control command "bogus"');
    r.child.stdin?.write('stop\n');
    expect(await r.exit).toBe(0);
    expect(r.stdoutLines()).toHaveLength(1);
  });

  async function failing(board: string): Promise<{ code: unknown; out: string; err: string }> {
    const child = spawn(process.execPath, ['scripts/run-cli.js', 'board', '--board', board], { cwd: root });
    children.push(child);
    let err = '';
    let out = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise((res) => child.on('exit', res));
    return { code, out, err };
  }

  test('a board killed with SIGKILL still takes its socat down (no orphan keeps the console links)', async () => {
    const stateDir = tmp();
    const r = await startCli(['--board', 'virtual-mp157', '--state-dir', stateDir]);
    const socat = socatOf(stateDir);
    expect(socat).toHaveLength(1);
    r.child.kill('SIGKILL');
    await r.exit;
    for (let i = 0; socat.some(alive); i++) {
      if (i > 500) throw new Error(`socat ${socat.join(',')} outlived the killed board`);
      await new Promise((res) => setTimeout(res, 10));
    }
    expect(fs.existsSync(path.join(stateDir, 'console'))).toBe(false);
  });

  test('an unknown board is a usage error (exit 2) listing the virtual boards', async () => {
    const r = await failing('virtual-mp999');
    expect(r).toEqual({ code: 2, out: '', err: expect.stringContaining('error: unknown board "virtual-mp999"; virtual boards are: twin-mp157, twin-mp257, virtual-mp157, virtual-mp257\n') });
  });

  test('a real board type is refused (exit 2): it has no virtual section to emulate', async () => {
    const r = await failing('stm32mp157f-dk2');
    expect(r).toEqual({ code: 2, out: '', err: expect.stringContaining('error: board "stm32mp157f-dk2" is a real board type, not a virtual board; virtual boards are: twin-mp157') });
  });
});

describeWithTools([TOOLS.qemu, TOOLS.armGcc, TOOLS.make], 'npm run board with a twin', () => {
  test('twin-mp157: the firmware runs in QEMU; SIGTERM stops QEMU and socat and exits 0', async () => {
    const elf = path.join(root, 'firmware', 'build', 'qemu-m4', 'st-default.elf');
    if (!fs.existsSync(elf)) execFileSync('make', ['-C', path.join(root, 'firmware')], { stdio: 'ignore' });
    const stateDir = tmp();
    const r = await startCli(['--board', 'twin-mp157', '--state-dir', stateDir]);
    const remote = await Remote.connect(r.ready.ssh);
    await remote.upload('/lib/firmware/st-default.elf', fs.readFileSync(elf));
    expect((await remote.exec('echo st-default.elf > /sys/class/remoteproc/remoteproc0/firmware && echo start > /sys/class/remoteproc/remoteproc0/state')).code).toBe(0);
    await pollExec(remote, 'ls /dev', /ttyRPMSG0/, 15000);
    remote.close();
    const qemu = pidsOf(childrenOf(r.child.pid ?? 0), 'qemu-system-arm');
    expect(qemu).toHaveLength(1);
    const socat = socatOf(stateDir);
    expect(socat).toHaveLength(1);
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
    for (const pid of [...qemu, ...socat]) expect(alive(pid)).toBe(false);
  });
});

describe('board CLI arguments and control lines (in-process)', () => {
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: (s: string) => void (out.stdout += s), stderr: (s: string) => void (out.stderr += s), cwd: root } };
  };

  test('bad arguments are usage errors (exit 2) that say what to type', async () => {
    const cases: Array<[string[], string]> = [
      [[], 'error: missing --board; virtual boards are: twin-mp157, twin-mp257, virtual-mp157, virtual-mp257\n'],
      [['--board', 'virtual-mp157', '--fault', 'latency=3'], 'error: unknown fault "latency" in "latency=3"; faults are: latencyMs, dropAfterCommands, refuseForMs, hangStartMs, corruptNextUpload, noSftp, fillFirmwareDir, rotateHostKey, crashAfterMs, crashAfterMessages, hangNextStart, unplugConsoleMs\n'],
      [['--board', 'virtual-mp157', '--console', 'serial'], 'error: --console takes pty or tcp, not "serial"\n'],
      [['--board', 'virtual-mp157', '--port', '70000'], 'error: --port needs a TCP port number 0..65535, not "70000"\n'],
    ];
    for (const [argv, message] of cases) {
      const { out, io: cliIo } = io();
      expect(await runMain(boardMain, argv, cliIo)).toBe(2);
      expect(out.stdout).toBe('');
      expect(out.stderr.startsWith(message)).toBe(true);
    }
  });

  test('control lines drive power, faults and crashes; unknown lines list the commands', async () => {
    const board = await startVirtualBoard({ profile: 'virtual-mp157', stateDir: tmp(), console: 'tcp' });
    try {
      let stopped = false;
      expect(await control(board, 'fault latencyMs=20 hangStartMs=5', () => undefined)).toBe('ok: latencyMs=20 hangStartMs=5');
      expect(board.faults).toMatchObject({ latencyMs: 20, hangStartMs: 5 });
      expect(await control(board, 'power cycle 10', () => undefined)).toBe('ok: power on');
      expect(await control(board, 'power off', () => undefined)).toBe('ok: power off');
      expect(JSON.parse(await control(board, 'status', () => undefined))).toMatchObject({ power: 'off', faults: { latencyMs: 20 }, ssh: { host: '127.0.0.1' } });
      expect(await control(board, 'power on', () => undefined)).toBe('ok: power on');
      expect(await control(board, 'crash', () => undefined)).toBe('ok: crash watchdog');
      await expect(control(board, 'crash hard', () => undefined)).rejects.toThrow('crash takes watchdog or hardfault, not "hard"');
      await expect(control(board, 'power sideways', () => undefined)).rejects.toThrow('power takes on, off or cycle, not "sideways"');
      await expect(control(board, 'reboot', () => undefined)).rejects.toThrow(`unknown control command "reboot"; commands:\n${CONTROL_HELP}`);
      await control(board, 'stop', () => (stopped = true));
      expect(stopped).toBe(true);
    } finally {
      await board.stop();
    }
  });
});
