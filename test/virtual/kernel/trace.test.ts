// remoteproc.md §4 + firmware.md §2: trace files of the kernel model over the behavioural firmware's log buffer.
import { MP15, disposeBoards, exists, firmwareImage, makeBoard, openTty, read, start, stTable, until, write, traceEntry, vdevEntry, type TestBoard } from './fixtures';
import { buildResourceTable } from '../../../harness/firmware';

afterAll(disposeBoards);

const LINE = /^\[\d{5}\.\d{3}\]\[(INFO |ERR {2}|WARN |DBG {2})\] .*$/;

async function control(b: TestBoard) {
  await until(b, () => exists(b, '/dev/ttyRPMSG1'), 'control tty');
  const t = openTty(b, '/dev/ttyRPMSG1');
  let replies = 0;
  return {
    async cmd(line: string): Promise<void> {
      await t.stream.write(Buffer.from(`${line}\n`));
      replies += 1;
      await until(b, () => t.text().split('\n').length - 1 >= replies, `reply to ${line}`);
    },
    text: t.text,
  };
}

describe('remoteproc.md §4 trace buffers', () => {
  test('remoteproc.md §4 trace0 exists while running and its first line names variant and build (DESIGN §6)', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage({ info: 'variant=echo-trace build=7f3a control=1' }));
    expect(b.fs.readdir(b.dbg)).toContain('trace0');
    expect(b.fs.stat(`${b.dbg}/trace0`)?.mode).toBe(0o400);
    const text = await read(b, `${b.dbg}/trace0`);
    const first = text.split('\n')[0] ?? '';
    expect(first).toMatch(LINE);
    expect(first).toMatch(/^\[00000\.\d{3}\]\[INFO \] rproc-hil test firmware variant=echo-trace build=7f3a port=stm32mp15 soc=stm32mp15$/);
  });

  test('remoteproc.md §4 without .fw_info the variant is the file name and the build the image hash prefix', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage({ info: null }), 'OpenAMP_TTY_echo.elf');
    expect((await read(b, `${b.dbg}/trace0`)).split('\n')[0]).toMatch(/ firmware variant=OpenAMP_TTY_echo build=[0-9a-f]{12} port=stm32mp15 soc=stm32mp15$/);
  });

  test('remoteproc.md §4 reads stop at the first NUL: the file holds exactly the lines written, nothing after', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    const c = await control(b);
    await c.cmd('log hello from the test');
    const lines = (await read(b, `${b.dbg}/trace0`)).split('\n');
    expect(lines[lines.length - 1]).toBe('');
    expect(lines.slice(0, -1).every((l) => LINE.test(l))).toBe(true);
    expect(lines[lines.length - 2]).toMatch(/\[INFO \] hello from the test$/);
    const raw = b.cop.readMemory(MP15.log, MP15.logSize);
    const text = await read(b, `${b.dbg}/trace0`);
    expect(raw?.[text.length]).toBe(0);
  });

  test('firmware.md §2.1 the log wraps to the start: after a wrap trace0 shows only the text written since', async () => {
    const b = await makeBoard();
    // every line the firmware prints, from its boot line on
    const written: string[] = [];
    b.cop.on('console', (l) => written.push(`${l}\n`));
    await start(b, firmwareImage());
    const c = await control(b);
    for (let i = 0; i < 30; i++) await c.cmd(`log line ${i} ${'x'.repeat(60)}`);
    const all = written.join('');
    expect(all.length).toBeGreaterThan(MP15.logSize);
    const visible = await read(b, `${b.dbg}/trace0`);
    // the buffer holds SZ-1 characters per cycle (the last byte is only ever a NUL)
    expect(visible.length).toBe(all.length % (MP15.logSize - 1));
    expect(all.endsWith(visible)).toBe(true);
  });

  test('remoteproc.md §4 trace files are removed on stop', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    expect(await write(b, `${b.sys}/state`, 'stop\n')).toBeNull();
    expect(b.fs.readdir(b.dbg)).not.toContain('trace0');
    expect(await read(b, `${b.dbg}/name`)).toBe('m4\n');
  });

  test('remoteproc.md §4 a trace da outside every region boots, and trace0 reads "Trace  not available" (two spaces)', async () => {
    const b = await makeBoard();
    const table = buildResourceTable({ address: MP15.table, entries: [vdevEntry(), traceEntry(0x20000000, 0x800)] });
    expect((await start(b, firmwareImage({ table }))).errno).toBeNull();
    expect(await read(b, `${b.dbg}/trace0`)).toBe('Trace  not available\n');
  });

  test('remoteproc.md §3.2 trace files are named trace0, trace1... in table order, whatever their names', async () => {
    const b = await makeBoard();
    const table = stTable(MP15, [traceEntry(0x10030000, 0x100, 'second')]);
    await start(b, firmwareImage({ table }));
    expect(b.fs.readdir(b.dbg).filter((n) => n.startsWith('trace')).sort()).toEqual(['trace0', 'trace1']);
    expect(await read(b, `${b.dbg}/trace1`)).toBe('');
  });

  test('remoteproc.md §4 recovery disabled: after a crash trace0 still shows the pre-crash log', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    await write(b, `${b.sys}/recovery`, 'disabled\n');
    const c = await control(b);
    await c.cmd('crash watchdog');
    await until(b, async () => (await read(b, `${b.sys}/state`)) === 'crashed\n', 'crashed');
    expect(await read(b, `${b.dbg}/trace0`)).toMatch(/\[ERR {2}\] crash watchdog requested\n$/);
  });

  test('remoteproc.md §4 recovery enabled: the reload clears the log, trace0 shows the new boot only', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    const c = await control(b);
    await c.cmd('log before the crash');
    await c.cmd('crash watchdog');
    await until(b, () => b.kernel.dmesgLines().filter((l) => l.endsWith('remote processor m4 is now up')).length === 2, 'recovered');
    const text = await read(b, `${b.dbg}/trace0`);
    expect(text).not.toContain('before the crash');
    expect(text).toMatch(/^\[\d{5}\.\d{3}\]\[INFO \] rproc-hil test firmware variant=/);
  });
});
