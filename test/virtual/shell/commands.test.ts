// The commands a board's shell offers (DESIGN §5), each checked against GNU/bash output formats.
import { createHash } from 'node:crypto';
import { board, chunks, run } from './fixture';

describe('output commands', () => {
  test('echo -n, -e and combined flags', async () => {
    const r = await run(board(), 'echo -n a; echo -e "b\\tc\\x41\\0101"; echo -ne "d\\n"; echo -e "stop\\cignored"; echo -x');
    expect(r.out).toBe('ab\tcAA\nd\nstop-x\n');
  });

  test('printf formats, pads, reuses the format for extra arguments', async () => {
    const r = await run(board(), 'printf "%s=%d;" a 1 b 2; printf "\\n[%5s|%-3s|%03d|%x|%#X|%%]\\n" ab c 7 255 255; printf "%.2f %c %b\\n" 3.14159 xyz "t\\tb"');
    expect(r.out).toBe('a=1;b=2;\n[   ab|c  |007|ff|0XFF|%]\n3.14 x t\tb\n');
  });

  test('printf field widths are bounded (no unbounded allocation)', async () => {
    const r = await run(board(), 'printf "%999999999d" 1 | wc -c; printf "%.500f\\n" 1 | wc -c');
    expect(r.out).toBe('65536\n103\n');
  });

  test('printf with a bad number reports it and still prints', async () => {
    expect(await run(board(), 'printf "%d\\n" 12abc')).toEqual({ out: '12\n', err: 'bash: printf: 12abc: invalid number\n', code: 1 });
  });
});

