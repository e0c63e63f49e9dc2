// The board with H3's compiled test firmware (make -C firmware): the model runs the stm32mp15 build, the twin runs qemu-m4 in QEMU.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWithTools, TOOLS } from '../../helpers/tools';
import { deploy, dmesgText, startBoard, stopBoards, type TestBoard } from './board-fixture';
import { pollExec } from './ssh-client';

const root = path.resolve(__dirname, '../../..');
const elf = (port: string) => path.join(root, 'firmware', 'build', port, 'st-default.elf');

afterAll(stopBoards);

function ensureBuilt(port: string): Uint8Array {
  if (!fs.existsSync(elf(port))) execFileSync('make', ['-C', path.join(root, 'firmware')], { stdio: 'ignore' });
  return fs.readFileSync(elf(port));
}

async function startAndPing(t: TestBoard, image: Uint8Array): Promise<void> {
  await deploy(t, 'st-default.elf', image);
  const res = await t.remote.exec(`echo start > ${t.sys}/state; cat ${t.sys}/state`);
  expect(res).toEqual({ stdout: 'running\n', stderr: '', code: 0 });
  await pollExec(t.remote, 'ls /dev', /ttyRPMSG1/, 15000);
  const reader = await t.remote.stream('cat /dev/ttyRPMSG1');
  // DESIGN §6: the control channel answers ping with pong (the echo channel would answer ping)
  for (let i = 0; !reader.output().includes('pong'); i++) {
    if (i > 50) throw new Error(`no pong: ${JSON.stringify(reader.output())}`);
    await t.remote.exec('echo ping > /dev/ttyRPMSG1');
    await new Promise((r) => setTimeout(r, 100));
  }
  reader.close();
  const trace = await pollExec(t.remote, `cat ${t.dbg}/trace0`, /\]\[INFO \] /, 15000);
  expect(trace.stdout).toMatch(/^\[\d{5}\.\d{3}\]\[INFO \] /);
}

describeWithTools([TOOLS.armGcc, TOOLS.make], 'the compiled st-default firmware on virtual-mp157', () => {
  test('DESIGN §6 the stm32mp15 build boots on the model: ttys, ping/pong on control, ST-format trace0', async () => {
    const t = await startBoard('virtual-mp157');
    await startAndPing(t, ensureBuilt('stm32mp15'));
  }, 60_000);
});

describeWithTools([TOOLS.armGcc, TOOLS.make, TOOLS.qemu], 'the compiled st-default firmware on twin-mp157 (QEMU)', () => {
  test('DESIGN §5 twin: the qemu-m4 build runs in QEMU behind the same sysfs, ttys and trace; stop ends it', async () => {
    const t = await startBoard('twin-mp157');
    await startAndPing(t, ensureBuilt('qemu-m4'));
    expect(await dmesgText(t)).toContain('remoteproc remoteproc0: remote processor m4 is now up');
    expect((await t.remote.exec(`echo stop > ${t.sys}/state; cat ${t.sys}/state`)).stdout).toBe('offline\n');
  }, 60_000);
});
