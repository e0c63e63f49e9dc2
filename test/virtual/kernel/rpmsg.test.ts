// remoteproc.md §6: rpmsg channels and /dev/ttyRPMSG<n> of the kernel model, with the behavioural firmware behind them.
import { MP15, MP25, dmesg, disposeBoards, exists, firmwareImage, makeBoard, openTty, start, stTable, until, vdevEntry, write, traceEntry, type TestBoard } from './fixtures';
import { buildResourceTable } from '../../../harness/firmware';

afterAll(disposeBoards);

async function running(name = 'virtual-mp157', info?: string): Promise<TestBoard> {
  const b = await makeBoard(name);
  const map = name === 'virtual-mp257' ? MP25 : MP15;
  await start(b, firmwareImage({ map, table: stTable(map), ...(info !== undefined ? { info } : {}) }));
  await until(b, () => exists(b, '/dev/ttyRPMSG0'), 'ttyRPMSG0');
  return b;
}

/** the tty whose channel answers `ping` with `pong` (DESIGN §6: find control by asking) */
async function ask(b: TestBoard, path: string, line: string): Promise<string> {
  const t = openTty(b, path);
  await t.stream.write(Buffer.from(`${line}\n`));
  await until(b, () => t.text().endsWith('\n'), `reply on ${path}`);
  t.stream.close();
  return t.text();
}

describe('remoteproc.md §6.3 rpmsg_tty', () => {
  test('remoteproc.md §6.3 one tty per rpmsg-tty channel, lowest free index: echo on ttyRPMSG0, control on ttyRPMSG1', async () => {
    const b = await running();
    await until(b, () => exists(b, '/dev/ttyRPMSG1'), 'ttyRPMSG1');
    expect(await ask(b, '/dev/ttyRPMSG0', 'ping')).toBe('ping\n');
    expect(await ask(b, '/dev/ttyRPMSG1', 'ping')).toBe('pong\n');
  });

  test('remoteproc.md §6.3 the control channel answers info with variant, build, soc, vrings and trace', async () => {
    const b = await running('virtual-mp157', 'variant=echo-trace build=20240801 control=1');
    await until(b, () => exists(b, '/dev/ttyRPMSG1'), 'ttyRPMSG1');
    expect(await ask(b, '/dev/ttyRPMSG1', 'info')).toBe('info variant=echo-trace build=20240801 soc=stm32mp15 vrings=16 trace=1\n');
  });

  test('remoteproc.md §6.3 a variant without control announces only the echo channel', async () => {
    const b = await running('virtual-mp157', 'variant=echo control=0');
    await new Promise((r) => setTimeout(r, 80));
    expect(b.fs.readdir('/dev').filter((n) => n.startsWith('ttyRPMSG'))).toEqual(['ttyRPMSG0']);
  });

  test('remoteproc.md §6.3 write splits at the 496-byte MTU: 1000 bytes go as 496 + 496 + 8', async () => {
    const b = await running();
    const sizes: number[] = [];
    b.cop.on('message', (m) => sizes.push(m.payload.length));
    const t = openTty(b, '/dev/ttyRPMSG0');
    const data = Buffer.alloc(1000, 0x61);
    await t.stream.write(data);
    await until(b, () => t.text().length === 1000, 'echo of 1000 bytes');
    expect(sizes).toEqual([496, 496, 8]);
    expect(t.text()).toBe(data.toString('latin1'));
  });

  test('remoteproc.md §6.3 ENOMEM when no TX buffer is free (a faulted firmware stops consuming)', async () => {
    // MP25: no watchdog wiring, so the kernel never learns of the hang (firmware.md §5.4)
    const b = await running('virtual-mp257');
    await until(b, () => exists(b, '/dev/ttyRPMSG1'), 'ttyRPMSG1');
    b.kernel.injectCrash('hardfault');
    const t = openTty(b, '/dev/ttyRPMSG0');
    const results: string[] = [];
    for (let i = 0; i < 17; i++) {
      results.push(await t.stream.write(Buffer.from('x')).then(() => 'ok', (e: { errno: string }) => e.errno));
    }
    expect(results.slice(0, 16)).toEqual(Array(16).fill('ok'));
    expect(results[16]).toBe('ENOMEM');
    expect(await write(b, `${b.sys}/state`, 'stop\n')).toBeNull();
  });

  test('remoteproc.md §6.3 stop hangs the tty up: readers get EOF, writes EIO, the node goes', async () => {
    const b = await running();
    const t = openTty(b, '/dev/ttyRPMSG0');
    expect(await write(b, `${b.sys}/state`, 'stop\n')).toBeNull();
    expect(t.hungUp()).toBe(true);
    await expect(t.stream.write(Buffer.from('x'))).rejects.toMatchObject({ errno: 'EIO' });
    expect(exists(b, '/dev/ttyRPMSG0')).toBe(false);
    expect(exists(b, '/dev/ttyRPMSG1')).toBe(false);
  });

  test('remoteproc.md §6.3 a channel name rpmsg_tty does not match gets a channel but no tty', async () => {
    const b = await makeBoard('virtual-mp157', (p) => ({ ...p, kernel: { ...p.kernel, ttyNames: ['rpmsg-tty-channel'] } }));
    const { mark } = await start(b, firmwareImage());
    await until(b, () => dmesg(b, mark).some((l) => l.endsWith('creating channel rpmsg-tty addr 0x1')), 'channels');
    await new Promise((r) => setTimeout(r, 80));
    expect(b.fs.readdir('/dev').filter((n) => n.startsWith('ttyRPMSG'))).toEqual([]);
  });

  test('remoteproc.md §6.2 without VIRTIO_RPMSG_F_NS nothing is announced and no tty appears', async () => {
    const b = await makeBoard();
    const table = buildResourceTable({ address: MP15.table, entries: [vdevEntry({ dfeatures: 0 }), traceEntry(MP15.log, MP15.logSize)] });
    const { mark } = await start(b, firmwareImage({ table }));
    await new Promise((r) => setTimeout(r, 80));
    expect(dmesg(b, mark).filter((l) => l.includes('creating channel'))).toEqual([]);
    expect(b.fs.readdir('/dev').filter((n) => n.startsWith('ttyRPMSG'))).toEqual([]);
  });

  test('remoteproc.md §6.3 writing through the fs (echo > /dev/ttyRPMSG0) reaches the firmware', async () => {
    const b = await running();
    const seen: string[] = [];
    b.cop.on('message', (m) => seen.push(Buffer.from(m.payload).toString()));
    expect(await write(b, '/dev/ttyRPMSG0', 'hello\n')).toBeNull();
    await until(b, () => seen.length === 1, 'echo');
    expect(seen).toEqual(['hello\n']);
  });
});

describe('a plain file where a tty node goes', () => {
  test('`cat > /dev/ttyRPMSG0` with no tty left a regular file: the next start keeps it (devtmpfs mknod EEXIST) and the second tty still appears', async () => {
    const b = await makeBoard();
    expect(await write(b, '/dev/ttyRPMSG0', 'typed while no tty existed\n')).toBeNull();
    await start(b, firmwareImage({ map: MP15, table: stTable(MP15) }));
    await until(b, () => exists(b, '/dev/ttyRPMSG1'), 'ttyRPMSG1');
    expect(b.fs.stat('/dev/ttyRPMSG0')?.type).toBe('file');
  });
});
