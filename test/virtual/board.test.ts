// The assembled virtual board (DESIGN §5): READY json, persistent keys, coprocessor choice, power off/on/cycle, console boot lines.
import * as net from 'node:net';
import { SerialPort } from 'serialport';
import { describeWithTools, TOOLS } from '../helpers/tools';
import { loadProfile } from '../../harness/config';
import { startVirtualBoard } from '../../harness/virtual/board';
import { firmwareImage } from './kernel/fixtures';
import { deploy, startBoard, stopBoards, tempStateDir } from './conformance/board-fixture';
import { pollExec, Remote } from './conformance/ssh-client';

afterAll(stopBoards);

function tcpConsole(endpoint: { path: string } | { tcp: string }) {
  if (!('tcp' in endpoint)) throw new Error('expected a TCP console');
  const [host, port] = endpoint.tcp.split(':');
  const sock = net.connect({ host, port: Number(port) });
  let text = '';
  sock.on('data', (d) => (text += d.toString('latin1')));
  return {
    sock,
    text: () => text,
    async waitFor(want: RegExp, ms = 5000) {
      const start = Date.now();
      while (!want.test(text)) {
        if (Date.now() - start > ms) throw new Error(`console never showed ${String(want)}: ${JSON.stringify(text)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

function refused(target: Parameters<typeof Remote.connect>[0]): Promise<string> {
  return Remote.connect(target).then(
    (r) => {
      r.close();
      return 'connected';
    },
    (e: NodeJS.ErrnoException) => e.code ?? e.message,
  );
}

describe('virtual board assembly', () => {
  test('readyJson is the DESIGN §4.2 object and its SSH endpoint accepts the pinned key', async () => {
    const t = await startBoard('virtual-mp157', { console: 'tcp' });
    const ready = JSON.parse(t.board.readyJson());
    expect(Object.keys(ready)).toEqual(['ssh', 'console', 'power']);
    expect(ready.power).toEqual({ backend: 'virtual', socket: t.board.powerSocket });
    expect(ready.ssh).toEqual({ host: '127.0.0.1', port: t.board.ssh.port, user: 'root', hostKey: t.board.ssh.hostKey, privateKey: t.board.ssh.privateKey });
    expect(ready.console).toEqual({ tcp: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    expect((await t.remote.exec('echo $USER; cat /etc/hostname')).stdout).toBe('root\nstm32mp1\n');
  });

  test('keys persist in the state dir: a restarted board has the same host key and client key', async () => {
    const stateDir = tempStateDir();
    const a = await startVirtualBoard({ profile: 'virtual-mp257', stateDir, console: 'tcp' });
    const first = a.ssh;
    await a.stop();
    const b = await startBoard('virtual-mp257', { stateDir });
    expect(b.board.ssh.hostKey).toBe(first.hostKey);
    expect(b.board.ssh.privateKey).toBe(first.privateKey);
  });

  test('the coprocessor follows profile.virtual.coprocessor: virtual-* runs the behavioural model', async () => {
    const t = await startBoard('virtual-mp157');
    expect(loadProfile('virtual-mp157').virtual?.coprocessor).toBe('model');
    await deploy(t, 'fw.elf', firmwareImage({ info: 'variant=model-check build=42 control=1' }));
    await t.remote.exec(`echo start > ${t.sys}/state`);
    await pollExec(t.remote, 'ls /dev', /ttyRPMSG1/);
    const reader = await t.remote.stream('cat /dev/ttyRPMSG1');
    await t.remote.exec('echo info > /dev/ttyRPMSG1');
    await reader.waitFor(/info variant=model-check build=42 soc=stm32mp15 vrings=16 trace=1/);
    reader.close();
  });
});

describe('power', () => {
  test('off: SSH refuses and the console is silent; on: the kernel boots again with boot lines and a login prompt', async () => {
    const t = await startBoard('virtual-mp157', { console: 'tcp' });
    await deploy(t, 'fw.elf', firmwareImage());
    await t.remote.exec(`echo start > ${t.sys}/state`);
    const con = tcpConsole(t.board.console);
    await new Promise((r) => con.sock.once('connect', r));
    const closed = t.remote.closed();
    await t.board.power.off();
    await closed;
    expect(t.board.power.state).toBe('off');
    expect(await refused(t.board.ssh)).toBe('ECONNREFUSED');
    con.sock.write('root\r');
    await new Promise((r) => setTimeout(r, 100));
    expect(con.text()).toBe('');
    await t.board.power.on();
    await con.waitFor(/\[ +0\.000000\] Booting Linux on physical CPU 0x0\r\n[\s\S]*stm32mp1 login: $/);
    const again = await Remote.connect(t.board.ssh);
    // a fresh boot: the remoteproc is offline with its default firmware name again, the upload survived on disk
    expect((await again.exec(`cat ${t.sys}/state ${t.sys}/firmware; ls /lib/firmware`)).stdout).toBe('offline\nrproc-m4-fw\nfw.elf\n');
    again.close();
    con.sock.destroy();
  });

  test('cycle is a reboot: connections are refused while it is off, then the same port answers', async () => {
    const t = await startBoard('virtual-mp257', { console: 'tcp' });
    const port = t.board.ssh.port;
    const cycling = t.board.power.cycle(300);
    await new Promise((r) => setTimeout(r, 50));
    expect(await refused(t.board.ssh)).toBe('ECONNREFUSED');
    await cycling;
    expect(t.board.power.state).toBe('on');
    expect(t.board.ssh.port).toBe(port);
    const r = await Remote.connect(t.board.ssh);
    expect((await r.exec('cat /sys/class/remoteproc/remoteproc0/name')).stdout).toBe('m33\n');
    r.close();
  });
});

describeWithTools([TOOLS.socat], 'the board console on its pty', () => {
  test('after a power cycle the pty shows the boot log and a login; root\'s shell sees what SSH uploaded', async () => {
    const t = await startBoard('virtual-mp157', { console: 'pty' });
    expect(t.board.console).toEqual({ path: `${t.stateDir}/console` });
    await t.remote.upload('/root/from-ssh.txt', Buffer.from('uploaded over sftp\n'));
    const port = new SerialPort({ path: (t.board.console as { path: string }).path, baudRate: t.board.profile.console.baud, autoOpen: false });
    await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
    let text = '';
    port.on('data', (d: Buffer) => (text += d.toString('latin1')));
    const waitFor = async (want: RegExp) => {
      for (let i = 0; !want.test(text); i++) {
        if (i > 500) throw new Error(`console never showed ${String(want)}: ${JSON.stringify(text)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await t.board.power.cycle(50);
    await waitFor(/Booting Linux on physical CPU 0x0\r\n[\s\S]*OF: fdt: Machine model: STMicroelectronics STM32MP157F-DK2 Discovery Board\r\n[\s\S]*stm32mp1 login: $/);
    port.write('root\r');
    await waitFor(/root@stm32mp1:~# $/);
    port.write('cat /root/from-ssh.txt\r');
    await waitFor(/cat \/root\/from-ssh.txt\r\nuploaded over sftp\r\nroot@stm32mp1:~# $/);
    await new Promise<void>((res) => port.close(() => res()));
  });
});

describe('stopping', () => {
  test('a board stopped while powered off stops cleanly, and a bad start-up fault is a usage error', async () => {
    const stateDir = tempStateDir();
    const b = await startVirtualBoard({ profile: 'virtual-mp157', stateDir, console: 'tcp' });
    await b.power.off();
    await b.stop();
    expect(await refused(b.ssh)).toBe('ECONNREFUSED');
    await expect(startVirtualBoard({ profile: 'virtual-mp157', stateDir, console: 'tcp', faults: { latencyMs: -1 } })).rejects.toThrow(
      'fault latencyMs takes a whole number >= 0, not -1',
    );
  });
});
