// The virtual board's SSH server through an in-process ssh2 client: exec, streams, SFTP, keys, faults (DESIGN §5).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSshServer } from '../../../harness/virtual/ssh/server';
import type { SshServerHandle } from '../../../harness/virtual/ssh/server';
import { board } from '../shell/fixture';
import type { Board } from '../shell/fixture';
import { closed, connect, exec, fingerprint, sftpOf } from './client';
import { utils } from 'ssh2';
import type { Client } from 'ssh2';

let dir: string;
let b: Board;
let srv: SshServerHandle;
const clients: Client[] = [];
const seen: string[] = [];

async function client(): Promise<Client> {
  const c = await connect(srv);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h4-ssh-'));
  b = board();
  srv = await startSshServer({ stateDir: dir, fs: b.fs, host: b.host, onCommand: (c) => seen.push(c) });
});

afterEach(() => {
  for (const c of clients.splice(0)) c.end();
  Object.assign(srv.faults, { latencyMs: 0, dropAfterCommands: null, corruptNextUpload: false });
  b.stateError.errno = null;
});

afterAll(async () => {
  await srv.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('exec', () => {
  test('round trip: stdout and exit status 0', async () => {
    const c = await client();
    expect(await exec(c, 'echo hello; uname -n')).toEqual({ out: 'hello\nstm32mp1\n', err: '', code: 0 });
  });

  test('stderr and exit statuses travel separately (1, 127, exit 3)', async () => {
    const c = await client();
    expect(await exec(c, 'cat /nope')).toEqual({ out: '', err: 'cat: /nope: No such file or directory\n', code: 1 });
    expect(await exec(c, 'nosuch')).toEqual({ out: '', err: 'bash: nosuch: command not found\n', code: 127 });
    expect(await exec(c, 'echo x; exit 3')).toEqual({ out: 'x\n', err: '', code: 3 });
  });

  test('a failing sysfs write prints bash\'s write error and exits 1 (remoteproc.md §1.3)', async () => {
    const c = await client();
    b.stateError.errno = 'EBUSY';
    expect(await exec(c, 'echo start > /sys/class/remoteproc/remoteproc0/state')).toEqual({
      out: '',
      err: 'bash: echo: write error: Device or resource busy\n',
      code: 1,
    });
  });

  test('many commands on one connection; every command line lands in the command log', async () => {
    const c = await client();
    for (let i = 0; i < 5; i++) expect((await exec(c, `echo ${i}`)).out).toBe(`${i}\n`);
    expect(srv.commandLog.slice(-5)).toEqual(['echo 0', 'echo 1', 'echo 2', 'echo 3', 'echo 4']);
    expect(seen.slice(-5)).toEqual(srv.commandLog.slice(-5));
  });

  test('stdin of the channel is the command\'s stdin', async () => {
    const c = await client();
    const sha = createHash('sha256').update('payload').digest('hex');
    expect((await exec(c, 'cat > /tmp/up; sha256sum < /tmp/up; wc -c < /tmp/up', 'payload')).out).toBe(`${sha}  -\n7\n`);
  });

  test('a long-lived cat of a char device streams until the client closes the channel', async () => {
    const c = await client();
    const got: string[] = [];
    await new Promise<void>((resolve, reject) => {
      c.exec('cat /dev/ttyRPMSG0', (err, ch) => {
        if (err) return reject(err);
        ch.on('data', (d: Buffer) => {
          got.push(d.toString());
          if (got.join('') === 'a\nb\n') ch.close();
          else if (got.join('') === 'a\n') b.tty.push('b\n');
        });
        ch.on('close', () => resolve());
        const start = (): void => (b.tty.opened > 0 ? b.tty.push('a\n') : void setImmediate(start));
        start();
      });
    });
    expect(got.join('')).toBe('a\nb\n');
  });

  test('a signal from the client ends a blocked command, reported as exit-signal (what SshStream.close sends)', async () => {
    const c = await client();
    const exit = await new Promise<unknown[]>((resolve, reject) => {
      c.exec('cat /dev/ttyRPMSG0', (err, ch) => {
        if (err) return reject(err);
        let args: unknown[] = [];
        ch.resume(); // a paused channel never reaches 'close'
        ch.on('exit', (...a: unknown[]) => (args = a));
        ch.on('close', () => resolve(args));
        const send = (): void => (b.tty.opened > 0 ? void ch.signal('TERM') : void setImmediate(send));
        send();
      });
    });
    expect(exit.slice(0, 2)).toEqual([null, 'SIGTERM']); // ssh2's client names it with the SIG prefix
  });
});

describe('exec with a pty (ssh -tt board cmd)', () => {
  test('output lines end in CRLF and Ctrl-C interrupts the command (exit-signal INT)', async () => {
    const c = await client();
    const r = await new Promise<{ text: string; exit: unknown[] }>((resolve, reject) => {
      c.exec('echo a; cat /dev/ttyRPMSG0', { pty: true }, (err, ch) => {
        if (err) return reject(err);
        let text = '';
        let exit: unknown[] = [];
        ch.on('data', (d: Buffer) => {
          text += d.toString();
          if (text === 'a\r\n') {
            const send = (): void => (b.tty.readers() > 0 ? void ch.write('\x03') : void setImmediate(send));
            send();
          }
        });
        ch.on('exit', (...a: unknown[]) => (exit = a));
        ch.on('close', () => resolve({ text, exit }));
      });
    });
    expect(r.text).toBe('a\r\n');
    expect(r.exit.slice(0, 2)).toEqual([null, 'SIGINT']);
  });
});

describe('sftp', () => {
  test('writeFile then read back through sftp and through the shell', async () => {
    const c = await client();
    const s = await sftpOf(c);
    const data = Buffer.alloc(300_000, 7);
    data.write('ELF', 1);
    await new Promise<void>((res, rej) => s.writeFile('/lib/firmware/fw.elf', data, (e) => (e ? rej(e) : res())));
    const back = await new Promise<Buffer>((res, rej) => s.readFile('/lib/firmware/fw.elf', (e, d) => (e ? rej(e) : res(d))));
    expect(Buffer.compare(back, data)).toBe(0);
    expect((await exec(c, 'stat -c %s /lib/firmware/fw.elf')).out).toBe('300000\n');
  });

  test('fastPut of a local file, with several writes in flight', async () => {
    const c = await client();
    const s = await sftpOf(c);
    const local = path.join(dir, 'local.bin');
    const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));
    fs.writeFileSync(local, data);
    await new Promise<void>((res, rej) => s.fastPut(local, '/lib/firmware/fast.bin', { concurrency: 8, chunkSize: 4096 }, (e) => (e ? rej(e) : res())));
    expect(Buffer.compare(Buffer.from(await b.fs.readFile('/lib/firmware/fast.bin')), data)).toBe(0);
  });

  test('writes that arrive out of order still assemble the file', async () => {
    const c = await client();
    const s = await sftpOf(c);
    const handle = await new Promise<Buffer>((res, rej) => s.open('/tmp/ooo', 'w', (e, h) => (e ? rej(e) : res(h))));
    const write = (text: string, pos: number): Promise<void> =>
      new Promise((res, rej) => s.write(handle, Buffer.from(text), 0, text.length, pos, (e) => (e ? rej(e) : res())));
    await write('world', 6);
    await write('!', 11);
    await write('hello ', 0);
    await new Promise<void>((res, rej) => s.close(handle, (e) => (e ? rej(e) : res())));
    expect((await exec(c, 'cat /tmp/ooo')).out).toBe('hello world!');
  });

  test('stat, readdir, mkdir, rename, unlink, and errors as SFTP statuses', async () => {
    const c = await client();
    const s = await sftpOf(c);
    const p = <T>(fn: (cb: (e: Error | null | undefined, v?: T) => void) => void): Promise<T> =>
      new Promise((res, rej) => fn((e, v) => (e ? rej(e) : res(v as T))));
    await p((cb) => s.mkdir('/tmp/sd', cb));
    await p((cb) => s.writeFile('/tmp/sd/a', 'A', cb));
    await p((cb) => s.rename('/tmp/sd/a', '/tmp/sd/b', cb));
    const list = await p<Array<{ filename: string }>>((cb) => s.readdir('/tmp/sd', cb));
    expect(list.map((e) => e.filename)).toEqual(['b']); // ssh2's readdir drops . and ..
    const st = await p<{ size: number; isFile(): boolean }>((cb) => s.stat('/tmp/sd/b', cb));
    expect(st.size).toBe(1);
    expect(st.isFile()).toBe(true);
    await p((cb) => s.unlink('/tmp/sd/b', cb));
    await expect(p((cb) => s.stat('/tmp/sd/b', cb))).rejects.toThrow('No such file or directory');
    await expect(p((cb) => s.writeFile('/no/dir/f', 'x', cb))).rejects.toThrow('No such file or directory');
    await expect(p((cb) => s.writeFile('/sys/class/remoteproc/remoteproc0/name', 'x', cb))).rejects.toThrow('Permission denied');
  });

  test('an upload into a full /lib/firmware fails with ENOSPC text', async () => {
    const c = await client();
    const s = await sftpOf(c);
    b.fs.setQuota('/lib/firmware', b.fs.usage('/lib/firmware') + 1000);
    await expect(new Promise<void>((res, rej) => s.writeFile('/lib/firmware/big.elf', Buffer.alloc(5000), (e) => (e ? rej(e) : res())))).rejects.toThrow(
      'No space left on device',
    );
    b.fs.setQuota('/lib/firmware', Infinity);
  });
});

