// ConsoleCapture over a real pty pair (socat) and a TCP console: expect, cursors, log file, death strings, reopen (anchors.md §3.2).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SerialPort } from 'serialport';
import { ConsoleCapture, type DeathEvent } from '../../../harness/transports/serial';
import { describeWithTools, TOOLS } from '../../helpers/tools';
import { rejectionOf } from '../helpers/ssh-fixture';
import { closePort, openBoardSide, SocatPair, writeTo } from '../helpers/socat-pair';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const STAMPED = /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] /;

describeWithTools([TOOLS.socat], 'ConsoleCapture on a socat pty pair', () => {
  let dir: string;
  let pair: SocatPair;
  let board: SerialPort;
  let capture: ConsoleCapture | undefined;
  let logFile: string;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hil-console-'));
    logFile = path.join(dir, 'logs', 'console.log');
    pair = await SocatPair.start(path.join(dir, 'board'), path.join(dir, 'ttySTM0'));
    board = await openBoardSide(pair.boardPath);
  });
  afterEach(async () => {
    await capture?.close();
    capture = undefined;
    await closePort(board);
    await pair.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const open = async (extra: Partial<Parameters<typeof ConsoleCapture.open>[0]> = {}) => {
    capture = await ConsoleCapture.open({ target: { path: pair.consolePath }, logFile, baudRate: 115200, board: 'mp157-01', reopenDelayMs: { min: 20, max: 200 }, ...extra });
    return capture;
  };

  test('expect() finds lines the board prints, in order, and each line goes to the log with a timestamp', async () => {
    const c = await open();
    await writeTo(board, 'U-Boot 2023.10\r\nStarting kernel ...\r\n');
    await expect(c.expect(/Starting kernel/)).resolves.toMatchObject({ 0: 'Starting kernel' });
    await writeTo(board, '[    2.100000] remoteproc remoteproc0: m4 is available\r\n');
    const m = await c.expect(/remoteproc(\d+): (\w+) is available/, { phase: 'boot' });
    expect([m[1], m[2]]).toEqual(['0', 'm4']);
    const log = fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => l.length > 0);
    expect(log.every((l) => STAMPED.test(l))).toBe(true);
    expect(log.map((l) => l.replace(STAMPED, ''))).toEqual([
      `--- console ${pair.consolePath} opened ---`,
      'U-Boot 2023.10',
      'Starting kernel ...',
      '[    2.100000] remoteproc remoteproc0: m4 is available',
    ]);
  });

  test('a prompt without a newline is matched, and text before the cursor is not matched again', async () => {
    const c = await open();
    await writeTo(board, 'stm32mp1 login: ');
    await c.expect(/login: $/, { phase: 'login' });
    const err = await rejectionOf(c.expect(/login:/, { phase: 'login', timeoutMs: 200 }));
    expect(err.code).toBe('E_TIMEOUT');
    expect(err.message).toBe('console login timed out after 200 ms; last console line: stm32mp1 login:');
  });

  test('mark() and since() give exactly the console since the test began', async () => {
    const c = await open();
    await writeTo(board, 'before\n');
    await c.expect(/before\n/);
    const cursor = c.mark();
    await writeTo(board, 'during 1\r\nduring 2\r\n');
    await c.expect(/during 2\n/);
    expect(c.since(cursor)).toBe('during 1\nduring 2\n');
    await expect(c.expect(/during 1/, { since: cursor })).resolves.toBeTruthy();
  });

  test('death strings are emitted as events with the line, and deathsSince() finds them', async () => {
    const c = await open();
    const deaths: DeathEvent[] = [];
    c.on('death', (d) => deaths.push(d));
    await writeTo(board, 'fine\n');
    await c.expect(/fine/);
    const cursor = c.mark();
    await writeTo(board, '[   12.000000] remoteproc remoteproc0: crash detected in m4: type watchdog\n[   13.000000] Kernel panic - not syncing: Fatal exception\n');
    await c.expect(/Fatal exception/);
    expect(deaths.map((d) => [d.name, d.line])).toEqual([
      ['rproc-crash', '[   12.000000] remoteproc remoteproc0: crash detected in m4: type watchdog'],
      ['kernel-panic', '[   13.000000] Kernel panic - not syncing: Fatal exception'],
    ]);
    expect(c.deathsSince(cursor)).toHaveLength(2);
  });

  test('with failOnDeath, expect() fails at once on a panic instead of waiting out its budget (zephyr PR #47820)', async () => {
    const c = await open();
    const failed = rejectionOf(c.expect(/login:/, { phase: 'boot', timeoutMs: 20_000, failOnDeath: true }));
    await writeTo(board, '[    3.000000] Kernel panic - not syncing: VFS: Unable to mount root fs\n');
    const err = await failed;
    expect(err.code).toBe('E_REMOTE');
    expect(err.message).toBe('console boot: the board died while waiting for /login:/: [    3.000000] Kernel panic - not syncing: VFS: Unable to mount root fs');
  });

  test('writes reach the board', async () => {
    const c = await open();
    const got = new Promise<string>((resolve) => board.once('data', (d: Buffer) => resolve(d.toString())));
    await c.write('root\n');
    expect(await got).toBe('root\n');
  });

  test('when the device disappears, the capture reopens the same path and the log continues', async () => {
    const c = await open();
    await writeTo(board, 'first life\n');
    await c.expect(/first life/);
    const lost = new Promise<string>((resolve) => c.once('disconnected', resolve));
    const reopened = new Promise((resolve) => c.once('reopened', resolve));
    await closePort(board);
    await pair.stop();
    expect(await lost).toMatch(/^device disconnected/);
    pair = await SocatPair.start(pair.boardPath, pair.consolePath);
    board = await openBoardSide(pair.boardPath);
    await reopened;
    await writeTo(board, 'second life\n');
    await c.expect(/second life/);
    const log = fs.readFileSync(logFile, 'utf8').split('\n').map((l) => l.replace(STAMPED, ''));
    expect(log[1]).toBe('first life');
    expect(log[2]).toMatch(new RegExp(`^--- console ${escapeRe(pair.consolePath)} lost: device disconnected( \\(end of file\\))?; reopening ---$`));
    expect(log[3]).toMatch(new RegExp(`^--- console ${escapeRe(pair.consolePath)} reopened after \\d+ ms \\(\\d+ attempts?\\) ---$`));
    expect(log[4]).toBe('second life');
  });

  test('a device that never appears fails the open with E_TRANSPORT naming it', async () => {
    const missing = path.join(dir, 'no-such-tty');
    const err = await rejectionOf(ConsoleCapture.open({ target: missing, logFile, openTimeoutMs: 300, reopenDelayMs: { min: 20, max: 100 }, board: 'mp157-01' }));
    expect(err.code).toBe('E_TRANSPORT');
    expect(err.message).toMatch(new RegExp(`^cannot open console ${escapeRe(missing)} of board mp157-01 within 300 ms \\(\\d+ attempts\\): `));
  });
});
