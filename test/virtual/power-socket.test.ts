// The virtual board's power switch on a unix socket (CONTRACT-6 "Virtual board power across processes"): protocol, READY json, client backend.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { powerBackend } from '../../harness/board';
import { virtualPower } from '../../harness/board/power/virtual';
import { loadInventory } from '../../harness/config';
import { BoardPower } from '../../harness/virtual';
import { parsePowerCommand, powerSocketPath, startPowerSocket, type PowerSocketServer } from '../../harness/virtual/power-socket';
import { startBoard, stopBoards } from './conformance/board-fixture';
import { Remote } from './conformance/ssh-client';

let dir: string;
const servers: PowerSocketServer[] = [];
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psock-'));
});
afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await stopBoards();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** sends raw bytes and collects what the server answers until it has `lines` lines */
function talk(socket: string, text: string, lines = 1): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socket, () => sock.write(text));
    let got = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      got += d;
      if (got.split('\n').length - 1 >= lines) {
        sock.destroy();
        resolve(got);
      }
    });
    sock.on('error', reject);
    sock.on('close', () => resolve(got));
  });
}

function recordingSwitch(): { sw: BoardPower; seen: string[] } {
  const seen: string[] = [];
  const sw = new BoardPower({ cut: async () => void seen.push('cut'), restore: async () => void seen.push('restore') });
  return { sw, seen };
}

async function serve(name: string, sw: BoardPower): Promise<PowerSocketServer> {
  const s = await startPowerSocket(path.join(dir, name, 'power.sock'), sw);
  servers.push(s);
  return s;
}

describe('line protocol', () => {
  test('on, off and cycle answer ok and switch; several lines on one connection answer in order', async () => {
    const { sw, seen } = recordingSwitch();
    const s = await serve('a', sw);
    expect(await talk(s.path, 'off\n')).toBe('ok\n');
    expect(sw.state).toBe('off');
    expect(await talk(s.path, 'on\ncycle\ncycle 5\n', 3)).toBe('ok\nok\nok\n');
    expect(sw.state).toBe('on');
    expect(seen).toEqual(['cut', 'restore', 'cut', 'restore', 'cut', 'restore']);
  });

  test('unknown commands and bad cycle times get one error line and switch nothing', async () => {
    const { sw, seen } = recordingSwitch();
    const s = await serve('b', sw);
    expect(await talk(s.path, 'reboot\n')).toBe('error unknown command "reboot"; commands are on, off, cycle [MS]\n');
    expect(await talk(s.path, 'cycle soon\n')).toBe('error cycle takes an off time in milliseconds (0..600000), not "soon"\n');
    expect(await talk(s.path, 'cycle 9999999\n')).toBe('error cycle takes an off time in milliseconds (0..600000), not "9999999"\n');
    expect(await talk(s.path, 'on now\n')).toBe('error unknown command "on now"; commands are on, off, cycle [MS]\n');
    expect(seen).toEqual([]);
  });

  test('a line without end longer than 64 bytes is refused and the connection closed', async () => {
    const { sw } = recordingSwitch();
    const s = await serve('c', sw);
    expect(await talk(s.path, 'x'.repeat(5000))).toBe('error line longer than 64 bytes\n');
  });

  test('a failing switch answers error with its message on one line', async () => {
    const sw = new BoardPower({ cut: async () => Promise.reject(new Error('relay\nstuck')), restore: async () => undefined });
    const s = await serve('d', sw);
    expect(await talk(s.path, 'off\n')).toBe('error relay stuck\n');
  });

  test('parsePowerCommand accepts exactly on, off, cycle and cycle MS', () => {
    expect(parsePowerCommand('on')).toEqual({ op: 'on' });
    expect(parsePowerCommand(' off ')).toEqual({ op: 'off' });
    expect(parsePowerCommand('cycle')).toEqual({ op: 'cycle', offMs: 0 });
    expect(parsePowerCommand('cycle 250')).toEqual({ op: 'cycle', offMs: 250 });
    expect(parsePowerCommand('cycle 1 2')).toHaveProperty('error');
    expect(parsePowerCommand('')).toHaveProperty('error');
  });
});

describe('socket file', () => {
  test('a stale file left by a killed board is replaced; a live one is refused naming --state-dir', async () => {
    const file = path.join(dir, 'stale', 'power.sock');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '');
    const { sw } = recordingSwitch();
    const s = await serve('stale', sw);
    expect(await talk(s.path, 'on\n')).toBe('ok\n');
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    await expect(startPowerSocket(file, sw)).rejects.toThrow(`another virtual board is already serving its power switch on ${file}; two boards can't share a state directory: give this one its own (--state-dir DIR)`);
    await s.close();
    expect(fs.existsSync(file)).toBe(false);
  });

  test('a state dir too deep for a unix socket path gets a short stable path in the temp dir', () => {
    const deep = path.join(dir, 'd'.repeat(120));
    expect(powerSocketPath(path.join(dir, 'short'))).toBe(path.join(dir, 'short', 'power.sock'));
    const p = powerSocketPath(deep);
    expect(p).toMatch(new RegExp(`^${os.tmpdir()}/rproc-hil-power-[0-9a-f]{16}\\.sock$`));
    expect(powerSocketPath(deep)).toBe(p);
    expect(Buffer.byteLength(p)).toBeLessThan(108);
  });
});

