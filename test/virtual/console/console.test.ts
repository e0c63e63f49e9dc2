// The serial console (DESIGN §5 Console): kernel log lines + login on a socat pty (opened with serialport) or a TCP port.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SerialPort } from 'serialport';
import { loadProfile } from '../../../harness/config';
import { ModelCoprocessor } from '../../../harness/virtual/coprocessor/model';
import { startConsole, type VirtualConsole } from '../../../harness/virtual/console';
import { startPtyLink } from '../../../harness/virtual/console/pty';
import { consoleShellFactory } from '../../../harness/virtual/console/shell';
import { MemFs } from '../../../harness/virtual/fs/memfs';
import { KernelModel } from '../../../harness/virtual/kernel';
import { describeWithTools, TOOLS } from '../../helpers/tools';

interface Rig {
  console: VirtualConsole;
  kernel: KernelModel;
  fs: MemFs;
  dir: string;
  /** power-on: the kernel boots (its lines go to the console), then getty prints the login prompt */
  boot(): Promise<void>;
}

const rigs: Rig[] = [];

/** kernel model + console wired as board.ts wires them, without the SSH server */
async function rig(kind: 'pty' | 'tcp'): Promise<Rig> {
  const profile = loadProfile('virtual-mp157');
  const fs = new MemFs();
  const kernel = new KernelModel({ profile, fs, coprocessor: () => new ModelCoprocessor({ memory: profile.coprocessor.memory }) });
  const dir = tempDir();
  const con = await startConsole({ kind, stateDir: dir, hostname: kernel.settings.hostname, shell: consoleShellFactory(fs, () => kernel.shellHost()) });
  kernel.onDmesg((l) => con.kernelLine(l));
  const boot = async () => {
    con.booting();
    await kernel.boot();
    con.loginPrompt();
  };
  const r = { console: con, kernel, fs, dir, boot };
  rigs.push(r);
  return r;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vconsole-'));
}

afterAll(async () => {
  for (const r of rigs.splice(0)) {
    await r.console.close();
    await r.kernel.dispose();
    fs.rmSync(r.dir, { recursive: true, force: true });
  }
});

