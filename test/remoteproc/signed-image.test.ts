// MP25 TEE mode (reference/firmware.md §7): the profile's sign command makes the image; fw_format TEE vs an ELF profile.
import { RemoteprocDriver } from '../../harness/remoteproc';
import { disposeBoards, firmwareImage, makeBoard, MP25 } from '../virtual/kernel/fixtures';
import type { BoardProfile } from '../../harness/config';
import { InProcessRunner } from './in-process-runner';

afterAll(disposeBoards);

const signed = (signCommand: string) => (p: BoardProfile): BoardProfile => ({ ...p, firmware: { ...p.firmware, format: 'tee-signed', signCommand } });

test('firmware.md §7 tee-signed profile: deployImage runs the sign command on the host and uploads its output', async () => {
  const b = await makeBoard('virtual-mp257', signed("printf 'SIGNED:' > {out} && cat {in} >> {out}"));
  const driver = new RemoteprocDriver({ runner: new InProcessRunner(b), profile: b.profile, board: 'virtual-mp257' });
  const elf = firmwareImage({ map: MP25 });
  const r = await driver.deployImage(elf, 'fw_sign.bin');
  expect(r).toMatchObject({ format: 'TEE', path: '/lib/firmware/fw_sign.bin', skipped: false });
  const onBoard = Buffer.from(await b.fs.readFile('/lib/firmware/fw_sign.bin'));
  expect(onBoard.subarray(0, 7).toString('latin1')).toBe('SIGNED:');
  expect(onBoard.subarray(7).equals(Buffer.from(elf))).toBe(true);
});

test('a failing sign command is an E_TOOL naming the command, its stderr and what to check', async () => {
  const b = await makeBoard('virtual-mp257', signed('echo "key not found: keys/default.pem" >&2; exit 3'));
  const driver = new RemoteprocDriver({ runner: new InProcessRunner(b), profile: b.profile, board: 'virtual-mp257' });
  await expect(driver.deployImage(firmwareImage({ map: MP25 }), 'fw_sign.bin')).rejects.toMatchObject({
    code: 'E_TOOL',
    message: expect.stringMatching(/^signing the firmware for virtual-mp257 failed: echo "key not found: keys\/default.pem" >&2; exit 3\nkey not found: keys\/default.pem\nCheck the profile's firmware.signCommand/),
  });
  expect(b.fs.readdir('/lib/firmware').filter((n) => n.startsWith('fw_sign'))).toEqual([]);
});

test('an ELF profile deploys the ELF unchanged; boards without fw_format report undefined', async () => {
  const b = await makeBoard('virtual-mp157');
  const driver = new RemoteprocDriver({ runner: new InProcessRunner(b), profile: b.profile, board: 'virtual-mp157' });
  expect(await driver.firmwareFormat()).toBeUndefined();
  const elf = firmwareImage();
  expect(await driver.deployImage(elf, 'fw.elf')).toMatchObject({ format: 'ELF' });
  expect(Buffer.from(await b.fs.readFile('/lib/firmware/fw.elf')).equals(Buffer.from(elf))).toBe(true);
});
