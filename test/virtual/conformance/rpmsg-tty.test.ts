// remoteproc.md §1.3 / §6.3 and DESIGN §6 over SSH: ttys appear after start; a long-running `cat` stream sees the echo.
import { firmwareImage } from '../kernel/fixtures';
import { deploy, connectAgain, dmesgText, startBoard, stopBoards } from './board-fixture';
import { pollExec } from './ssh-client';

afterAll(stopBoards);

describe('remoteproc.md §6.3 rpmsg ttys over SSH', () => {
  test('remoteproc.md §1.3 /dev/ttyRPMSG0 and 1 appear asynchronously after start, with "creating channel rpmsg-tty" lines', async () => {
    const t = await startBoard('virtual-mp157');
    await deploy(t, 'fw.elf', firmwareImage({ info: 'control=1' }));
    const res = await t.remote.exec(`echo start > ${t.sys}/state; ls /dev | grep ttyRPMSG; echo end`);
    expect(res.stdout).toBe('end\n'); // the write returned before the firmware announced its channels
    await pollExec(t.remote, 'ls /dev', /ttyRPMSG0\nttyRPMSG1\n/);
    expect(await dmesgText(t)).toEqual(expect.arrayContaining([
      'virtio_rpmsg_bus virtio0: creating channel rpmsg-tty addr 0x0',
      'virtio_rpmsg_bus virtio0: creating channel rpmsg-tty addr 0x1',
    ]));
  });

  test('DESIGN §6 echo channel: `cat /dev/ttyRPMSG0` on one channel sees what `echo` writes on another', async () => {
    const t = await startBoard('virtual-mp157');
    await deploy(t, 'fw.elf', firmwareImage({ info: 'control=1' }));
    await t.remote.exec(`echo start > ${t.sys}/state`);
    await pollExec(t.remote, 'ls /dev', /ttyRPMSG1/);
    const reader = await t.remote.stream('cat /dev/ttyRPMSG0');
    const other = await connectAgain(t.board);
    expect(await other.exec('echo hello-rpmsg > /dev/ttyRPMSG0')).toEqual({ stdout: '', stderr: '', code: 0 });
    await reader.waitFor('hello-rpmsg\n');
    reader.close();
  });

  test('DESIGN §6 control channel answers ping with pong; the tty hangs up when the core stops', async () => {
    const t = await startBoard('virtual-mp157');
    await deploy(t, 'fw.elf', firmwareImage({ info: 'control=1' }));
    await t.remote.exec(`echo start > ${t.sys}/state`);
    await pollExec(t.remote, 'ls /dev', /ttyRPMSG1/);
    const reader = await t.remote.stream('cat /dev/ttyRPMSG1');
    await t.remote.exec('echo ping > /dev/ttyRPMSG1');
    await reader.waitFor('pong');
    await t.remote.exec(`echo stop > ${t.sys}/state`);
    // remoteproc.md §6.3: on stop the channel is removed, the tty hangs up and a reader sees EOF
    expect(await reader.exited).toBe(0);
    expect((await t.remote.exec('ls /dev')).stdout).not.toContain('ttyRPMSG');
  });
});
