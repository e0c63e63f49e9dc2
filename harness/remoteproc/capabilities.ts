// Capability interfaces the drivers use (labgrid-style): the SSH transport implements them, fakes in tests keep their rules.

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** exit status, null when the command died from a signal */
  code: number | null;
}

export interface ExecOptions {
  /** phase name for timeout messages, e.g. "remoteproc start" */
  phase: string;
  timeoutMs: number;
  stdin?: string | Uint8Array;
}

/** A long-lived remote command (e.g. `cat /dev/ttyRPMSG0`). */
export interface RemoteStream {
  onData(cb: (chunk: Buffer) => void): void;
  onStderr(cb: (chunk: Buffer) => void): void;
  write(data: string | Uint8Array): Promise<void>;
  /** end stdin and close the channel */
  close(): void;
  /** resolves with the exit code when the remote command ends */
  exited: Promise<number | null>;
}

export interface CommandRunner {
  exec(command: string, opts: ExecOptions): Promise<ExecResult>;
  stream(command: string): Promise<RemoteStream>;
}

export interface FileTransfer {
  upload(data: Uint8Array, remotePath: string, opts?: { mode?: number; phase?: string; timeoutMs?: number }): Promise<void>;
}