describe('the virtual power backend over the socket', () => {
  test('without a socket or switch the error names both ways', () => {
    expect(() => virtualPower({ board: 'lab-dk2-1' })).toThrow('or for a virtual board in another process named by its power socket: power: { backend: virtual, socket: PATH } (PATH from its READY line)');
  });

  test('a socket nobody serves is an E_TRANSPORT error asking whether the board still runs', async () => {
    const p = virtualPower({ board: 'vdk2' }, { socket: path.join(dir, 'nobody.sock') });
    await expect(p.on()).rejects.toMatchObject({
      code: 'E_TRANSPORT',
      message: `power on of board vdk2 failed: cannot reach the virtual board's power socket ${path.join(dir, 'nobody.sock')} (ENOENT): nothing is listening there: is the virtual board still running?`,
    });
  });

  test('an error answer becomes an E_TOOL error carrying the board\'s text', async () => {
    const sw = new BoardPower({ cut: async () => Promise.reject(new Error('stuck')), restore: async () => undefined });
    const s = await serve('e', sw);
    await expect(virtualPower({ board: 'vdk2' }, { socket: s.path }).off()).rejects.toMatchObject({
      code: 'E_TOOL',
      message: 'power off of board vdk2 failed: the virtual board answered: stuck',
    });
  });

  test('a started board serves <stateDir>/power.sock, names it in readyJson, and a farm inventory entry switches it', async () => {
    const t = await startBoard('virtual-mp157', { console: 'tcp' });
    expect(t.board.powerSocket).toBe(path.join(t.stateDir, 'power.sock'));
    expect(JSON.parse(t.board.readyJson()).power).toEqual({ backend: 'virtual', socket: t.board.powerSocket });

    const farm = path.join(dir, 'farm.yaml');
    const s = t.board.ssh;
    fs.writeFileSync(
      farm,
      `boards:\n  vdk2:\n    type: stm32mp157f-dk2\n    ssh: { host: 127.0.0.1, port: ${s.port}, user: root, privateKey: ${s.privateKey}, hostKey: "${s.hostKey}" }\n` +
        `    power: { backend: virtual, socket: ${t.board.powerSocket} }\n`,
    );
    const instance = loadInventory(farm).instances[0];
    expect(instance?.power).toEqual({ backend: 'virtual', socket: t.board.powerSocket });
    const p = virtualPower({ board: 'vdk2' }, instance?.power.backend === 'virtual' ? instance.power : {});
    const closed = t.remote.closed();
    await p.off();
    await closed;
    expect(t.board.power.state).toBe('off');
    await p.on();
    expect(t.board.power.state).toBe('on');
    const again = await Remote.connect(t.board.ssh);
    expect((await again.exec('cat /sys/class/remoteproc/remoteproc0/state')).stdout).toBe('offline\n');
    again.close();
    await p.cycle();
    expect(t.board.power.state).toBe('on');
    await t.board.stop();
    expect(fs.existsSync(path.join(t.stateDir, 'power.sock'))).toBe(false);
  });

  test('the in-process switch wins over a socket (powerBackend keeps working without one)', async () => {
    const { sw, seen } = recordingSwitch();
    const p = powerBackend({ backend: 'virtual' }, { board: 'virtual-mp157', virtual: sw });
    await p.cycle();
    expect(seen).toEqual(['cut', 'restore']);
  });
});

describe('inventory power entries', () => {
  function load(power: string): unknown {
    const farm = path.join(dir, `inv-${Math.random().toString(16).slice(2)}.yaml`);
    fs.writeFileSync(farm, `boards:\n  b1:\n    type: stm32mp157f-dk2\n    ssh: { host: 127.0.0.1, privateKey: /k, hostKey: "SHA256:${'A'.repeat(43)}" }\n    power: ${power}\n`);
    return loadInventory(farm).instances[0]?.power;
  }

  test('backend virtual takes an absolute socket path (or none: the in-process board)', () => {
    expect(load('{ backend: virtual, socket: /run/vb/power.sock }')).toEqual({ backend: 'virtual', socket: '/run/vb/power.sock' });
    expect(load('{ backend: virtual }')).toEqual({ backend: 'virtual' });
  });

  test('a relative socket path, or a socket on another backend, names the key', () => {
    expect(() => load('{ backend: virtual, socket: power.sock }')).toThrow(/boards\.b1\.power\.socket/);
    expect(() => load('{ backend: virtual, socket: power.sock }')).toThrow(/the absolute path of a virtual board's power socket/);
    expect(() => load('{ backend: none, socket: /x.sock }')).toThrow(/no value: only backend "virtual" has a power socket/);
  });
});
