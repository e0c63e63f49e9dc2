// Public types of the virtual board's SSH server and the context its session handlers share.
import type { VirtualFs } from '../fs/types';
import type { ShellHost } from '../shell/types';

/** Fault knobs; tests and the board CLI mutate the fields of `handle.faults` directly. */
export interface SshFaults {
  /** delay before each command (exec or interactive line) runs */
  latencyMs: number;
  /** after this many further commands the connection is dropped (socket destroyed) instead of running the next; one-shot */
  dropAfterCommands: number | null;
  /** flip one byte of the next file uploaded (SFTP or a shell redirect such as `cat > file`); one-shot */
  corruptNextUpload: boolean;
  /** the image has no sftp-server: the `sftp` subsystem request is refused (clients fall back to `cat >`) */
  noSftp: boolean;
}

export interface SshServerOptions {
  /** where the host key and the client key pair live (created on first start, reused afterwards) */
  stateDir: string;
  /** 0 or absent = any free port */
  port?: number;
  /** only '127.0.0.1' is accepted: the virtual board never listens beyond loopback */
  listenHost?: string;
  fs: VirtualFs;
  host: ShellHost;
  faults?: Partial<SshFaults>;
  /** also accept password login for root with this password (boards whose inventory uses passwordEnv); off by default */
  password?: string;
  /** every exec command line and interactive line, as received */
  onCommand?: (cmd: string) => void;
}

export interface SshServerHandle {
  host: '127.0.0.1';
  port: number;
  user: 'root';
  /** `SHA256:…` as OpenSSH prints it */
  hostKeyFingerprint: string;
  /** `ssh-ed25519 AAAA…`, for a known_hosts line */
  hostPublicKey: string;
  privateKeyPath: string;
  faults: SshFaults;
  commandLog: string[];
  /** new host key on disk and for every later connection (a reflashed board) */
  rotateHostKey(): void;
  /** stop accepting TCP connections (clients get ECONNREFUSED) for `ms`, as while a board reboots */
  refuseConnections(ms: number): void;
  /** destroy every open connection's socket */
  dropAllConnections(): void;
  close(): Promise<void>;
}

/** What one connection's session handlers need from the server. */
export interface SessionContext {
  fs: VirtualFs;
  host: ShellHost;
  faults: SshFaults;
  /** records a command; resolves 'drop' when the dropAfterCommands fault fires (the caller destroys the socket) */
  admitCommand(cmd: string): Promise<'run' | 'drop'>;
  /** destroys this connection's socket */
  drop(): void;
  /** applies corruptNextUpload to a file that was just uploaded */
  uploaded(path: string): Promise<void>;
}
