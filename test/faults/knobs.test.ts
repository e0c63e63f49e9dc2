// The fault knobs this matrix added to the virtual board (harness/virtual/faults.ts): parsing, one-shot behaviour, reboot.
import { powerCycleAndReconnect } from '../../harness/board/recover';
import { parseFaultAssignment } from '../../harness/virtual/faults';
import { messagesOf } from '../../harness/virtual/tty-tap';
import { firmwareImage } from '../virtual/kernel/fixtures';
import { coreBoard, rejectionOf, startRig, type FaultRig } from './rig';

let rig: FaultRig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

test('the new knobs parse like the others (npm run board -- --fault NAME=VALUE)', () => {
  expect(parseFaultAssignment('hangNextStart')).toEqual(['hangNextStart', true]);
  expect(parseFaultAssignment('crashAfterMessages=300')).toEqual(['crashAfterMessages', 300]);
  expect(parseFaultAssignment('unplugConsoleMs=2000')).toEqual(['unplugConsoleMs', 2000]);
  expect(() => parseFaultAssignment('crashAfterMessages=many')).toThrow('fault crashAfterMessages needs a whole number >= 0, e.g. crashAfterMessages=200 (got "crashAfterMessages=many")');
});

test('a tty write becomes one rpmsg message per 496 bytes (remoteproc.md §6.3), as the crash counter counts them', () => {
  expect([0, 1, 496, 497, 1000].map(messagesOf)).toEqual([0, 1, 1, 2, 3]);
});

test('hangNextStart holds every start until a power cycle; after it the same firmware starts', async () => {
  rig = await startRig('knob-hang');
  const c = await coreBoard(rig, { tweak: (p) => ({ ...p, timeouts: { ...p.timeouts, start: 500 } }) });
  const rp = c.board.remoteproc;
  await rp.deploy(firmwareImage(), 'rproc-hil-knob.elf');
  await rp.setFirmware('rproc-hil-knob.elf');
  await rig.vb.setFault('hangNextStart', true);
  expect((await rejectionOf(rp.start())).code).toBe('E_TIMEOUT');
  expect(rig.vb.faults.hangNextStart).toBe(true);
  await powerCycleAndReconnect({ board: 'fault-dk2', power: rig.vb.power, probe: () => c.ssh.exec('true') }, 'hung start');
  expect(rig.vb.faults.hangNextStart).toBe(false);
  await rp.setFirmware('rproc-hil-knob.elf');
  await rp.start();
  expect(await rp.state()).toBe('running');
});

test('crashAfterMessages counts down with each message and fires once', async () => {
  rig = await startRig('knob-crash');
  const c = await coreBoard(rig);
  const rp = c.board.remoteproc;
  await rp.deploy(firmwareImage(), 'rproc-hil-knob.elf');
  await rp.setFirmware('rproc-hil-knob.elf');
  await rp.start();
  const [tty] = await rp.waitForTtys(2);
  await rig.vb.setFault('crashAfterMessages', 3);
  // 600 bytes = 2 messages; the next one crashes the core (the watchdog reports it, recovery restarts it)
  expect((await c.ssh.exec(`cat > ${tty}`, { stdin: Buffer.alloc(600, 0x61) })).code).toBe(0);
  expect(rig.vb.faults.crashAfterMessages).toBe(1);
  await c.ssh.exec(`cat > ${tty}`, { stdin: 'x' });
  expect(rig.vb.faults.crashAfterMessages).toBe(0);
  let dmesg = '';
  for (let i = 0; i < 100 && !/crash detected[\s\S]*is now up/.test(dmesg); i++) {
    await new Promise((r) => setTimeout(r, 30));
    dmesg = (await c.ssh.exec('dmesg')).stdout;
  }
  expect(dmesg.match(/crash detected in m4: type watchdog/g)).toHaveLength(1);
  await rp.waitForTtys(2); // the recovered firmware's ttys (writing before they exist would create a plain file)
  await c.ssh.exec(`cat > ${tty}`, { stdin: 'x' });
  await new Promise((r) => setTimeout(r, 100));
  expect((await c.ssh.exec('dmesg')).stdout.match(/crash detected in m4/g)).toHaveLength(1); // one-shot: the knob is spent
});
