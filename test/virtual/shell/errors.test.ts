// Exact error texts and exit statuses, as bash and GNU coreutils print them on the board (DESIGN §5, remoteproc.md §1.3).
import { board, run } from './fixture';

const STATE = '/sys/class/remoteproc/remoteproc0/state';

describe('bash errors', () => {
  test('a failing sysfs write: "bash: echo: write error: …", status 1, the script continues (remoteproc.md §1.3 EBUSY)', async () => {
    const b = board();
    b.stateError.errno = 'EBUSY';
    expect(await run(b, `echo start > ${STATE}; echo rc=$?`)).toEqual({
      out: 'rc=1\n',
      err: 'bash: echo: write error: Device or resource busy\n',
      code: 0,
    });
  });

  test('EINVAL from a state write reads "Invalid argument"; printf reports as printf', async () => {
    const b = board();
    b.stateError.errno = 'EINVAL';
    expect(await run(b, `printf bogus > ${STATE}`)).toEqual({ out: '', err: 'bash: printf: write error: Invalid argument\n', code: 1 });
  });

  test('cat into a failing attribute is cat\'s own write error', async () => {
    const b = board();
    await run(b, 'echo start > /tmp/cmd');
    b.stateError.errno = 'EBUSY';
    expect(await run(b, `cat /tmp/cmd > ${STATE}`)).toEqual({ out: '', err: 'cat: write error: Device or resource busy\n', code: 1 });
  });

  test('command not found: 127', async () => {
    expect(await run(board(), 'modprobe rpmsg_tty')).toEqual({ out: '', err: 'bash: modprobe: command not found\n', code: 127 });
  });

  test('names of JavaScript object properties are not commands', async () => {
    expect(await run(board(), 'constructor; toString; __proto__')).toEqual({
      out: '',
      err: 'bash: constructor: command not found\nbash: toString: command not found\nbash: __proto__: command not found\n',
      code: 127,
    });
  });

  test('a path that is not a command: 127 when missing, 126 when it is a file', async () => {
    const b = board();
    expect(await run(b, './run.sh')).toEqual({ out: '', err: 'bash: ./run.sh: No such file or directory\n', code: 127 });
    await run(b, 'echo x > /root/run.sh');
    expect(await run(b, './run.sh')).toEqual({ out: '', err: 'bash: ./run.sh: Permission denied\n', code: 126 });
  });

  test('redirect into a missing directory, onto a directory, onto a read-only attribute: status 1', async () => {
    const b = board();
    expect(await run(b, 'echo x > /x/y')).toEqual({ out: '', err: 'bash: /x/y: No such file or directory\n', code: 1 });
    expect(await run(b, 'echo x > /tmp')).toEqual({ out: '', err: 'bash: /tmp: Is a directory\n', code: 1 });
    expect(await run(b, 'echo x > /sys/class/remoteproc/remoteproc0/name')).toEqual({
      out: '',
      err: 'bash: /sys/class/remoteproc/remoteproc0/name: Permission denied\n',
      code: 1,
    });
    expect(await run(b, 'cat < /nope')).toEqual({ out: '', err: 'bash: /nope: No such file or directory\n', code: 1 });
  });

  test('cd errors', async () => {
    const b = board();
    await run(b, 'touch /tmp/f');
    expect(await run(b, 'cd /nope')).toEqual({ out: '', err: 'bash: cd: /nope: No such file or directory\n', code: 1 });
    expect(await run(b, 'cd /tmp/f')).toEqual({ out: '', err: 'bash: cd: /tmp/f: Not a directory\n', code: 1 });
  });

  test('[ errors: status 2', async () => {
    expect(await run(board(), '[ 1 -eq')).toEqual({ out: '', err: "bash: [: missing `]'\n", code: 2 });
    expect(await run(board(), '[ abc -eq 1 ]')).toEqual({ out: '', err: 'bash: [: abc: integer expression expected\n', code: 2 });
  });

  test('exit with a non-number', async () => {
    expect(await run(board(), 'exit abc')).toEqual({ out: '', err: 'bash: exit: abc: numeric argument required\n', code: 2 });
  });
});

describe('coreutils errors', () => {
  test.each([
    ['cat /nope', 'cat: /nope: No such file or directory\n', 1],
    ['cat /tmp', 'cat: /tmp: Is a directory\n', 1],
    ['cat /sys/kernel/debug/remoteproc/remoteproc0/crash', 'cat: /sys/kernel/debug/remoteproc/remoteproc0/crash: Permission denied\n', 1],
    ['ls /nope', "ls: cannot access '/nope': No such file or directory\n", 2],
    ['mkdir /a/b', "mkdir: cannot create directory '/a/b': No such file or directory\n", 1],
    ['mkdir /tmp', "mkdir: cannot create directory '/tmp': File exists\n", 1],
    ['rm /nope', "rm: cannot remove '/nope': No such file or directory\n", 1],
    ['rm /tmp', "rm: cannot remove '/tmp': Is a directory\n", 1],
    ['rm /sys/class/remoteproc/remoteproc0/state', "rm: cannot remove '/sys/class/remoteproc/remoteproc0/state': Operation not permitted\n", 1],
    ['stat /nope', "stat: cannot statx '/nope': No such file or directory\n", 1],
    ['sha256sum /nope', 'sha256sum: /nope: No such file or directory\n', 1],
    ['head /nope', "head: cannot open '/nope' for reading: No such file or directory\n", 1],
    ['tail /nope', "tail: cannot open '/nope' for reading: No such file or directory\n", 1],
    ['grep x /nope', 'grep: /nope: No such file or directory\n', 2],
    ['wc -l /nope', 'wc: /nope: No such file or directory\n', 1],
    ['mv /nope /tmp/x', "mv: cannot stat '/nope': No such file or directory\n", 1],
    ['cp /nope /tmp/x', "cp: cannot stat '/nope': No such file or directory\n", 1],
    ['cp /tmp /root/x', "cp: -r not specified; omitting directory '/tmp'\n", 1],
    ['rmdir /root', "rmdir: failed to remove '/root': Directory not empty\n", 1],
    ['sleep x', "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n", 1],
    ['ls -z', "ls: invalid option -- 'z'\nTry 'ls --help' for more information.\n", 2],
    ['stty -F /dev/nope raw', 'stty: /dev/nope: No such file or directory\n', 1],
    ['stty -F /dev/ttyRPMSG0 bogus', "stty: invalid argument 'bogus'\nTry 'stty --help' for more information.\n", 1],
    ['touch /no/dir/f', "touch: cannot touch '/no/dir/f': No such file or directory\n", 1],
  ])('%s', async (script, err, code) => {
    const b = board();
    await run(b, 'touch /root/keep');
    expect(await run(b, script)).toEqual({ out: '', err, code });
  });

  test('ENOSPC while copying into a full /lib/firmware keeps the bytes that fit', async () => {
    const b = board();
    b.fs.setQuota('/lib/firmware', 4);
    await run(b, 'echo 0123456789 > /tmp/fw.elf');
    expect(await run(b, 'cp /tmp/fw.elf /lib/firmware/')).toEqual({
      out: '',
      err: "cp: error writing '/lib/firmware/fw.elf': No space left on device\n",
      code: 1,
    });
    expect((await run(b, 'cat /lib/firmware/fw.elf')).out).toBe('0123');
    expect((await run(b, 'echo more > /lib/firmware/x')).err).toBe('bash: echo: write error: No space left on device\n');
  });
});
