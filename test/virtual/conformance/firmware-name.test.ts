// remoteproc.md §1.4 firmware name rules through SSH on the assembled board.
import { firmwareImage } from '../kernel/fixtures';
import { deploy, dmesgText, startBoard, stopBoards } from './board-fixture';

afterAll(stopBoards);

describe('remoteproc.md §1.4 firmware name rules over SSH', () => {
  test('remoteproc.md §1.4 the default name is rproc-<name>-fw (rproc-m4-fw on MP15)', async () => {
    const t = await startBoard('virtual-mp157');
    expect((await t.remote.exec(`cat ${t.sys}/firmware`)).stdout).toBe('rproc-m4-fw\n');
  });

  test('remoteproc.md §1.4 the name is cut at the first newline; a trailing space is kept and fails at start with ENOENT', async () => {
    const t = await startBoard('virtual-mp157');
    await t.remote.upload('/lib/firmware/fw.elf', firmwareImage());
    expect((await t.remote.exec(`printf 'fw.elf \\n' > ${t.sys}/firmware; cat ${t.sys}/firmware`)).stdout).toBe('fw.elf \n');
    const res = await t.remote.exec(`echo start > ${t.sys}/state`);
    expect(res).toEqual({ stdout: '', stderr: 'bash: echo: write error: No such file or directory\n', code: 1 });
  });

  test('remoteproc.md §1.4 a missing file: ENOENT at start with the loader lines and Boot failed: -2', async () => {
    const t = await startBoard('virtual-mp157');
    expect((await t.remote.exec(`echo absent.elf > ${t.sys}/firmware`)).code).toBe(0);
    const res = await t.remote.exec(`echo start > ${t.sys}/state`);
    expect(res.stderr).toBe('bash: echo: write error: No such file or directory\n');
    expect(res.code).toBe(1);
    const log = await dmesgText(t);
    expect(log).toEqual(expect.arrayContaining([
      'remoteproc remoteproc0: Direct firmware load for absent.elf failed with error -2',
      'remoteproc remoteproc0: request_firmware failed: -2',
      'remoteproc remoteproc0: Boot failed: -2',
    ]));
  });

  test('remoteproc.md §1.4 changing the name while running is EBUSY ("can\'t change firmware while running")', async () => {
    const t = await startBoard('virtual-mp157');
    await deploy(t, 'fw.elf', firmwareImage());
    await t.remote.exec(`echo start > ${t.sys}/state`);
    const res = await t.remote.exec(`echo other.elf > ${t.sys}/firmware`);
    expect(res).toEqual({ stdout: '', stderr: 'bash: echo: write error: Device or resource busy\n', code: 1 });
    expect((await dmesgText(t)).some((l) => l.endsWith("can't change firmware while running"))).toBe(true);
    expect((await t.remote.exec(`cat ${t.sys}/firmware`)).stdout).toBe('fw.elf\n');
  });

  test('remoteproc.md §1.4 an empty name is EINVAL with "can\'t provide empty string for firmware name"', async () => {
    const t = await startBoard('virtual-mp157');
    const res = await t.remote.exec(`echo > ${t.sys}/firmware`);
    expect(res).toEqual({ stdout: '', stderr: 'bash: echo: write error: Invalid argument\n', code: 1 });
    expect((await dmesgText(t)).some((l) => l.endsWith("can't provide empty string for firmware name"))).toBe(true);
  });

  test('remoteproc.md §1.4 names in sub-directories of /lib/firmware load', async () => {
    const t = await startBoard('virtual-mp157');
    await t.remote.exec('mkdir -p /lib/firmware/variants');
    await deploy(t, 'variants/echo.elf', firmwareImage());
    expect((await t.remote.exec(`echo start > ${t.sys}/state; cat ${t.sys}/state`)).stdout).toBe('running\n');
  });
});