describe('faults', () => {
  test('corruptNextUpload flips one byte of the next SFTP upload only', async () => {
    const c = await client();
    const s = await sftpOf(c);
    const data = Buffer.alloc(1000, 0x41);
    srv.faults.corruptNextUpload = true;
    await new Promise<void>((res, rej) => s.writeFile('/tmp/c1', data, (e) => (e ? rej(e) : res())));
    await new Promise<void>((res, rej) => s.writeFile('/tmp/c2', data, (e) => (e ? rej(e) : res())));
    const c1 = Buffer.from(await b.fs.readFile('/tmp/c1'));
    expect(c1.length).toBe(1000);
    expect([...c1].filter((x, i) => x !== data[i]).length).toBe(1);
    expect(Buffer.compare(Buffer.from(await b.fs.readFile('/tmp/c2')), data)).toBe(0);
    expect(srv.faults.corruptNextUpload).toBe(false);
  });

  test('corruptNextUpload also hits `cat > file` uploads', async () => {
    const c = await client();
    srv.faults.corruptNextUpload = true;
    await exec(c, 'cat > /tmp/c3', 'abcdefgh');
    expect((await exec(c, 'cat /tmp/c3')).out).not.toBe('abcdefgh');
    await exec(c, 'cat > /tmp/c4', 'abcdefgh');
    expect((await exec(c, 'cat /tmp/c4')).out).toBe('abcdefgh');
  });

  test('dropAfterCommands lets N commands through, then destroys the connection (one-shot)', async () => {
    const c = await client();
    srv.faults.dropAfterCommands = 2;
    expect((await exec(c, 'echo 1')).out).toBe('1\n');
    expect((await exec(c, 'echo 2')).out).toBe('2\n');
    const gone = closed(c);
    c.on('error', () => undefined);
    const third = exec(c, 'echo 3').catch((e: Error) => e);
    await gone;
    const r = await third;
    expect(r instanceof Error || r.code === null).toBe(true);
    expect(srv.faults.dropAfterCommands).toBeNull();
    const c2 = await client();
    expect((await exec(c2, 'echo again')).out).toBe('again\n');
  });

  test('latencyMs delays each command by at least that long', async () => {
    const c = await client();
    srv.faults.latencyMs = 60;
    const t0 = performance.now();
    await exec(c, 'true');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
  });

  test('dropAllConnections closes every client', async () => {
    const c1 = await client();
    const c2 = await client();
    c1.on('error', () => undefined);
    c2.on('error', () => undefined);
    const both = Promise.all([closed(c1), closed(c2)]);
    srv.dropAllConnections();
    await both;
    expect((await exec(await client(), 'echo up')).out).toBe('up\n');
  });

  test('refuseConnections refuses TCP connects (ECONNREFUSED) and accepts again afterwards', async () => {
    srv.refuseConnections(150);
    await expect(connect(srv)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    let c: Client | null = null;
    for (let i = 0; i < 100 && !c; i++) {
      c = await connect(srv).catch(() => null);
      if (!c) await new Promise((r) => setTimeout(r, 20));
    }
    expect(c).not.toBeNull();
    clients.push(c as Client);
    expect((await exec(c as Client, 'echo back')).out).toBe('back\n');
  });
});

describe('authentication and host keys', () => {
  test('only the board\'s client key is accepted; passwords are refused', async () => {
    const other = utils.generateKeyPairSync('ed25519');
    await expect(connect(srv, { privateKey: other.private })).rejects.toThrow('All configured authentication methods failed');
    await expect(connect(srv, { password: 'root' })).rejects.toThrow('All configured authentication methods failed');
  });

  test('a wrong pinned fingerprint is refused by the client', async () => {
    await expect(connect(srv, { pin: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).rejects.toThrow('Host denied');
  });

  test('keys are written 0600 and the host key is reused across restarts of the same state dir', async () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'h4-keys-'));
    try {
      const s1 = await startSshServer({ stateDir: state, fs: b.fs, host: b.host });
      const fp = s1.hostKeyFingerprint;
      await s1.close();
      const s2 = await startSshServer({ stateDir: state, fs: b.fs, host: b.host });
      expect(s2.hostKeyFingerprint).toBe(fp);
      expect(fp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      for (const f of ['ssh_host_ed25519_key', 'id_ed25519']) expect(fs.statSync(path.join(state, f)).mode & 0o777).toBe(0o600);
      const c = await connect(s2);
      expect((await exec(c, 'echo ok')).out).toBe('ok\n');
      c.end();
      await s2.close();
    } finally {
      fs.rmSync(state, { recursive: true, force: true });
    }
  });

  test('rotateHostKey changes the fingerprint: the old pin is refused, the new one accepted', async () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'h4-rot-'));
    try {
      const s = await startSshServer({ stateDir: state, fs: b.fs, host: b.host });
      const old = s.hostKeyFingerprint;
      s.rotateHostKey();
      expect(s.hostKeyFingerprint).not.toBe(old);
      await expect(connect(s, { pin: old })).rejects.toThrow('Host denied');
      const c = await connect(s); // pins the new fingerprint
      expect((await exec(c, 'echo ok')).out).toBe('ok\n');
      c.end();
      expect(fingerprint(Buffer.from(s.hostPublicKey.split(' ')[1] ?? '', 'base64'))).toBe(s.hostKeyFingerprint);
      const rotated = s.hostKeyFingerprint;
      await s.close();
      const again = await startSshServer({ stateDir: state, fs: b.fs, host: b.host });
      expect(again.hostKeyFingerprint).toBe(rotated); // the rotated key is the one kept on disk
      await again.close();
    } finally {
      fs.rmSync(state, { recursive: true, force: true });
    }
  });

  test('listening beyond loopback is impossible', async () => {
    await expect(startSshServer({ stateDir: dir, fs: b.fs, host: b.host, listenHost: '0.0.0.0' })).rejects.toThrow(
      'listens on 127.0.0.1 only, not on "0.0.0.0"',
    );
    expect(srv.host).toBe('127.0.0.1');
  });
});