/** what a terminal program sees: everything received so far, and a wait for a piece of it */
function collector() {
  let text = '';
  const waiters = new Set<() => void>();
  return {
    push(d: Buffer) {
      text += d.toString('latin1');
      for (const w of [...waiters]) w();
    },
    get text() {
      return text;
    },
    waitFor(want: string | RegExp, ms = 5000): Promise<string> {
      const hit = () => (typeof want === 'string' ? text.includes(want) : want.test(text));
      return new Promise((resolve, reject) => {
        if (hit()) return resolve(text);
        const check = () => {
          if (!hit()) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(text);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${String(want)} on the console; got ${JSON.stringify(text)}`));
        }, ms);
        waiters.add(check);
      });
    },
  };
}

async function openSerial(p: string) {
  const port = new SerialPort({ path: p, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  const c = collector();
  port.on('data', (d: Buffer) => c.push(d));
  return {
    port,
    c,
    type: (s: string) => new Promise<void>((resolve, reject) => port.write(s, (e) => (e ? reject(e) : port.drain(() => resolve())))),
    close: () => new Promise<void>((resolve) => port.close(() => resolve())),
  };
}

describeWithTools([TOOLS.socat], 'console on a socat pty pair, read with serialport', () => {
  test('shows the kernel boot lines and the login prompt, and root gets a shell running the board commands', async () => {
    const r = await rig('pty');
    expect('path' in r.console.endpoint && fs.lstatSync(r.console.endpoint.path).isSymbolicLink()).toBe(true);
    // serialport flushes the line when it opens (TCIOFLUSH), as with a real UART: open first, then power on
    const s = await openSerial((r.console.endpoint as { path: string }).path);
    await r.boot();
    await s.c.waitFor('stm32mp1 login: ');
    expect(s.c.text).toMatch(/\[ +0\.000000\] Booting Linux on physical CPU 0x0\r\n/);
    expect(s.c.text).toContain('remoteproc remoteproc0: m4 is available\r\n');
    await s.type('root\r');
    await s.c.waitFor('root@stm32mp1:~# ');
    await s.type('uname -r\r');
    await s.c.waitFor(`${loadProfile('virtual-mp157').kernel.release}\r\nroot@stm32mp1:~# `);
    await s.close();
  });

  test('survives the reader going away: after reopening, new kernel lines and the same shell session answer', async () => {
    const r = await rig('pty');
    const p = (r.console.endpoint as { path: string }).path;
    await r.boot();
    const first = await openSerial(p);
    await first.type('\r'); // an empty line makes getty print its prompt again
    await first.c.waitFor('stm32mp1 login: ');
    await first.type('root\r');
    await first.c.waitFor('root@stm32mp1:~# ');
    await first.close();
    const second = await openSerial(p);
    // remoteproc.md §1.4: a missing file is reported at start with these dmesg lines
    await r.fs.writeFile('/sys/class/remoteproc/remoteproc0/firmware', Buffer.from('absent.elf\n'));
    await r.fs.writeFile('/sys/class/remoteproc/remoteproc0/state', Buffer.from('start\n')).catch(() => undefined);
    await second.c.waitFor('remoteproc remoteproc0: Boot failed: -2\r\n');
    await second.type('cat /sys/class/remoteproc/remoteproc0/state\r');
    await second.c.waitFor('offline\r\nroot@stm32mp1:~# ');
    await second.close();
  });

  test('a wrong user gets "Login incorrect" and the prompt again; exit returns to the login prompt', async () => {
    const r = await rig('pty');
    const s = await openSerial((r.console.endpoint as { path: string }).path);
    await r.boot();
    await s.c.waitFor('login: ');
    await s.type('admin\r');
    await s.c.waitFor('Password: ');
    await s.type('secret\r');
    await s.c.waitFor(/Login incorrect\r\n\r\nstm32mp1 login: $/);
    await s.type('root\r');
    await s.c.waitFor('root@stm32mp1:~# ');
    await s.type('exit\r');
    await s.c.waitFor(/exit\r\n\r\nstm32mp1 login: $/);
    await s.close();
  });
});

describe('console on a TCP port', () => {
  test('a reader sees only lines printed after it connected, and can reconnect', async () => {
    const r = await rig('tcp');
    await r.boot();
    const [host, port] = (r.console.endpoint as { tcp: string }).tcp.split(':');
    expect(host).toBe('127.0.0.1');
    const connect = async () => {
      const sock = net.connect({ host, port: Number(port) });
      await new Promise((res) => sock.once('connect', res));
      const c = collector();
      sock.on('data', (d) => c.push(d));
      return { sock, c };
    };
    const a = await connect();
    await r.fs.writeFile('/sys/class/remoteproc/remoteproc0/state', Buffer.from('bogus\n')).catch(() => undefined);
    // the record keeps its newline, so the console shows a second, empty timestamped line (remoteproc.md §1.3)
    await a.c.waitFor(/remoteproc remoteproc0: Unrecognised option: bogus\r\n\[ +\d+\.\d{6}\] \r\n/);
    expect(a.c.text).not.toContain('Booting Linux');
    a.sock.destroy();
    const b = await connect();
    await r.fs.writeFile('/sys/class/remoteproc/remoteproc0/state', Buffer.from('again\n')).catch(() => undefined);
    await b.c.waitFor('Unrecognised option: again');
    expect(b.c.text).not.toContain('bogus');
    b.sock.write('root\r');
    await b.c.waitFor('root@stm32mp1:~# ');
    b.sock.destroy();
  });
});

describe('console line discipline', () => {
  test('Ctrl-C stops a running command and gives the prompt back; Enter at the login prompt reprints it', async () => {
    const r = await rig('tcp');
    await r.boot();
    const [host, port] = (r.console.endpoint as { tcp: string }).tcp.split(':');
    const sock = net.connect({ host, port: Number(port) });
    const c = collector();
    sock.on('data', (d) => c.push(d));
    await new Promise((res) => sock.once('connect', res));
    sock.write('\r');
    await c.waitFor('\r\nstm32mp1 login: ');
    sock.write('root\r');
    await c.waitFor('root@stm32mp1:~# ');
    sock.write('sleep 600\r');
    await c.waitFor('sleep 600\r\n');
    sock.write('\x03');
    await c.waitFor(/sleep 600\r\n\^C\r\nroot@stm32mp1:~# $/);
    sock.write('echo still here\r');
    await c.waitFor('still here\r\nroot@stm32mp1:~# ');
    sock.write('cd /lib/firmware\r');
    await c.waitFor('root@stm32mp1:/lib/firmware# ');
    sock.destroy();
  });
});

describe('console without socat', () => {
  test('names the package to install and the TCP alternative', async () => {
    const dir = tempDir();
    await expect(startPtyLink(dir, 'socat-not-installed-here')).rejects.toThrow(
      'socat is needed for the virtual board\'s pty console but was not found; install it with `apt-get install --no-install-recommends socat`, or use the TCP console (--console tcp)',
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describeWithTools([TOOLS.socat], 'console pty errors', () => {
  test('socat failing to make its links is a clear error, not a hang', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'console'));
    await expect(startPtyLink(dir)).rejects.toThrow('socat could not make the console pty pair: unlink("' + path.join(dir, 'console') + '"): Is a directory');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
