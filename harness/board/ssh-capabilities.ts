// Adapts SshTransport to the driver's capability interfaces (CommandRunner, FileTransfer): exit shapes and stream events differ.
import type { SshTransport } from '../transports';
import type { CommandRunner, ExecOptions, ExecResult, FileTransfer, RemoteStream } from '../remoteproc';

/** The transport as the remoteproc driver's CommandRunner; a stream's `exited` is the remote exit code (null on a signal or a lost link). */
export function sshRunner(transport: SshTransport): CommandRunner {
  return {
    async exec(command: string, opts: ExecOptions): Promise<ExecResult> {
      const r = await transport.exec(command, { phase: opts.phase, timeoutMs: opts.timeoutMs, ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}) });
      return { stdout: r.stdout, stderr: r.stderr, code: r.code };
    },
    async stream(command: string): Promise<RemoteStream> {
      const s = await transport.stream(command);
      return {
        onData: (cb) => void s.on('data', cb),
        onStderr: (cb) => void s.on('stderr', cb),
        write: (data) => s.write(data),
        // close() signals the remote command first so a blocked reader on the board lets go of its device
        close: () => void s.close(),
        exited: s.exit.then((e) => e.code),
      };
    },
  };
}

/** The transport as the driver's FileTransfer (SFTP, or `cat >` when the board has no sftp subsystem). */
export function sshFiles(transport: SshTransport): FileTransfer {
  return {
    upload: (data, remotePath, opts = {}) =>
      transport.upload(data, remotePath, {
        ...(opts.mode !== undefined ? { mode: opts.mode } : {}),
        ...(opts.phase !== undefined ? { phase: opts.phase } : {}),
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      }),
  };
}
