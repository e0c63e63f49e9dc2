// Runs console command lines in the board's own shell (the one SSH uses), one session per login.
import type { VirtualFs } from '../fs/types';
import { Shell } from '../shell/shell';
import type { ShellHost } from '../shell/types';
import type { ConsoleShell } from './getty';

/** A new login shell for each `root` login on the console; cwd and variables persist within the session. */
export function consoleShellFactory(fs: VirtualFs, host: () => ShellHost): () => ConsoleShell {
  return () => {
    const shell = new Shell({ fs, host: host(), mode: 'interactive' });
    return {
      run: (line, output, signal) =>
        shell.run(line, {
          stdin: null,
          stdout: (c) => output(typeof c === 'string' ? c : Buffer.from(c).toString('utf8')),
          stderr: (c) => output(typeof c === 'string' ? c : Buffer.from(c).toString('utf8')),
          signal,
          tty: true,
        }),
      get ended() {
        return shell.exitCode !== null;
      },
      get cwd() {
        return shell.cwd;
      },
    };
  };
}
