// The bench's farm (bench/hil-run.ts): virtual boards reached through an inventory the harness loads like a real farm's.
import * as fs from 'node:fs';
import * as net from 'node:net';
import { loadInventory } from '../../harness/config';
import { startFarm, type Farm } from '../../bench/hil-run';

let farm: Farm | undefined;
afterEach(async () => {
  await farm?.stop();
  farm = undefined;
});

describe('startFarm', () => {
  test('two boards get one inventory entry each, pinned to their own port and host key, with the timing asked for', async () => {
    farm = await startFarm(2, { timing: { execMs: 5 } });
    const inv = loadInventory(farm.inventory);
    expect(inv.instances.map((i) => i.name)).toEqual(['bench-1', 'bench-2']);
    for (const [i, inst] of inv.instances.entries()) {
      const board = farm.boards[i]?.board;
      expect(inst).toMatchObject({
        type: 'virtual-mp157',
        ssh: { host: '127.0.0.1', port: board?.ssh.port, user: 'root', hostKey: board?.ssh.hostKey },
        power: { backend: 'none' },
      });
      expect(board?.kernel.timing.current).toEqual({ startMs: 0, execMs: 5, rpmsgMs: 0 });
    }
    expect(new Set(farm.boards.map((b) => b.board.ssh.port)).size).toBe(2);
  });

  test('stop() ends the boards and removes their directory', async () => {
    const f = await startFarm(1);
    farm = f;
    const port = f.boards[0]?.board.ssh.port;
    await f.stop();
    farm = undefined;
    expect(fs.existsSync(f.dir)).toBe(false);
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port: port ?? 1 });
      s.on('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
