// DESIGN §3: a farm inventory entry of type stm32mp157f-dk2 pointing at a running virtual board works exactly like a real DK2.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveBoard } from '../../harness/config';
import { connectBoard, type ConnectedBoard } from '../../harness/board/connect';
import { startFarm, rejectionOf, type Farm } from './virtual-farm';

let farm: Farm;
let farmFile: string;
const opened: ConnectedBoard[] = [];

beforeAll(async () => {
  farm = await startFarm('inventory');
  const { ssh, console: con } = farm.vb;
  const consoleTcp = 'tcp' in con ? con.tcp : '';
  farmFile = path.join(farm.stateDir, 'farm.yaml');
  // what a user writes after `npm run board` printed its READY line; nothing in it says "virtual"
  fs.writeFileSync(
    farmFile,
    [
      'boards:',
      '  lab-dk2-9:',
      '    type: stm32mp157f-dk2',
      `    ssh: { host: ${ssh.host}, port: ${ssh.port}, user: ${ssh.user}, privateKey: ${ssh.privateKey}, hostKey: "${ssh.hostKey}" }`,
      `    console: { tcp: "${consoleTcp}" }`,
      '    power: { backend: none }',
      '',
    ].join('\n'),
  );
}, 30_000);

afterAll(async () => {
  for (const c of opened) c.board.lease.stopHeartbeat();
  await Promise.allSettled(opened.map((c) => c.close()));
  await farm?.stop();
});

test('--board mp157 resolves to the inventory instance; lease, health (all four checks) and release pass over SSH', async () => {
  const resolved = await resolveBoard('mp157', { farmFile });
  expect(resolved).toMatchObject({ name: 'lab-dk2-9', via: 'alias', profile: { name: 'stm32mp157f-dk2' } });
  const c = await connectBoard(resolved, { consoleLog: path.join(farm.stateDir, 'lab-dk2-9.log'), lease: { owner: 'int', host: 'h11', pid: 7, leaseWaitS: 0 } });
  opened.push(c);
  expect(c.console?.isOpen).toBe(true);
  await c.board.acquire();
  const report = await c.board.prepare();
  expect(report.checks.map((x) => `${x.name}:${x.status}`)).toEqual(['ssh:pass', 'remoteproc:pass', 'compatible:pass', 'firmware-space:pass']);
  expect(c.board.power.backend).toBe('none');
  await expect(c.board.power.cycle()).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/^board lab-dk2-9 can't be power cycled: its inventory entry has power: \{ backend: none \}/) });
  expect(await c.board.release()).toMatchObject({ lease: { removed: true } });
}, 30_000);

test('a board resolved to a profile only (no inventory entry) cannot be connected: the message says where to add it', async () => {
  const resolved = await resolveBoard('stm32mp157f-dk2', { farmFile });
  const e = await rejectionOf(connectBoard(resolved));
  expect(e.code).toBe('E_CONFIG');
  expect(e.message).toBe(
    'board stm32mp157f-dk2 has no farm inventory entry, so there is no way to reach it; add it under boards: in the file given by --farm or HIL_FARM, or start a virtual board with `npm run board`',
  );
});

test('power: { backend: virtual } without the in-process switch is refused when connecting', async () => {
  const e = await rejectionOf(connectBoard({ name: 'vmp157-01', profile: farm.vb.profile, instance: farm.instance() }));
  expect(e.code).toBe('E_CONFIG');
  expect(e.message).toMatch(/^board vmp157-01 has power: \{ backend: virtual \} but no in-process virtual board was given/);
});