describe('interactive shell', () => {
  test('prompt, echoed typing, backspace, Ctrl-C, cwd in the prompt, exit status of `exit`', async () => {
    const c = await client();
    const transcript = await new Promise<{ text: string; code: number | null }>((resolve, reject) => {
      c.shell({ term: 'xterm', cols: 80, rows: 24 }, (err, ch) => {
        if (err) return reject(err);
        let text = '';
        let code: number | null = null;
        const steps: Array<[string, string]> = [
          ['root@stm32mp1:~# ', 'echo hx\x7fi\r'],
          ['hi\r\nroot@stm32mp1:~# ', 'cat /dev/ttyRPMSG0\r'],
          ['cat /dev/ttyRPMSG0\r\n', '\x03'],
          ['^C\r\nroot@stm32mp1:~# ', 'cd /tmp\r'],
          ['root@stm32mp1:/tmp# ', 'for x in a b\r'],
          ['> ', 'do echo $x; done\r'],
          ['a\r\nb\r\nroot@stm32mp1:/tmp# ', 'exit 4\r'],
        ];
        ch.on('data', (d: Buffer) => {
          text += d.toString();
          const next = steps[0];
          if (next && text.endsWith(next[0])) {
            steps.shift();
            ch.write(next[1]);
          }
        });
        ch.on('exit', (x: number | null) => (code = x));
        ch.on('close', () => resolve({ text, code }));
      });
    });
    expect(transcript.text).toContain('echo hx\b \bi\r\nhi\r\n');
    expect(transcript.text).toContain('logout\r\n');
    expect(transcript.code).toBe(4);
  });

  test('without a pty the shell runs a script fed on stdin: no prompt, no echo, status of the last command', async () => {
    const c = await client();
    const r = await new Promise<{ out: string; err: string; code: number | null }>((resolve, reject) => {
      c.shell(false, (err, ch) => {
        if (err) return reject(err);
        let out = '';
        let errText = '';
        let code: number | null = null;
        ch.on('data', (d: Buffer) => (out += d.toString()));
        ch.stderr.on('data', (d: Buffer) => (errText += d.toString()));
        ch.on('exit', (x: number | null) => (code = x));
        ch.on('close', () => resolve({ out, err: errText, code }));
        ch.end('echo a\ncd /tmp; pwd\nnosuch\nfalse\n');
      });
    });
    expect(r).toEqual({ out: 'a\n/tmp\n', err: 'bash: nosuch: command not found\n', code: 1 });
  });

  test('logging out hangs up background jobs (no char device stays open)', async () => {
    const c = await client();
    const before = b.tty.opened;
    await new Promise<void>((resolve, reject) => {
      c.shell((err, ch) => {
        if (err) return reject(err);
        let text = '';
        let step = 0;
        ch.on('data', (d: Buffer) => {
          text += d.toString();
          if (step === 0 && text.endsWith('# ')) {
            step = 1;
            ch.write('cat /dev/ttyRPMSG0 &\r');
          } else if (step === 1 && /\[1\] \d+\r\n/.test(text) && text.endsWith('# ')) {
            step = 2;
            ch.write('exit\r');
          }
        });
        ch.on('close', () => resolve());
      });
    });
    expect(b.tty.opened).toBe(before + 1);
    expect(b.tty.readers()).toBe(0); // the job's stream was closed by the hang-up
  });

  test('Ctrl-D on an empty line logs out', async () => {
    const c = await client();
    const code = await new Promise<number | null>((resolve, reject) => {
      c.shell((err, ch) => {
        if (err) return reject(err);
        let sent = false;
        let code: number | null = null;
        ch.on('data', (d: Buffer) => {
          if (!sent && d.toString().endsWith('# ')) {
            sent = true;
            ch.write('false\r\x04');
          }
        });
        ch.on('exit', (x: number | null) => (code = x));
        ch.on('close', () => resolve(code));
      });
    });
    expect(code).toBe(1);
  });
});
