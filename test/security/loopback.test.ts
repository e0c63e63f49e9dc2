// Security: the virtual board listens on 127.0.0.1 only (DESIGN §5): no option binds it wider, and the kernel's socket table agrees.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { boardMain } from '../../harness/cli/board';
import { startVirtualBoard, type VirtualBoard } from '../../harness/virtual';
import { MemFs } from '../../harness/virtual/fs/memfs';
import { startSshServer } from '../../harness/virtual/ssh/server';

let vb: VirtualBoard;
let stateDir: string;

beforeAll(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rproc-hil-loop-'));
  vb = await startVirtualBoard({ profile: 'virtual-mp157', stateDir, console: 'tcp' });
}, 30_000);

afterAll(async () => {
  await vb?.stop();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

/** Listening TCP sockets of this machine from /proc/net/tcp{,6}: local address (hex, kernel byte order) and port. */
function listeners(): { family: 4 | 6; address: string; port: number }[] {
  const out: { family: 4 | 6; address: string; port: number }[] = [];
  for (const [file, family] of [['/proc/net/tcp', 4], ['/proc/net/tcp6', 6]] as const) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue; // no IPv6 in this kernel: nothing can listen there
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const [address, port] = (f[1] ?? '').split(':');
      if (f[3] === '0A' && address !== undefined && port !== undefined) out.push({ family, address, port: parseInt(port, 16) });
    }
  }
  return out;
}

function connectTo(host: string, port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    s.setTimeout(3000, () => {
      s.destroy();
      resolve('timeout');
    });
  });
}

const consolePort = (): number => Number(('tcp' in vb.console ? vb.console.tcp : '').split(':')[1]);

describe('binding options', () => {
  test.each(['0.0.0.0', '::', '::1', 'localhost', '192.0.2.1', ''])('startSshServer with listenHost %j is refused before it listens', async (host) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rproc-hil-loop-'));
    try {
      const before = listeners().length;
      const fsys = new MemFs();
      await expect(startSshServer({ stateDir: dir, fs: fsys, host: vb.kernel.shellHost(), listenHost: host })).rejects.toMatchObject({
        code: 'E_USAGE',
        message: `the virtual board's SSH server listens on 127.0.0.1 only, not on ${JSON.stringify(host)}: drop the host option`,
      });
      expect(listeners().length).toBeLessThanOrEqual(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each(['--host', '--bind', '--listen', '--address'])('`npm run board` has no %s option: a usage error, not a wider bind', async (flag) => {
    const io = { stdout: () => undefined, stderr: () => undefined, cwd: process.cwd() };
    await expect(boardMain(['--board', 'virtual-mp157', flag, '0.0.0.0'], io)).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining(`unknown option ${flag}`) });
  });
});

describe('a started virtual board', () => {
  test('the READY endpoints name 127.0.0.1 for SSH and the TCP console', () => {
    expect(JSON.parse(vb.readyJson())).toMatchObject({ ssh: { host: '127.0.0.1' }, console: { tcp: expect.stringMatching(/^127\.0\.0\.1:\d+$/) } });
  });

  test('the kernel lists its SSH and console sockets as listening on 127.0.0.1 only (/proc/net/tcp local address 0100007F)', () => {
    for (const port of [vb.ssh.port, consolePort()]) {
      const mine = listeners().filter((l) => l.port === port);
      expect(mine).toEqual([{ family: 4, address: '0100007F', port }]);
    }
  });

  test('connections to another loopback address and to every non-loopback interface address are refused', async () => {
    // link-local IPv6 addresses need their interface as scope (fe80::1%eth0)
    const others = Object.entries(os.networkInterfaces()).flatMap(([name, list]) =>
      (list ?? []).filter((i) => !i.internal).map((i) => (i.family === 'IPv6' && i.scopeid ? `${i.address}%${name}` : i.address)),
    );
    for (const port of [vb.ssh.port, consolePort()]) {
      expect(await connectTo('127.0.0.1', port)).toBe('connected');
      // 127.0.0.2 reaches this host through lo on Linux, so it only connects to a socket bound wider than 127.0.0.1
      expect(await connectTo('127.0.0.2', port)).toBe('ECONNREFUSED');
      expect(await connectTo('::1', port)).toMatch(/^(ECONNREFUSED|EADDRNOTAVAIL)$/);
      for (const address of others) expect([address, await connectTo(address, port)]).toEqual([address, expect.stringMatching(/^(ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH|EHOSTUNREACH|timeout)$/)]);
    }
  });

  test('after a power cycle the SSH server comes back on 127.0.0.1 only', async () => {
    await vb.power.cycle();
    const mine = listeners().filter((l) => l.port === vb.ssh.port);
    expect(mine).toEqual([{ family: 4, address: '0100007F', port: vb.ssh.port }]);
  }, 30_000);
});
