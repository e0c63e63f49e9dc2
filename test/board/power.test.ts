// Power backends picked by name: command (host shell, timeout, cycle = off + on), none (refuses), virtual (the board's switch).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { powerBackend } from '../../harness/board';
import { ConfigError, InfraError } from '../../harness/errors';
import { BoardPower } from '../../harness/virtual';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rproc-hil-power-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('command backend', () => {
  test('on/off run on the harness host; cycle without a cycle command is off then on', async () => {
    const log = path.join(dir, 'pdu.log');
    const p = powerBackend({ backend: 'command', on: `echo "on $HIL_BOARD" >> ${log}`, off: `echo "off $HIL_BOARD" >> ${log}` }, { board: 'lab-dk2-1' });
    expect(p.backend).toBe('command');
    await p.on();
    await p.off();
    await p.cycle();
    expect(fs.readFileSync(log, 'utf8')).toBe('on lab-dk2-1\noff lab-dk2-1\noff lab-dk2-1\non lab-dk2-1\n');
  });

  test('cycle uses the cycle command when there is one', async () => {
    const log = path.join(dir, 'cycle.log');
    const p = powerBackend({ backend: 'command', on: 'false', off: 'false', cycle: `echo cycled > ${log}` }, { board: 'lab-dk2-1' });
    await p.cycle();
    expect(fs.readFileSync(log, 'utf8')).toBe('cycled\n');
  });

  test('`true` succeeds; `false` fails with the command, the status and what to check', async () => {
    const p = powerBackend({ backend: 'command', on: 'true', off: 'echo relay stuck >&2; false' }, { board: 'lab-dk2-1' });
    await expect(p.on()).resolves.toBeUndefined();
    const e = await p.off().catch((err: unknown) => err);
    expect(e).toBeInstanceOf(InfraError);
    expect(e).toMatchObject({ code: 'E_TOOL', details: { board: 'lab-dk2-1', phase: 'power off', code: 1 } });
    expect((e as Error).message).toBe('power off of board lab-dk2-1 failed: "echo relay stuck >&2; false" exited with status 1; output: relay stuck. Check the power: commands in the farm inventory');
  });

  test('a command that hangs is killed at its budget (E_TIMEOUT naming the phase)', async () => {
    const marker = path.join(dir, 'late');
    const p = powerBackend({ backend: 'command', on: `sleep 5; touch ${marker}`, off: 'true' }, { board: 'lab-dk2-1', timeoutMs: 200 });
    await expect(p.on()).rejects.toThrow('power on of board lab-dk2-1 ran out of its 200 ms budget running "sleep 5; touch ' + marker + '"; output so far: (none)');
    expect(fs.existsSync(marker)).toBe(false);
  });
});

describe('none backend', () => {
  test('on is a no-op; cycle and off are refused saying what to configure', async () => {
    const p = powerBackend({ backend: 'none' }, { board: 'lab-dk2-1' });
    await expect(p.on()).resolves.toBeUndefined();
    const e = await p.cycle().catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toBe(
      'board lab-dk2-1 can\'t be power cycled: its inventory entry has power: { backend: none }; give it power: { backend: command, on: "...", off: "..." } in the farm inventory to allow it',
    );
    await expect(p.off()).rejects.toThrow("board lab-dk2-1 can't be powered off");
  });
});

describe('virtual backend', () => {
  test('drives the switch it is given', async () => {
    const seen: string[] = [];
    const sw = new BoardPower({ cut: async () => void seen.push('cut'), restore: async () => void seen.push('restore') });
    const p = powerBackend({ backend: 'virtual' }, { board: 'virtual-mp157', virtual: sw });
    await p.off();
    expect(sw.state).toBe('off');
    await p.on();
    expect(sw.state).toBe('on');
    await p.cycle();
    expect(seen).toEqual(['cut', 'restore', 'cut', 'restore']);
  });

  test('without an in-process board it is a configuration error', () => {
    expect(() => powerBackend({ backend: 'virtual' }, { board: 'lab-dk2-1' })).toThrow(
      'board lab-dk2-1 has power: { backend: virtual } but no in-process virtual board was given; that backend only works for a board started by the harness itself (use backend: none or command for a board reached over the network)',
    );
  });
});
