// The same conformance rows driven by Debian's OpenSSH client (strict host-key checking), as a person at a terminal would.
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describeWithTools, TOOLS } from '../../helpers/tools';
import { firmwareImage } from '../kernel/fixtures';
import { startBoard, stopBoards, type TestBoard } from './board-fixture';
import { fingerprintOf } from './ssh-client';

const run = promisify(execFile);

afterAll(stopBoards);

/** ssh argv with a known_hosts written from the board's host public key (checked against the pinned fingerprint) */
function sshArgv(t: TestBoard): string[] {
  const [type, blob] = fs.readFileSync(path.join(t.stateDir, 'ssh_host_ed25519_key.pub'), 'utf8').trim().split(' ');
  expect(fingerprintOf(Buffer.from(blob ?? '', 'base64'))).toBe(t.board.ssh.hostKey);
  const knownHosts = path.join(t.stateDir, 'known_hosts');
  fs.writeFileSync(knownHosts, `[127.0.0.1]:${t.board.ssh.port} ${type} ${blob}\n`);
  return ['-F', '/dev/null', '-i', t.board.ssh.privateKey, '-p', String(t.board.ssh.port), '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', 'root@127.0.0.1'];
}

async function ssh(argv: string[], cmd: string): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run('ssh', [...argv, cmd], { encoding: 'latin1' });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

describeWithTools([TOOLS.ssh], 'conformance rows through Debian ssh', () => {
  test('remoteproc.md §1.3 start/stop and the old-era EBUSY text reach an OpenSSH client unchanged', async () => {
    const t = await startBoard('virtual-mp157', { tweak: (p) => ({ ...p, kernel: { ...p.kernel, release: '5.15.118-stm32mp-r2', stateRules: 'ebusy' } }) });
    const argv = sshArgv(t);
    await t.remote.upload('/lib/firmware/fw.elf', firmwareImage());
    expect(await ssh(argv, `echo fw.elf > ${t.sys}/firmware && echo start > ${t.sys}/state && cat ${t.sys}/state`)).toEqual({ stdout: 'running\n', stderr: '', code: 0 });
    expect(await ssh(argv, `echo start > ${t.sys}/state`)).toEqual({ stdout: '', stderr: 'bash: echo: write error: Device or resource busy\n', code: 1 });
  });

  test('remoteproc.md §6.3 a `cat /dev/ttyRPMSG0` session keeps streaming what another session writes', async () => {
    const t = await startBoard('virtual-mp157');
    const argv = sshArgv(t);
    await t.remote.upload('/lib/firmware/fw.elf', firmwareImage());
    await ssh(argv, `echo fw.elf > ${t.sys}/firmware; echo start > ${t.sys}/state`);
    for (let i = 0; !(await ssh(argv, 'ls /dev')).stdout.includes('ttyRPMSG0'); i++) {
      if (i > 200) throw new Error('no /dev/ttyRPMSG0');
      await new Promise((r) => setTimeout(r, 10));
    }
    const reader = spawn('ssh', [...argv, 'cat /dev/ttyRPMSG0']);
    let seen = '';
    reader.stdout.on('data', (d: Buffer) => (seen += d.toString()));
    const exited = new Promise((r) => reader.on('exit', r));
    for (let i = 0; !seen.includes('over-openssh'); i++) {
      if (i > 100) throw new Error(`echo never arrived: ${JSON.stringify(seen)}`);
      await ssh(argv, 'echo over-openssh > /dev/ttyRPMSG0');
      await new Promise((r) => setTimeout(r, 50));
    }
    // stopping the core hangs the tty up: the remote cat ends and so does the ssh client
    await ssh(argv, `echo stop > ${t.sys}/state`);
    expect(await exited).toBe(0);
  });

  test('the compatible string and uname -r over OpenSSH', async () => {
    const t = await startBoard('virtual-mp257');
    const res = await ssh(sshArgv(t), 'uname -r; cat /proc/device-tree/compatible');
    expect(res.stdout.split('\n')[0]).toBe(t.board.profile.kernel.release);
    expect(res.stdout).toContain(`${t.board.profile.compatible.join('\0')}\0`);
  });
});