describe('file commands', () => {
  test('ls, ls -1, ls -a, ls -d, ls of several operands', async () => {
    const b = board();
    await run(b, 'mkdir -p /srv/d; touch /srv/b /srv/a /srv/.hidden');
    expect((await run(b, 'ls /srv')).out).toBe('a\nb\nd\n');
    expect((await run(b, 'ls -a /srv')).out).toBe('.\n..\n.hidden\na\nb\nd\n');
    expect((await run(b, 'ls -d /srv')).out).toBe('/srv\n');
    expect((await run(b, 'ls /srv/a /srv/d /tmp')).out).toBe('/srv/a\n\n/srv/d:\n\n/tmp:\n');
  });

  test('ls -l shows type, mode, size and name', async () => {
    const b = board();
    await run(b, 'printf 12345 > /tmp/f; mkdir /tmp/d');
    const lines = (await run(b, 'ls -l /tmp')).out.split('\n');
    expect(lines[0]).toBe('total 4');
    expect(lines[1]).toMatch(/^drwxr-xr-x 2 root root 4096 \w{3} [ \d]\d \d\d:\d\d d$/);
    expect(lines[2]).toMatch(/^-rw-r--r-- 1 root root {4}5 \w{3} [ \d]\d \d\d:\d\d f$/);
    expect((await run(b, 'ls -l /dev/ttyRPMSG0')).out).toMatch(/^crw------- 1 root root 0 /);
  });

  test('stat -c formats and the default layout', async () => {
    const b = board();
    await run(b, 'printf abc > /tmp/f');
    expect((await run(b, 'stat -c "%s %a %A %F %n" /tmp/f /sys/class/remoteproc/remoteproc0/state /tmp')).out).toBe(
      '3 644 -rw-r--r-- regular file /tmp/f\n4096 644 -rw-r--r-- regular file /sys/class/remoteproc/remoteproc0/state\n4096 755 drwxr-xr-x directory /tmp\n',
    );
    expect((await run(b, 'stat --format=%s /tmp/f')).out).toBe('3\n');
    const full = (await run(b, 'stat /tmp/f')).out;
    expect(full).toMatch(/^ {2}File: \/tmp\/f\n {2}Size: 3\tBlocks: 8\tIO Block: 4096 {3}regular file\n/);
    expect(full).toContain('Access: (0644/-rw-r--r--)  Uid: (    0/    root)');
  });

  test('sha256sum and md5sum of files and stdin', async () => {
    const b = board();
    await run(b, 'printf hello > /tmp/h');
    const sha = createHash('sha256').update('hello').digest('hex');
    const md5 = createHash('md5').update('hello').digest('hex');
    expect((await run(b, 'sha256sum /tmp/h; cat /tmp/h | sha256sum; md5sum /tmp/h')).out).toBe(`${sha}  /tmp/h\n${sha}  -\n${md5}  /tmp/h\n`);
  });

  test('mkdir -p, rm -f, rm -r, rmdir', async () => {
    const b = board();
    const r = await run(b, 'mkdir -p /a/b/c && touch /a/b/c/f && rm -f /nope && rm -r /a/b && ls /a && rmdir /a && ls / | grep -c "^a$"');
    expect(r).toEqual({ out: '0\n', err: '', code: 1 });
  });

  test('mv renames and moves into a directory; cp copies, cp -r copies trees', async () => {
    const b = board();
    const r = await run(b, 'echo 1 > /tmp/a; mv /tmp/a /tmp/b; mkdir /tmp/d; mv /tmp/b /tmp/d; cat /tmp/d/b; cp /tmp/d/b /tmp/c; cp -r /tmp/d /tmp/e; cat /tmp/c /tmp/e/b; ls /tmp');
    expect(r.out).toBe('1\n1\n1\nc\nd\ne\n');
  });

  test('chmod with octal and symbolic modes (what an upload with a mode runs: `cat > f && chmod 644 f`)', async () => {
    const b = board();
    expect((await run(b, 'cat > /tmp/f && chmod 600 /tmp/f && stat -c %a /tmp/f; chmod a+x /tmp/f; stat -c %A /tmp/f', { stdin: chunks('x') })).out).toBe('600\n-rwx--x--x\n');
    expect(await run(b, 'chmod 644 /nope')).toEqual({ out: '', err: "chmod: cannot access '/nope': No such file or directory\n", code: 1 });
  });

  test('base64 encodes wrapped at 76 columns and decodes with -d (binary-safe reads over exec)', async () => {
    const b = board();
    const data = Buffer.from(Array.from({ length: 100 }, (_, i) => (i * 37) % 256));
    await b.fs.writeFile('/tmp/bin', data);
    const enc = data.toString('base64');
    expect((await run(b, 'base64 /tmp/bin')).out).toBe(`${enc.slice(0, 76)}\n${enc.slice(76)}\n`);
    expect((await run(b, 'base64 /tmp/bin | base64 -d | sha256sum')).out).toBe(`${createHash('sha256').update(data).digest('hex')}  -\n`);
  });

  test('dd cuts bytes with bs/skip/count and writes of=, reporting records on stderr', async () => {
    const b = board();
    await run(b, 'printf 0123456789 > /tmp/src');
    const r = await run(b, 'dd if=/tmp/src of=/tmp/out bs=2 skip=1 count=3');
    expect(r.err).toMatch(/^3\+0 records in\n3\+0 records out\n6 bytes copied, /);
    expect((await run(b, 'cat /tmp/out; dd if=/tmp/src bs=4 count=1 status=none')).out).toBe('2345670123');
  });

  test('hexdump -C prints the canonical dump', async () => {
    const b = board();
    await run(b, 'printf "ABC\\001" > /tmp/x');
    expect((await run(b, 'hexdump -C /tmp/x')).out).toBe('00000000  41 42 43 01                                       |ABC.|\n00000004\n');
  });

  test('test / [ file and string operators', async () => {
    const r = await run(
      board(),
      'for e in "-e /tmp" "-d /tmp" "-f /tmp" "-c /dev/ttyRPMSG0" "-w /sys/class/remoteproc/remoteproc0/name" "-r /sys/kernel/debug/remoteproc/remoteproc0/crash" "-n x" "-z x" "a = a" "a != a" "3 -gt 2" "! -e /nope"; do if [ $e ]; then printf 1; else printf 0; fi; done; echo',
    );
    expect(r.out).toBe('110100101011\n');
  });
});

