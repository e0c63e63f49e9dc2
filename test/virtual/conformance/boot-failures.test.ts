// remoteproc.md §3.3 boot failures seen from a shell: the dmesg lines, bash's write error and exit status 1.
import { buildResourceTable } from '../../../harness/firmware';
import { firmwareImage, MP15, vdevEntry } from '../kernel/fixtures';
import { deploy, dmesgText, startBoard, stopBoards } from './board-fixture';

afterAll(stopBoards);

async function bootLines(t: Awaited<ReturnType<typeof startBoard>>, before: number): Promise<string[]> {
  return (await dmesgText(t)).slice(before);
}

describe('remoteproc.md §3.3 boot failures over SSH', () => {
  test('remoteproc.md §3.3 bad magic: "Image is corrupted (bad magic)", Boot failed: -22, "write error: Invalid argument", exit 1', async () => {
    const t = await startBoard('virtual-mp157');
    const bytes = firmwareImage();
    bytes[1] = 0;
    await deploy(t, 'bad.elf', bytes);
    const before = (await dmesgText(t)).length;
    const res = await t.remote.exec(`echo start > ${t.sys}/state`);
    expect(res).toEqual({ stdout: '', stderr: 'bash: echo: write error: Invalid argument\n', code: 1 });
    expect(await bootLines(t, before)).toEqual([
      'remoteproc remoteproc0: powering up m4',
      'remoteproc remoteproc0: Image is corrupted (bad magic)',
      'remoteproc remoteproc0: Boot failed: -22',
    ]);
    expect((await t.remote.exec(`cat ${t.sys}/state`)).stdout).toBe('offline\n');
  });

  test('remoteproc.md §3.3 a devmem entry on STM32 (no IOMMU): Failed to process resources: -22', async () => {
    const t = await startBoard('virtual-mp157');
    const table = buildResourceTable({
      address: MP15.table,
      entries: [vdevEntry(), { type: 'devmem', da: 0x40000000, pa: 0x40000000, len: 0x1000, flags: 0, reserved: 0, name: 'uart' } as never],
    });
    const bytes = firmwareImage({ table });
    await deploy(t, 'devmem.elf', bytes);
    const before = (await dmesgText(t)).length;
    const res = await t.remote.exec(`echo start > ${t.sys}/state; echo "status $?"`);
    expect(res.stdout).toBe('status 1\n');
    expect(res.stderr).toBe('bash: echo: write error: Invalid argument\n');
    expect(await bootLines(t, before)).toEqual([
      'remoteproc remoteproc0: powering up m4',
      `remoteproc remoteproc0: Booting fw image devmem.elf, size ${bytes.length}`,
      'remoteproc remoteproc0: Failed to process resources: -22',
      'remoteproc remoteproc0: Boot failed: -22',
    ]);
  });

  test('remoteproc.md §3.3 no .resource_table on STM32: a warning, and the core runs without rpmsg', async () => {
    const t = await startBoard('virtual-mp157');
    await deploy(t, 'plain.elf', firmwareImage({ table: null }));
    const res = await t.remote.exec(`echo start > ${t.sys}/state && cat ${t.sys}/state`);
    expect(res).toEqual({ stdout: 'running\n', stderr: '', code: 0 });
    expect(await dmesgText(t)).toContain('remoteproc remoteproc0: no resource table found for this firmware');
    expect((await t.remote.exec(`cat ${t.dbg}/resource_table`)).stdout).toBe('No resource table found\n');
  });
});
