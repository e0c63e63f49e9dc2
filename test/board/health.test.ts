// Health check: pass on the virtual board, each failure named (profile tweaks), df parsing and free space on a real shell.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { assertHealthy, checkHealth, parseDfAvailableKiB } from '../../harness/board';
import type { BoardProfile } from '../../harness/config';
import { InfraError } from '../../harness/errors';
import { RemoteprocDriver, type CommandRunner, type ExecResult, type RemoteStream } from '../../harness/remoteproc';
import { InProcessRunner } from '../remoteproc/in-process-runner';
import { disposeBoards, makeBoard } from '../virtual/kernel/fixtures';

afterAll(disposeBoards);

/** a real CommandRunner over this machine's own sh: the harness host standing in for a board with df and no remoteproc */
class HostShellRunner implements CommandRunner {
  exec(command: string, opts: { timeoutMs: number }): Promise<ExecResult> {
    return new Promise((resolve) => {
      const c = spawn('sh', ['-c', command], { timeout: opts.timeoutMs });
      let stdout = '';
      let stderr = '';
      c.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
      c.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
      c.on('close', (code) => resolve({ stdout, stderr, code }));
    });
  }
  stream(): Promise<RemoteStream> {
    return Promise.reject(new Error('streams are not used by the health check'));
  }
}

async function health(profileTweak: (p: BoardProfile) => BoardProfile = (p) => p, minFreeKiB?: number) {
  const b = await makeBoard();
  const profile = profileTweak(b.profile);
  const runner = new InProcessRunner(b);
  const remoteproc = new RemoteprocDriver({ runner, profile, board: 'lab-dk2-1' });
  return checkHealth({ board: 'lab-dk2-1', profile, runner, remoteproc, ...(minFreeKiB !== undefined ? { minFreeKiB } : {}) });
}

test('the virtual DK2 passes every check, free space read with df -Pk from the /lib/firmware quota', async () => {
  const r = await health();
  expect(r.ok).toBe(true);
  expect(r.checks).toEqual([
    { name: 'ssh', status: 'pass', detail: 'the board runs commands' },
    { name: 'remoteproc', status: 'pass', detail: 'remoteproc0 is "m4"' },
    { name: 'compatible', status: 'pass', detail: '"st,stm32mp157f-dk2" is in st,stm32mp157f-dk2, st,stm32mp157' },
    { name: 'firmware-space', status: 'pass', detail: '65536 KiB free in /lib/firmware' },
  ]);
  expect(assertHealthy(r)).toBe(r);
});

test('a profile for another board fails the compatible check (remoteproc.md / firmware.md §6)', async () => {
  const r = await health((p) => ({ ...p, compatible: ['st,stm32mp157c-dk2', 'st,stm32mp157'] }));
  expect(r.ok).toBe(false);
  expect(r.checks.find((c) => c.name === 'compatible')).toEqual({
    name: 'compatible',
    status: 'fail',
    detail: 'the board\'s compatible is st,stm32mp157f-dk2, st,stm32mp157, not "st,stm32mp157c-dk2" of profile virtual-mp157; is the inventory type right for this board?',
  });
});

test('no remoteproc instance with the profile\'s name fails the remoteproc check and lists what was found', async () => {
  const r = await health((p) => ({ ...p, coprocessor: { ...p.coprocessor, name: 'm33' } }));
  const check = r.checks.find((c) => c.name === 'remoteproc');
  expect(check?.status).toBe('fail');
  expect(check?.detail).toBe('board lab-dk2-1 has no remoteproc instance named "m33" (found: remoteproc0=m4); check the profile\'s coprocessor.name and that the rproc driver is loaded');
});

test('assertHealthy lists every failed check in one InfraError', async () => {
  const r = await health((p) => ({ ...p, compatible: ['st,stm32mp257f-dk'], coprocessor: { ...p.coprocessor, name: 'm33' } }));
  const e = (() => {
    try {
      assertHealthy(r);
    } catch (err) {
      return err;
    }
  })();
  expect(e).toBeInstanceOf(InfraError);
  expect(e).toMatchObject({ code: 'E_REMOTE', details: { board: 'lab-dk2-1', failed: ['remoteproc', 'compatible'] } });
  expect((e as Error).message).toMatch(/^board lab-dk2-1 failed its health check \(2 of 4\): remoteproc: board lab-dk2-1 has no remoteproc instance named "m33" .*; compatible: the board's compatible is st,stm32mp157f-dk2, st,stm32mp157, not "st,stm32mp257f-dk"/);
});

describe('free space on a board with df (this machine\'s own shell)', () => {
  const runner = new HostShellRunner();
  const profile = (p: BoardProfile) => p;
  const check = async (minFreeKiB: number) => {
    const b = await makeBoard();
    const remoteproc = new RemoteprocDriver({ runner, profile: profile(b.profile), board: 'host' });
    return (await checkHealth({ board: 'host', profile: b.profile, runner, remoteproc, minFreeKiB })).checks.find((c) => c.name === 'firmware-space');
  };
  const haveLibFirmware = fs.existsSync('/lib/firmware');

  (haveLibFirmware ? test : test.skip)('df -Pk figures agree with statfs, pass above the threshold and fail below it', async () => {
    const st = fs.statfsSync('/lib/firmware');
    const availKiB = (st.bavail * st.bsize) / 1024;
    const pass = await check(1);
    expect(pass?.status).toBe('pass');
    const shown = Number(/^(\d+) KiB free/.exec(pass?.detail ?? '')?.[1]);
    expect(Math.abs(shown - availKiB)).toBeLessThan(availKiB * 0.01 + 1024);
    const fail = await check(Number.MAX_SAFE_INTEGER);
    // other processes write to this disk meanwhile, so the figure itself may move a little
    expect(fail?.status).toBe('fail');
    expect(fail?.detail).toMatch(new RegExp(`^/lib/firmware has \\d+ KiB free, below the ${Number.MAX_SAFE_INTEGER} KiB needed; remove old images from /lib/firmware$`));
  });
});

test('parseDfAvailableKiB reads coreutils and busybox -P output and refuses anything else', () => {
  expect(parseDfAvailableKiB('Filesystem     1024-blocks     Used Available Capacity Mounted on\n/dev/vda         264212084 23967876  82423036      23% /\n')).toBe(82423036);
  expect(parseDfAvailableKiB('Filesystem           1024-blocks    Used Available Capacity Mounted on\n/dev/root              1479088    969220    433184  69% /\n')).toBe(433184);
  expect(parseDfAvailableKiB('df: /lib/firmware: No such file or directory\n')).toBeUndefined();
  expect(parseDfAvailableKiB('Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/root lots some none 1% /\n')).toBeUndefined();
});
