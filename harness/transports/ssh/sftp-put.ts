// Writes bytes or a local file to the board over an open SFTP session, then applies the file mode.
import type { SFTPWrapper } from 'ssh2';

export type UploadSource = Uint8Array | { path: string };

function call(fn: (cb: (err?: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));
}

export async function sftpPut(sftp: SFTPWrapper, source: UploadSource, remotePath: string, mode: number | undefined): Promise<void> {
  if (source instanceof Uint8Array) {
    await call((cb) => sftp.writeFile(remotePath, Buffer.from(source.buffer, source.byteOffset, source.byteLength), mode !== undefined ? { mode } : {}, cb));
  } else {
    await call((cb) => sftp.fastPut(source.path, remotePath, mode !== undefined ? { mode } : {}, cb));
  }
  // the open mode only applies to a new file; an existing one keeps its old mode otherwise
  if (mode !== undefined) await call((cb) => sftp.chmod(remotePath, mode, cb));
}

/** ssh2's message when the server has no sftp subsystem (dropbear without sftp-server, minimal images). */
export function isNoSftpSubsystem(e: unknown): boolean {
  return e instanceof Error && /subsystem/i.test(e.message);
}
