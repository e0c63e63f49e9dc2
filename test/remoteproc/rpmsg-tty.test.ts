// RPMsg tty client against the virtual board's behavioural firmware in-process (remoteproc.md §6.3, DESIGN §6).
import { RemoteprocDriver, openChannels, burstMessage, latencyStats, type RpmsgChannels } from '../../harness/remoteproc';
import { disposeBoards, firmwareImage, makeBoard } from '../virtual/kernel/fixtures';
import { InProcessRunner } from './in-process-runner';

let ch: RpmsgChannels | undefined;
afterEach(() => ch?.close());
afterAll(disposeBoards);

async function channels(info = 'control=1', n = 2): Promise<RpmsgChannels> {
  const b = await makeBoard();
  const runner = new InProcessRunner(b);
  const driver = new RemoteprocDriver({ runner, profile: b.profile, board: 'virtual-mp157', pollMs: 5 });
  await driver.deploy(firmwareImage({ info }), 'fw.elf');
  await driver.setFirmware('fw.elf');
  await driver.start();
  const ttys = await driver.waitForTtys(n, { timeoutMs: 3000 });
  ch = await openChannels(runner, ttys, { timeoutMs: 3000, board: 'virtual-mp157' });
  return ch;
}

test('DESIGN §6 echo and control are told apart by asking ping, not by number', async () => {
  const c = await channels();
  expect(c.echo.device).toBe('/dev/ttyRPMSG0');
  expect(c.control?.device).toBe('/dev/ttyRPMSG1');
  expect(await c.control?.command('info', { timeoutMs: 3000 })).toMatch(/^info variant=\S+ build=\S+ soc=stm32mp15 vrings=16 trace=1$/);
});

test('DESIGN §6 a firmware without control has only the echo channel', async () => {
  const c = await channels('control=0', 1);
  expect(c.echo.device).toBe('/dev/ttyRPMSG0');
  expect(c.control).toBeUndefined();
});

test('remoteproc.md §6.3 echo returns the same bytes, binary included (raw mode: no ONLCR, no echo)', async () => {
  const c = await channels();
  const payload = Buffer.from([0x00, 0x0a, 0x0d, 0xff, 0x03, 0x1b, 0x41]);
  expect(await c.echo.echo(payload, { timeoutMs: 3000 })).toBeGreaterThanOrEqual(0);
  expect(await c.echo.echo('x'.repeat(496), { timeoutMs: 3000 })).toBeGreaterThanOrEqual(0);
});

test('DESIGN §6 echo on the control channel: what came back differs, and the message shows both', async () => {
  const c = await channels();
  await expect(c.control?.echo('no newline', { timeoutMs: 3000 })).rejects.toThrow('echo on /dev/ttyRPMSG1 came back different at byte 0: sent "no newline", got "error unkn"');
});

test('a short reply times out naming the phase, the budget and what arrived', async () => {
  const c = await channels();
  // `log <text>` answers `ok` (3 bytes), never the 14 bytes an echo waits for
  await expect(c.control?.echo('log abcdefghij', { timeoutMs: 100 })).rejects.toThrow(
    'phase "rpmsg" ran out of its 100 ms budget on virtual-mp157 waiting for the echo of 14 bytes on /dev/ttyRPMSG1; received so far: "ok\\n"',
  );
});

test('a pipelined burst with a window: every message back, in order, none corrupted; stats are computed', async () => {
  const c = await channels();
  const r = await c.echo.burst(64, 128, 8, { timeoutMs: 3000 });
  expect(r).toMatchObject({ sent: 64, received: 64, lost: 0, outOfOrder: 0, corrupted: 0 });
  expect(r.latency.count).toBe(64);
  expect(r.latency.p50).toBeLessThanOrEqual(r.latency.p95);
  expect(r.latency.p99).toBeLessThanOrEqual(r.latency.max);
  expect(r.bytesPerSecond).toBeGreaterThan(0);
});

test('burst arguments out of range are refused with the allowed range', async () => {
  const c = await channels();
  await expect(c.echo.burst(10, 4, 1, { timeoutMs: 100 })).rejects.toThrow('burst message size 4 refused: use 8..65536 bytes');
  await expect(c.echo.burst(0, 64, 1, { timeoutMs: 100 })).rejects.toThrow('burst count 0 refused: use 1..1000000');
});

test('burst messages carry their sequence number and differ from each other', () => {
  expect(burstMessage(0x2a, 12).toString('latin1')).toBe('0000002ayzab');
  expect(burstMessage(1, 64).equals(burstMessage(2, 64))).toBe(false);
});

test('nearest-rank percentiles', () => {
  const s = latencyStats(Array.from({ length: 100 }, (_, i) => 100 - i));
  expect(s).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
  expect(latencyStats([]).count).toBe(0);
});
