// Shell syntax (DESIGN §5): quoting, expansions, operators, redirections, compound commands, loud failure on the rest.
import { Shell } from '../../../harness/virtual/shell/shell';
import { board, run } from './fixture';

describe('quoting and expansion', () => {
  test('single quotes keep $ literal, double quotes expand, backslash escapes', async () => {
    const r = await run(board(), `X=val; echo '$X' "$X" "\\$X" \\$X "a'b" 'a"b'`);
    expect(r.out).toBe('$X val $X $X a\'b a"b\n');
  });

  test('${VAR}, ${VAR:-default}, ${#VAR}, $? and $(…) and backquotes', async () => {
    const r = await run(board(), 'A=abc; echo ${A}x ${B:-dflt} ${#A}; false; echo $?; echo "$(echo in sub)" `echo bq`');
    expect(r.out).toBe('abcx dflt 3\n1\nin sub bq\n');
  });

  test('unquoted expansions split into fields, quoted ones do not', async () => {
    const r = await run(board(), 'V="a   b"; for w in $V; do echo "[$w]"; done; for w in "$V"; do echo "[$w]"; done');
    expect(r.out).toBe('[a]\n[b]\n[a   b]\n');
  });

  test('command substitution strips trailing newlines and sets $?', async () => {
    const r = await run(board(), 'x=$(printf "a\\n\\n"); echo "<$x>"; y=$(false); echo $?');
    expect(r.out).toBe('<a>\n1\n');
  });

  test('globs match files sorted; a glob with no match stays literal', async () => {
    const b = board();
    await run(b, 'touch /tmp/b.elf /tmp/a.elf /tmp/c.txt');
    expect((await run(b, 'echo /tmp/*.elf; echo /tmp/*.none')).out).toBe('/tmp/a.elf /tmp/b.elf\n/tmp/*.none\n');
    expect((await run(b, 'cat /sys/class/remoteproc/remoteproc*/name')).out).toBe('m4\n');
  });

  test('~ expands to /root', async () => {
    expect((await run(board(), 'echo ~ ~/x')).out).toBe('/root /root/x\n');
  });
});

describe('operators', () => {
  test('; && || and ! follow exit statuses', async () => {
    const r = await run(board(), 'true && echo a; false && echo b; false || echo c; true || echo d; ! false && echo e');
    expect(r.out).toBe('a\nc\ne\n');
  });

  test('a pipeline passes bytes and takes the status of its last command', async () => {
    const r = await run(board(), 'printf "x\\ny\\nx\\n" | grep x | wc -l; echo hi | false; echo $?');
    expect(r.out).toBe('2\n1\n');
  });

  test('exit N stops the script with N; the rest does not run', async () => {
    const r = await run(board(), 'echo before; exit 3; echo after');
    expect(r).toEqual({ out: 'before\n', err: '', code: 3 });
  });

  test('the script status is the status of its last command', async () => {
    expect((await run(board(), 'true; false')).code).toBe(1);
    expect((await run(board(), 'false; true')).code).toBe(0);
  });

  test('assignment before a command is only in its environment', async () => {
    const r = await run(board(), 'FOO=1 env | grep FOO; echo "[$FOO]"');
    expect(r.out).toBe('FOO=1\n[]\n');
  });

  test('cd changes the directory for later commands; relative paths follow it', async () => {
    const r = await run(board(), 'cd /tmp && echo hi > rel && cat /tmp/rel && pwd');
    expect(r.out).toBe('hi\n/tmp\n');
  });
});

describe('redirections', () => {
  test('> truncates, >> appends, < reads', async () => {
    const r = await run(board(), 'echo a > /tmp/f; echo b >> /tmp/f; echo c >> /tmp/f; cat < /tmp/f; echo z > /tmp/f; cat /tmp/f');
    expect(r.out).toBe('a\nb\nc\nz\n');
  });

  test('2>&1 sends stderr into the stdout pipe; 2>/dev/null and >/dev/null discard', async () => {
    const b = board();
    expect(await run(b, 'cat /nope 2>&1 | tr a-z A-Z')).toEqual({ out: 'CAT: /NOPE: NO SUCH FILE OR DIRECTORY\n', err: '', code: 0 });
    expect(await run(b, 'cat /nope 2>/dev/null; echo $?')).toEqual({ out: '1\n', err: '', code: 0 });
    expect(await run(b, 'echo hidden >/dev/null')).toEqual({ out: '', err: '', code: 0 });
  });

  test('>&2 and &> route streams', async () => {
    const b = board();
    expect(await run(b, 'echo to-err >&2')).toEqual({ out: '', err: 'to-err\n', code: 0 });
    await run(b, 'cat /nope &> /tmp/both; echo out &>> /tmp/both');
    expect((await run(b, 'cat /tmp/both')).out).toBe('cat: /nope: No such file or directory\nout\n');
  });

  test('each echo is one write(2) on a sysfs attribute, and a redirect opens without writing', async () => {
    const b = board();
    await run(b, 'echo start > /sys/class/remoteproc/remoteproc0/state; echo -n stop > /sys/class/remoteproc/remoteproc0/state; : > /sys/class/remoteproc/remoteproc0/state');
    expect(b.stateWrites).toEqual(['start\n', 'stop']);
  });
});

