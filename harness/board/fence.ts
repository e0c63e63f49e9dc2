// A gate in front of the runner and file transfer tests use: once the board is being released (end of run, SIGINT,
// SIGTERM), a test still running cannot start, stop or deploy behind the restore's back.
import { InfraError } from '../errors';
import type { CommandRunner, FileTransfer } from '../remoteproc';

export class CommandFence {
  private closedBecause: string | undefined;

  constructor(private readonly board: string) {}

  /** every later call through the fenced capabilities fails with E_TRANSPORT naming `why` */
  close(why: string): void {
    this.closedBecause ??= why;
  }

  get closed(): boolean {
    return this.closedBecause !== undefined;
  }

  private check(what: string): void {
    if (this.closedBecause === undefined) return;
    throw new InfraError('E_TRANSPORT', `board ${this.board}: ${what} refused: the board is being released (${this.closedBecause}) and is no longer available to tests`, { board: this.board, reason: this.closedBecause });
  }

  runner(inner: CommandRunner): CommandRunner {
    return {
      exec: async (command, opts) => {
        this.check(`command "${opts.phase}"`);
        return inner.exec(command, opts);
      },
      stream: async (command) => {
        this.check('stream');
        return inner.stream(command);
      },
    };
  }

  files(inner: FileTransfer): FileTransfer {
    return {
      upload: async (data, remotePath, opts) => {
        this.check(`upload to ${remotePath}`);
        return inner.upload(data, remotePath, opts);
      },
    };
  }
}