describe('text filters', () => {
  const text = 'alpha\nBeta\ngamma\ndelta\nepsilon\n';

  test('head -n, head -N, head -c, tail -n, tail -n +N, tail -c', async () => {
    const b = board();
    await run(b, `printf '${text}' > /tmp/t`);
    expect((await run(b, 'head -n 2 /tmp/t; head -1 /tmp/t; head -c 3 /tmp/t; echo; tail -n 2 /tmp/t; tail -n +4 /tmp/t; tail -c 4 /tmp/t')).out).toBe(
      'alpha\nBeta\nalpha\nalp\ndelta\nepsilon\ndelta\nepsilon\nlon\n',
    );
  });

  test('grep -q -c -v -E -F -i -n -o -x -w', async () => {
    const b = board();
    await run(b, `printf '${text}' > /tmp/t`);
    expect(await run(b, 'grep -q gamma /tmp/t; echo $?; grep -q zeta /tmp/t; echo $?')).toMatchObject({ out: '0\n1\n' });
    expect((await run(b, 'grep -c a /tmp/t; grep -v a /tmp/t; grep -i beta /tmp/t')).out).toBe('4\nepsilon\nBeta\n');
    expect((await run(b, 'grep -E "^(al|ep)" /tmp/t; grep -F "a.p" /tmp/t; echo $?')).out).toBe('alpha\nepsilon\n1\n');
    expect((await run(b, 'grep -n "^d" /tmp/t; grep -o "e[lp]" /tmp/t; grep -x Beta /tmp/t; echo "run running" | grep -ow run')).out).toBe('4:delta\nel\nep\nBeta\nrun\n');
    expect((await run(b, 'grep "\\(al\\)\\{1\\}p" /tmp/t; grep "a+" /tmp/t; echo $?')).out).toBe('alpha\n1\n');
  });

  test('wc counts like GNU wc (no padding for one count, width 7 for stdin)', async () => {
    const b = board();
    await run(b, `printf '${text}' > /tmp/t`);
    expect((await run(b, 'wc -l /tmp/t; wc -c < /tmp/t; printf "a b\\nc\\n" | wc')).out).toBe('5 /tmp/t\n31\n      2       3       6\n');
  });

  test('tr translates, deletes, squeezes, uses classes', async () => {
    expect((await run(board(), 'echo hello | tr a-y b-z; echo hello | tr -d l; echo "a    b" | tr -s " "; echo Mixed | tr "[:lower:]" "[:upper:]"')).out).toBe(
      'ifmmp\nheo\na b\nMIXED\n',
    );
  });

  test('cut -d -f and -c; basename; dirname', async () => {
    expect((await run(board(), 'echo a:b:c | cut -d: -f2; echo a:b:c | cut -d: -f1,3; echo abcdef | cut -c2-4; basename /lib/firmware/fw.elf .elf; dirname /lib/firmware/fw.elf')).out).toBe(
      'b\na:c\nbcd\nfw\n/lib/firmware\n',
    );
  });

  test('sed: s///g with groups and &, -n with p, d, $ and /RE/ addresses, q', async () => {
    const b = board();
    await run(b, `printf '${text}' > /tmp/t`);
    expect((await run(b, "sed 's/a/A/' /tmp/t | head -n 2; sed -n '2p;$p' /tmp/t; sed '/a/d' /tmp/t")).out).toBe('Alpha\nBetA\nBeta\nepsilon\nepsilon\n');
    expect((await run(b, "echo fw-v1.2.elf | sed -E 's/v([0-9]+)\\.([0-9]+)/[\\2.\\1]/g; s/-/_/'; echo aaa | sed 's/a/<&>/g'; sed 3q /tmp/t | wc -l")).out).toBe('fw_[2.1].elf\n<a><a><a>\n3\n');
    expect(await run(b, "sed 'k' /tmp/t")).toEqual({ out: '', err: "sed: -e expression #1, char 1: unknown command: `k'\n", code: 1 });
  });

  test('read assigns a line from stdin; -r keeps backslashes', async () => {
    const r = await run(board(), 'read a b; echo "[$a][$b]"; read -r line; echo "$line"', { stdin: chunks('one two three\n', 'x\\y\n') });
    expect(r.out).toBe('[one][two three]\nx\\y\n');
  });

  test('cat - and cat with no operand read stdin', async () => {
    expect((await run(board(), 'cat; cat -', { stdin: chunks('in', 'put\n') })).out).toBe('input\n');
  });
});

