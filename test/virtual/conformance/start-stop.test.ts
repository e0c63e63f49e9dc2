// remoteproc.md §1.2/§1.3 through SSH on the assembled board: state reads and writes in both kernel eras.
import { firmwareImage, oldEra } from '../kernel/fixtures';
import { deploy, dmesgText, startBoard, stopBoards } from './board-fixture';

afterAll(stopBoards);

describe('remoteproc.md §1.3 state writes, new rules (>= 5.19) over SSH', () => {
  test('remoteproc.md §1.3 start while offline: running, with "powering up", "Booting fw image", "is now up"', async () => {
    const t = await startBoard('virtual-mp157');
    const fw = firmwareImage();
    await deploy(t, 'fw.elf', fw);
    expect((await t.remote.exec(`cat ${t.sys}/state`)).stdout).toBe('offline\n');
    const res = await t.remote.exec(`echo start > ${t.sys}/state`);
    expect(res).toEqual({ stdout: '', stderr: '', code: 0 });
    expect((await t.remote.exec(`cat ${t.sys}/state`)).stdout).toBe('running\n');
    const log = await dmesgText(t);
    expect(log).toContain('remoteproc remoteproc0: powering up m4');
    expect(log).toContain(`remoteproc remoteproc0: Booting fw image fw.elf, size ${fw.length}`);
    expect(log).toContain('remoteproc remoteproc0: remote processor m4 is now up');
  });

  test('remoteproc.md §1.3 refcount: start twice then stop once keeps running; the second stop stops it', async () => {
    const t = await startBoard('virtual-mp157');
    await deploy(t, 'fw.elf', firmwareImage());
    expect((await t.remote.exec(`echo start > ${t.sys}/state && echo start > ${t.sys}/state; echo $?`)).stdout).toBe('0\n');
    expect((await t.remote.exec(`echo stop > ${t.sys}/state; cat ${t.sys}/state`)).stdout).toBe('running\n');
    expect((await t.remote.exec(`echo stop > ${t.sys}/state; cat ${t.sys}/state`)).stdout).toBe('offline\n');
    expect(await dmesgText(t)).toContain('remoteproc remoteproc0: stopped remote processor m4');
  });

  test('remoteproc.md §1.3 stop while offline: "bash: echo: write error: Invalid argument", exit 1', async () => {
    const t = await startBoard('virtual-mp157');
    const res = await t.remote.exec(`echo stop > ${t.sys}/state`);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('bash: echo: write error: Invalid argument\n');
  });

  test('remoteproc.md §1.3 other text: EINVAL and "Unrecognised option: <text>" with its newline', async () => {
    const t = await startBoard('virtual-mp157');
    const res = await t.remote.exec(`echo restart > ${t.sys}/state`);
    expect(res).toEqual({ stdout: '', stderr: 'bash: echo: write error: Invalid argument\n', code: 1 });
    const raw = (await t.remote.exec('dmesg')).stdout;
    expect(raw).toMatch(/\] remoteproc remoteproc0: Unrecognised option: restart\n\[[ \d]+\.\d{6}\] \n/);
  });
});

describe('remoteproc.md §1.3 state writes, old rules (< 5.19) over SSH', () => {
  test('remoteproc.md §1.3 old rules: start while running is "bash: echo: write error: Device or resource busy", exit 1', async () => {
    const t = await startBoard('virtual-mp157', { tweak: oldEra });
    expect((await t.remote.exec('uname -r')).stdout).toBe('5.15.118-stm32mp-r2\n');
    await deploy(t, 'fw.elf', firmwareImage());
    expect((await t.remote.exec(`echo start > ${t.sys}/state`)).code).toBe(0);
    const again = await t.remote.exec(`echo start > ${t.sys}/state`);
    expect(again).toEqual({ stdout: '', stderr: 'bash: echo: write error: Device or resource busy\n', code: 1 });
    expect((await t.remote.exec(`echo stop > ${t.sys}/state; cat ${t.sys}/state`)).stdout).toBe('offline\n');
  });

  test('remoteproc.md §1.3 old rules: stop when not running is EINVAL', async () => {
    const t = await startBoard('virtual-mp157', { tweak: oldEra });
    const res = await t.remote.exec(`echo stop > ${t.sys}/state`);
    expect(res).toEqual({ stdout: '', stderr: 'bash: echo: write error: Invalid argument\n', code: 1 });
  });
});

describe('remoteproc.md §1.1 instances over SSH', () => {
  test('remoteproc.md §1.1 the MP25 instance is named "m33" and found by reading name', async () => {
    const t = await startBoard('virtual-mp257');
    expect((await t.remote.exec(`cat ${t.sys}/name`)).stdout).toBe('m33\n');
  });
});
