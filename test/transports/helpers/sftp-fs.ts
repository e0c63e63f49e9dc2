// Test SFTP subsystem on the real file system: OPEN/WRITE/CLOSE/SETSTAT/FSETSTAT/STAT, enough for writeFile and fastPut.
import * as fs from 'node:fs';
import { utils, type Attributes, type SFTPWrapper } from 'ssh2';

const { STATUS_CODE, flagsToString } = utils.sftp;

function attrsOf(st: fs.Stats): Attributes {
  return { mode: st.mode, uid: st.uid, gid: st.gid, size: st.size, atime: Math.floor(st.atimeMs / 1000), mtime: Math.floor(st.mtimeMs / 1000) };
}

export function serveSftp(sftp: SFTPWrapper, answerClose = true): void {
  const handles = new Map<number, { fd: number; path: string }>();
  let next = 1;
  const handleOf = (buf: Buffer) => (buf.length === 4 ? handles.get(buf.readUInt32BE(0)) : undefined);
  // ssh2's server-side SFTP does not answer the client's CHANNEL_CLOSE by itself (OpenSSH does): close our side
  if (answerClose) sftp.on('end', () => sftp.end());
  const guard = (reqid: number, fn: () => void): void => {
    try {
      fn();
    } catch {
      sftp.status(reqid, STATUS_CODE.FAILURE);
    }
  };

  sftp.on('OPEN', (reqid, filename, flags, attrs) =>
    guard(reqid, () => {
      const mode = attrs.mode ?? 0o644;
      const fd = fs.openSync(filename, flagsToString(flags) ?? 'r', mode);
      const id = next++;
      handles.set(id, { fd, path: filename });
      const h = Buffer.alloc(4);
      h.writeUInt32BE(id, 0);
      sftp.handle(reqid, h);
    }),
  );
  sftp.on('WRITE', (reqid, handle, offset, data) =>
    guard(reqid, () => {
      const h = handleOf(handle);
      if (!h) return sftp.status(reqid, STATUS_CODE.FAILURE);
      fs.writeSync(h.fd, data, 0, data.length, offset);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );
  sftp.on('CLOSE', (reqid, handle) =>
    guard(reqid, () => {
      const h = handleOf(handle);
      if (!h) return sftp.status(reqid, STATUS_CODE.FAILURE);
      fs.closeSync(h.fd);
      handles.delete(handle.readUInt32BE(0));
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );
  sftp.on('FSETSTAT', (reqid, handle, attrs) =>
    guard(reqid, () => {
      const h = handleOf(handle);
      if (!h) return sftp.status(reqid, STATUS_CODE.FAILURE);
      if (attrs.mode !== undefined) fs.fchmodSync(h.fd, attrs.mode & 0o7777);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );
  sftp.on('SETSTAT', (reqid, path, attrs) =>
    guard(reqid, () => {
      if (attrs.mode !== undefined) fs.chmodSync(path, attrs.mode & 0o7777);
      sftp.status(reqid, STATUS_CODE.OK);
    }),
  );
  sftp.on('FSTAT', (reqid, handle) =>
    guard(reqid, () => {
      const h = handleOf(handle);
      if (!h) return sftp.status(reqid, STATUS_CODE.FAILURE);
      sftp.attrs(reqid, attrsOf(fs.fstatSync(h.fd)));
    }),
  );
  sftp.on('STAT', (reqid, path) => guard(reqid, () => sftp.attrs(reqid, attrsOf(fs.statSync(path)))));
  sftp.on('LSTAT', (reqid, path) => guard(reqid, () => sftp.attrs(reqid, attrsOf(fs.lstatSync(path)))));
  for (const op of ['READ', 'OPENDIR', 'READDIR', 'REMOVE', 'RMDIR', 'MKDIR', 'RENAME', 'READLINK', 'SYMLINK', 'REALPATH'] as const) {
    sftp.on(op, (reqid: number) => sftp.status(reqid, STATUS_CODE.OP_UNSUPPORTED));
  }
}