describe('command lines the harness itself sends (harness/remoteproc, transports/ssh)', () => {
  test('grep -H . over a glob names each instance', async () => {
    expect(await run(board(), 'grep -H . /sys/class/remoteproc/*/name')).toEqual({ out: '/sys/class/remoteproc/remoteproc0/name:m4\n', err: '', code: 0 });
  });

  test('ls of a glob with no match, stderr discarded: no output, status 2', async () => {
    expect(await run(board(), 'ls /dev/ttyRPMSG9* 2>/dev/null')).toEqual({ out: '', err: '', code: 2 });
    expect(await run(board(), 'ls /dev/ttyRPMSG* 2>/dev/null')).toEqual({ out: '/dev/ttyRPMSG0\n', err: '', code: 0 });
  });

  test("quoted values and paths: echo 'start' > '…/state', mv -f, rm -f, test -e", async () => {
    const b = board();
    const r = await run(b, "echo 'start' > '/sys/class/remoteproc/remoteproc0/state' && echo x > '/tmp/a b' && mv -f '/tmp/a b' /tmp/c && rm -f /tmp/c /tmp/none && test -e /tmp/c; echo $?");
    expect(r.out).toBe('1\n');
    expect(b.stateWrites).toEqual(['start\n']);
  });

  test('hexdump -v -C of a binary file', async () => {
    const b = board();
    await b.fs.writeFile('/tmp/z', new Uint8Array(20));
    expect((await run(b, 'hexdump -v -C /tmp/z')).out).toBe(
      '00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n00000010  00 00 00 00                                       |....|\n00000014\n',
    );
  });
});

describe('system commands', () => {
  test('uname with each flag and -a', async () => {
    expect((await run(board(), 'uname; uname -r; uname -n; uname -m; uname -s -r; uname -a')).out).toBe(
      'Linux\n6.6.48\nstm32mp1\narmv7l\nLinux 6.6.48\nLinux stm32mp1 6.6.48 #1 SMP PREEMPT Thu Jan 1 00:00:00 UTC 2026 armv7l GNU/Linux\n',
    );
  });

  test('dmesg prints the ring; dmesg -c prints then clears; dmesg -C clears silently', async () => {
    const b = board();
    expect((await run(b, 'dmesg | tail -n 1')).out).toBe('[    1.234567] remoteproc remoteproc0: m4 is available\n');
    expect((await run(b, 'dmesg -c | wc -l; dmesg | wc -l')).out).toBe('2\n0\n');
    b.host.log.push('[    2.000000] x');
    expect(await run(b, 'dmesg -C; dmesg')).toEqual({ out: '', err: '', code: 0 });
  });

  test('stty accepts the usual tty settings on an rpmsg tty', async () => {
    expect(await run(board(), 'stty -F /dev/ttyRPMSG0 raw -echo -onlcr 115200 min 1 time 0')).toEqual({ out: '', err: '', code: 0 });
  });

  test('true, false, sync, sleep, pwd, hostname, which, command -v, type', async () => {
    const r = await run(board(), 'true; echo $?; false; echo $?; sync; sleep 0.01; pwd; hostname; which cat dmesg; command -v echo; command -v nosuch; echo $?; type cd');
    expect(r.out).toBe('0\n1\n/root\nstm32mp1\n/bin/cat\n/bin/dmesg\necho\n1\ncd is a shell builtin\n');
  });

  test('export makes variables visible to env; unset removes them', async () => {
    expect((await run(board(), 'export FW=a.elf; env | grep ^FW=; unset FW; env | grep -c ^FW=')).out).toBe('FW=a.elf\n0\n');
  });

  test('date +FORMAT', async () => {
    expect((await run(board(), 'date +%Y-%m-%dT%H')).out).toMatch(/^\d{4}-\d\d-\d\dT\d\d\n$/);
  });

  test('ShellHost.commands adds board commands', async () => {
    const b = board();
    b.host.commands = {
      reboot: async (ctx) => {
        await ctx.stdout.write(`rebooting ${ctx.argv.slice(1).join(' ')}\n`);
        return 0;
      },
    };
    expect((await run(b, 'reboot -f; /sbin/reboot now')).out).toBe('rebooting -f\nrebooting now\n');
  });
});
