// Streams: char devices deliver output while the command runs, writes reach CharStream.write, jobs, kill, abort.
import { FsError } from '../../../harness/virtual/fs/types';
import { board, chunks, dec, run } from './fixture';
import type { RunResult } from './fixture';

/** Resolves once `cond()` holds, checking after each macrotask (no wall-clock budget). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}

function started(b: ReturnType<typeof board>, script: string, extra = {}): { result: Promise<RunResult>; out: () => string; done: () => boolean } {
  let out = '';
  let finished = false;
  const result = run(b, script, { stdout: (c: Uint8Array | string) => (out += dec(c)), ...extra }).then((r) => {
    finished = true;
    return { ...r, out };
  });
  return { result, out: () => out, done: () => finished };
}

describe('reading a char device', () => {
  test('cat /dev/ttyRPMSG0 delivers chunks before the command ends, and ends when the device hangs up', async () => {
    const b = board();
    const s = started(b, 'cat /dev/ttyRPMSG0; echo rc=$?');
    await until(() => b.tty.opened === 1);
    b.tty.push('first\n');
    await until(() => s.out() === 'first\n');
    expect(s.done()).toBe(false);
    b.tty.push('second\n');
    await until(() => s.out() === 'first\nsecond\n');
    b.tty.hangUp();
    expect((await s.result).out).toBe('first\nsecond\nrc=0\n');
  });

  test('aborting the caller (channel closed, Ctrl-C) stops a blocked cat with status 130', async () => {
    const b = board();
    const ctl = new AbortController();
    const s = started(b, 'cat /dev/ttyRPMSG0', { signal: ctl.signal });
    await until(() => b.tty.opened === 1);
    ctl.abort();
    expect((await s.result).code).toBe(130);
  });

  test('a pipeline reader that finishes stops the cat feeding it (grep -m1 waits for pong)', async () => {
    const b = board();
    const s = started(b, 'cat /dev/ttyRPMSG0 | grep -m1 pong; echo rc=$?');
    await until(() => b.tty.opened === 1);
    b.tty.push('noise\npo');
    b.tty.push('ng\nmore\n');
    expect((await s.result).out).toBe('pong\nrc=0\n');
  });

  test('read and while-read take lines from a device as they arrive', async () => {
    const b = board();
    const s = started(b, 'read first < /dev/ttyRPMSG0; echo "1:$first"; while read l; do echo "got $l"; done < /dev/ttyRPMSG0');
    await until(() => b.tty.opened === 1);
    b.tty.push('hello\n');
    await until(() => b.tty.opened === 2);
    b.tty.push('a\nb\n');
    await until(() => s.out().includes('got b'));
    b.tty.hangUp();
    expect((await s.result).out).toBe('1:hello\ngot a\ngot b\n');
  });

  test('timeout ends a command that runs too long with 124', async () => {
    const r = await run(board(), 'timeout 0.05 cat /dev/ttyRPMSG0; echo $?');
    expect(r.out).toBe('124\n');
  });
});

describe('writing a char device', () => {
  test('echo, printf and cat FILE > /dev/ttyRPMSG0 reach CharStream.write', async () => {
    const b = board();
    const seen: string[] = [];
    b.tty.open().onData((c) => c && seen.push(dec(c)));
    await run(b, 'echo ping > /dev/ttyRPMSG0; printf "info" > /dev/ttyRPMSG0; echo file > /tmp/f; cat /tmp/f > /dev/ttyRPMSG0');
    await until(() => seen.length === 3);
    expect(seen).toEqual(['ping\n', 'info', 'file\n']);
  });

  test('cat > /dev/ttyRPMSG0 forwards stdin chunk by chunk', async () => {
    const b = board();
    const seen: string[] = [];
    b.tty.open().onData((c) => c && seen.push(dec(c)));
    await run(b, 'cat > /dev/ttyRPMSG0', { stdin: chunks('one\n', 'two\n') });
    await until(() => seen.length === 2);
    expect(seen).toEqual(['one\n', 'two\n']);
  });

  test('a write the device rejects is a write error (EIO after hang-up)', async () => {
    const b = board();
    b.fs.setSpecial('/dev/ttyRPMSG1', {
      kind: 'chardev',
      mode: 0o600,
      open: () => ({
        onData: () => undefined,
        write: async () => {
          throw new FsError('EIO', '/dev/ttyRPMSG1');
        },
        close: () => undefined,
      }),
    });
    expect(await run(b, 'echo x > /dev/ttyRPMSG1')).toEqual({ out: '', err: 'bash: echo: write error: Input/output error\n', code: 1 });
  });
});

describe('background jobs', () => {
  test('cat /dev/ttyRPMSG0 & receives the echo of a later write; the exec waits for the job', async () => {
    const b = board();
    const s = started(b, 'cat /dev/ttyRPMSG0 & echo ping > /dev/ttyRPMSG0; echo sent');
    await until(() => s.out().includes('ping\n'));
    expect(s.done()).toBe(false);
    b.tty.hangUp();
    const r = await s.result;
    expect(r.out.split('\n').sort()).toEqual(['', 'ping', 'sent']);
    expect(r.code).toBe(0);
  });

  test('kill %1 and kill $! end a job; wait returns 143 (SIGTERM)', async () => {
    const r = await run(board(), 'cat /dev/ttyRPMSG0 & pid=$!; kill $pid; wait $pid; echo "w=$?"; sleep 100 & kill %2; wait; echo done');
    expect(r.out).toBe('w=143\ndone\n');
  });

  test('kill of an unknown pid', async () => {
    expect(await run(board(), 'kill 4242')).toEqual({ out: '', err: 'bash: kill: (4242) - No such process\n', code: 1 });
  });

  test('aborting ends sleep promptly with 130', async () => {
    const b = board();
    const ctl = new AbortController();
    const s = started(b, 'sleep 600; echo never', { signal: ctl.signal });
    setImmediate(() => ctl.abort());
    const r = await s.result;
    expect(r).toMatchObject({ out: '', code: 130 });
  });
});
