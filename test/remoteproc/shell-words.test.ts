// Everything interpolated into a remote command is quoted (DESIGN §7): hostile values reach the board as one literal word.
import { shq } from '../../harness/remoteproc';
import { disposeBoards, makeBoard } from '../virtual/kernel/fixtures';
import { InProcessRunner } from './in-process-runner';

afterAll(disposeBoards);

test('hostile values survive the board shell as literal single arguments', async () => {
  const runner = new InProcessRunner(await makeBoard());
  const hostile = ["it's", '$(reboot)', '`reboot`', 'a b\tc', 'x;rm -rf /', '-n', 'line1\nline2', '"q"', '*', '$HOME', '\\'];
  for (const v of hostile) {
    const r = await runner.exec(`printf '%s|' ${shq(v)}`, { phase: 'test', timeoutMs: 2000 });
    expect({ v, out: r.stdout, code: r.code }).toEqual({ v, out: `${v}|`, code: 0 });
  }
});

test('plain words stay readable; a NUL is refused', () => {
  expect(shq('/sys/class/remoteproc/remoteproc0/state')).toBe('/sys/class/remoteproc/remoteproc0/state');
  expect(shq('-n')).toBe("'-n'");
  expect(() => shq('a\0b')).toThrow('a remote command argument contains a NUL byte, which no shell can pass');
});
