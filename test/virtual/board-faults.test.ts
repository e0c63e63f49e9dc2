// Every fault knob of DESIGN §5 (harness/virtual/faults.ts) on the assembled board, set at start and while running.
import { createHash } from 'node:crypto';
import { firmwareImage } from './kernel/fixtures';
import { deploy, startBoard, stopBoards } from './conformance/board-fixture';
import { pollExec, Remote } from './conformance/ssh-client';
import { checkFault, parseFaultAssignment } from '../../harness/virtual/faults';

afterAll(stopBoards);

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('fault knobs', () => {
  test('latencyMs delays every command by at least the knob, set at start', async () => {
    const t = await startBoard('virtual-mp157', { faults: { latencyMs: 150 } });
    expect(t.board.faults.latencyMs).toBe(150);
    const start = Date.now();
    expect((await t.remote.exec('true')).code).toBe(0);
    expect(Date.now() - start).toBeGreaterThanOrEqual(150);
    await t.board.setFault('latencyMs', 0);
    expect(t.board.faults.latencyMs).toBe(0);
  });

  test('dropAfterCommands: the connection drops after N more commands', async () => {
    const t = await startBoard('virtual-mp157');
    await t.board.setFault('dropAfterCommands', 2);
    expect((await t.remote.exec('echo one')).stdout).toBe('one\n');
    expect((await t.remote.exec('echo two')).stdout).toBe('two\n');
    const closed = t.remote.closed();
    void t.remote.exec('echo three').catch(() => undefined);
    await closed;
    const again = await Remote.connect(t.board.ssh);
    expect((await again.exec('echo back')).stdout).toBe('back\n');
    again.close();
  });

  test('refuseForMs is a reboot: refused meanwhile, then the kernel is fresh and auto-boot firmware runs again', async () => {
    const t = await startBoard('virtual-mp157', { tweak: (p) => ({ ...p, firmware: { ...p.firmware, autoBoot: 'auto.elf' } }) });
    await t.remote.upload('/lib/firmware/auto.elf', firmwareImage());
    await t.remote.exec(`echo disabled > ${t.sys}/recovery`);
    const closed = t.remote.closed();
    await t.board.setFault('refuseForMs', 300);
    await closed;
    expect(t.board.power.state).toBe('off');
    await expect(Remote.connect(t.board.ssh)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const start = Date.now();
    let r: Remote | null = null;
    while (!r) {
      r = await Remote.connect(t.board.ssh).catch(() => null);
      if (!r) await new Promise((res) => setTimeout(res, 20));
      if (Date.now() - start > 5000) throw new Error('board never came back');
    }
    // the profile auto-boots auto.elf (firmware.md §3.5) and the recovery setting is back to its default
    expect((await r.exec(`cat ${t.sys}/state ${t.sys}/firmware ${t.sys}/recovery`)).stdout).toBe('running\nauto.elf\nenabled\n');
    expect((await r.exec('dmesg | head -n 1')).stdout).toMatch(/^\[ +0\.000000\] Booting Linux on physical CPU 0x0\n$/);
    r.close();
  });

  test('hangStartMs: `echo start > state` blocks at least that long, then the core runs', async () => {
    const t = await startBoard('virtual-mp157');
    await deploy(t, 'fw.elf', firmwareImage());
    await t.board.setFault('hangStartMs', 300);
    const start = Date.now();
    const res = await t.remote.exec(`echo start > ${t.sys}/state; cat ${t.sys}/state`);
    expect(Date.now() - start).toBeGreaterThanOrEqual(300);
    expect(res.stdout).toBe('running\n');
  });

  test('corruptNextUpload: the next upload lands with different bytes, the one after is intact', async () => {
    const t = await startBoard('virtual-mp157');
    const fw = firmwareImage();
    await t.board.setFault('corruptNextUpload', true);
    await t.remote.upload('/lib/firmware/a.elf', fw);
    await t.remote.upload('/lib/firmware/b.elf', fw);
    const sums = (await t.remote.exec('sha256sum /lib/firmware/a.elf /lib/firmware/b.elf')).stdout;
    expect(sums).not.toContain(`${sha(fw)}  /lib/firmware/a.elf`);
    expect(sums).toContain(`${sha(fw)}  /lib/firmware/b.elf`);
    expect(t.board.faults.corruptNextUpload).toBe(false);
  });

  test('fillFirmwareDir: the next write into /lib/firmware fails with ENOSPC until it is cleared', async () => {
    const t = await startBoard('virtual-mp157', { faults: { fillFirmwareDir: true } });
    const res = await t.remote.exec('echo data > /lib/firmware/x.elf');
    expect(res).toEqual({ stdout: '', stderr: 'bash: echo: write error: No space left on device\n', code: 1 });
    await expect(t.remote.upload('/lib/firmware/fw.elf', firmwareImage())).rejects.toThrow();
    await t.board.setFault('fillFirmwareDir', false);
    await t.remote.upload('/lib/firmware/fw.elf', firmwareImage());
    expect((await t.remote.exec('ls /lib/firmware')).stdout).toContain('fw.elf');
  });

  test('rotateHostKey: clients pinned to the old key are refused; the new fingerprint is in readyJson', async () => {
    const t = await startBoard('virtual-mp257');
    const old = t.board.ssh;
    await t.board.setFault('rotateHostKey', true);
    expect(t.board.ssh.hostKey).not.toBe(old.hostKey);
    expect(JSON.parse(t.board.readyJson()).ssh.hostKey).toBe(t.board.ssh.hostKey);
    await expect(Remote.connect(old)).rejects.toThrow('Host denied (verification failed)');
    const r = await Remote.connect(t.board.ssh);
    expect((await r.exec('echo ok')).stdout).toBe('ok\n');
    r.close();
  });

  test('crashAfterMs: the coprocessor crashes (watchdog) after the delay and recovery restarts it', async () => {
    const t = await startBoard('virtual-mp157');
    await deploy(t, 'fw.elf', firmwareImage());
    await t.remote.exec(`echo start > ${t.sys}/state`);
    await t.board.setFault('crashAfterMs', 50);
    expect(t.board.faults.crashAfterMs).toBe(50);
    await pollExec(t.remote, 'dmesg', /crash detected in m4: type watchdog[\s\S]*recovering m4[\s\S]*remote processor m4 is now up/);
    expect(t.board.faults.crashAfterMs).toBe(0);
  });

  test('bad knob names and values are usage errors naming the knobs', () => {
    expect(() => parseFaultAssignment('latency=5')).toThrow('unknown fault "latency" in "latency=5"; faults are: latencyMs, dropAfterCommands, refuseForMs, hangStartMs, corruptNextUpload, noSftp, fillFirmwareDir, rotateHostKey, crashAfterMs');
    expect(() => parseFaultAssignment('latencyMs=fast')).toThrow('fault latencyMs needs a whole number >= 0, e.g. latencyMs=200 (got "latencyMs=fast")');
    expect(() => checkFault('corruptNextUpload', 3)).toThrow('fault corruptNextUpload takes true or false, not 3');
    expect(parseFaultAssignment('fillFirmwareDir')).toEqual(['fillFirmwareDir', true]);
  });
});
