// The CLI entry wrapper: usage → 2 with usage line, bad input → 2 with what/where/what-to-do, anything else → 3, no stack.
import { ConfigError, ElfError, InfraError, InputError, UsageError } from '../../harness/errors';
import { runMain, type CliIO, type CliMain } from '../../harness/cli/run';

async function run(main: CliMain, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), cwd: '/' };
  const code = await runMain(main, [], io, env);
  return { code, stdout, stderr };
}

const throwing = (e: unknown): CliMain => async () => {
  throw e;
};

describe('runMain', () => {
  test('returns the exit code of main and leaves its output alone', async () => {
    const r = await run(async (_argv, io) => {
      io.stdout('hello\n');
      return 1;
    });
    expect(r).toEqual({ code: 1, stdout: 'hello\n', stderr: '' });
  });

  test('a UsageError exits 2 with the message and the usage line', async () => {
    const r = await run(throwing(new UsageError('unknown option --x', { usage: 'rsc lint <elf> [--board B] [--json]' })));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: unknown option --x\nusage: rsc lint <elf> [--board B] [--json]\n');
  });

  test('an ElfError exits 2 saying what, where and what to do', async () => {
    const r = await run(throwing(new ElfError('section header table runs past the end of the file', { offset: 0x1f40, file: 'fw.elf' })));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: section header table runs past the end of the file (in fw.elf, at file offset 0x1f40)\n' +
        'Check that the file is a complete ELF firmware image (arm-none-eabi-readelf -h shows its header).\n',
    );
  });

  test('a ConfigError that names its file and key is shown as is (it carries its own advice)', async () => {
    const message = 'boards/x.yaml: coprocessor.memory[0].da: expected an integer, found "abc"\nFix the profile.';
    const r = await run(throwing(new ConfigError(message, { file: '/repo/boards/x.yaml', keyPath: 'coprocessor.memory[0].da' })));
    expect(r).toEqual({ code: 2, stdout: '', stderr: `error: ${message}\n` });
  });

  test('an I/O InputError carries its own hint when given one', async () => {
    const r = await run(throwing(new InputError('E_IO', 'cannot write out.elf: permission denied', { file: 'out.elf', hint: 'Pick a writable directory.' })));
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: cannot write out.elf: permission denied\nPick a writable directory.\n' });
  });

  test('an unexpected error exits 3 with its message and no stack unless HIL_DEBUG=1', async () => {
    const bug = new TypeError('cannot read properties of undefined');
    const quiet = await run(throwing(bug));
    expect(quiet.code).toBe(3);
    expect(quiet.stderr).toBe('error: cannot read properties of undefined\nThis is a bug in rproc-hil; run again with HIL_DEBUG=1 for a stack trace.\n');
    const loud = await run(throwing(bug), { HIL_DEBUG: '1' });
    expect(loud.code).toBe(3);
    expect(loud.stderr).toContain('    at ');
  });

  test('an infrastructure error exits 3 with its code, not as a bug', async () => {
    const r = await run(throwing(new InfraError('E_TRANSPORT', 'connection to 192.0.2.21:22 refused')));
    expect(r).toEqual({ code: 3, stdout: '', stderr: 'error: E_TRANSPORT: connection to 192.0.2.21:22 refused\n' });
  });

  test('a thrown non-Error value still gives a message', async () => {
    const r = await run(throwing('plain string'));
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n')[0]).toBe('error: plain string');
  });
});