describe('compound commands', () => {
  test('if / elif / else', async () => {
    const r = await run(board(), 'for n in 1 2 3; do if [ $n -eq 1 ]; then echo one; elif [ $n = 2 ]; then echo two; else echo other; fi; done');
    expect(r.out).toBe('one\ntwo\nother\n');
  });

  test('while and until loops, break and continue', async () => {
    const r = await run(board(), 'i=q; while [ "$i" != qqqq ]; do i=${i}q; if [ $i = qqq ]; then continue; fi; echo $i; done; until true; do echo never; done; for a in 1 2 3; do break; echo no; done; echo end');
    expect(r.out).toBe('qq\nqqqq\nend\n');
  });

  test('{ …; } groups share redirections; ( … ) keeps cd and variables inside', async () => {
    const r = await run(board(), '{ echo a; echo b; } > /tmp/g; cat /tmp/g; (cd /tmp; X=1); pwd; echo "[$X]"');
    expect(r.out).toBe('a\nb\n/root\n[]\n');
  });

  test('multi-line scripts with newlines and comments', async () => {
    const r = await run(board(), '# a comment\nfor x in a b\ndo\n  echo $x # trailing\ndone\n');
    expect(r.out).toBe('a\nb\n');
  });

  test('set -e stops at the first failing command but not inside conditions', async () => {
    const r = await run(board(), 'set -e; if false; then echo no; fi; false || echo handled; cat /nope; echo never');
    expect(r.out).toBe('handled\n');
    expect(r.code).toBe(1);
  });

  test('eval runs its arguments as a script', async () => {
    expect((await run(board(), 'CMD="echo hi; echo there"; eval $CMD')).out).toBe('hi\nthere\n');
  });
});

describe('unsupported syntax fails loudly and names what is missing (exit 2, nothing runs)', () => {
  test.each([
    ['cat <<EOF\nx\nEOF', 'here-document (<<)', ''],
    ['case $x in a) echo;; esac', 'case … esac', ''],
    ['f() { echo; }', 'function definition (f())', ''],
    ['echo $((1+2))', 'arithmetic expansion $((…))', ''],
    ['[[ -e /tmp ]]', '[[ … ]] (use [ … ])', ''],
    ['echo ${X/a/b}', 'parameter expansion ${X/a/b}', ''],
    ['echo hi 3>/tmp/x', 'file descriptor 3', 'first\n'], // found while running, like bash's redirection errors
  ])('%j', async (script, what, before) => {
    const r = await run(board(), `echo first; ${script}`);
    expect(r.out).toBe(before);
    expect(r.err).toMatch(new RegExp(`^bash: unsupported syntax: ${what.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(the virtual board's shell supports: `));
    expect(r.code).toBe(2);
  });

  test('syntax errors use bash -c wording with the line number', async () => {
    expect(await run(board(), 'echo ok\necho )')).toEqual({ out: '', err: "bash: -c: line 2: syntax error near unexpected token `)'\n", code: 2 });
    expect(await run(board(), "echo 'open")).toEqual({ out: '', err: "bash: -c: line 1: unexpected EOF while looking for matching `''\n", code: 2 });
    expect((await run(board(), 'if true; then echo x')).err).toBe('bash: -c: line 1: syntax error: unexpected end of file\n');
  });

  test('absurd nesting is a syntax error, not a crash', async () => {
    const r = await run(board(), `${'echo $('.repeat(500)}x${')'.repeat(500)}`);
    expect(r).toEqual({ out: '', err: 'bash: -c: line 1: syntax error: nesting deeper than 100 levels\n', code: 2 });
    expect((await run(board(), `${'echo $('.repeat(20)}echo deep${')'.repeat(20)}`)).out).toBe('deep\n');
  });

  test('the shell name in messages comes from ShellHost.shellName', async () => {
    const b = board();
    b.host.shellName = 'sh';
    expect((await run(b, 'nosuch')).err).toBe('sh: nosuch: command not found\n');
  });
});

describe('session state', () => {
  test('one Shell keeps cwd and variables across runs (an interactive login)', async () => {
    const b = board();
    const sh = new Shell({ fs: b.fs, host: b.host, mode: 'interactive' });
    await run(b, 'cd /tmp; X=42', {}, sh);
    expect((await run(b, 'pwd; echo $X', {}, sh)).out).toBe('/tmp\n42\n');
  });
});
