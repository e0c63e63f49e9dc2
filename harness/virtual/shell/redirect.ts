// Opens redirection targets the way bash does: truncate/append files, one write(2) per chunk to sysfs attrs, char streams.
import { FsError } from '../fs/types';
import type { VirtualFs } from '../fs/types';
import { bytesReader, charReader, emptyReader, toBytes, WriteFailure } from './streams';
import type { Reader, Writer } from './streams';

export interface Opened<T> {
  stream: T;
  close(): Promise<void>;
}

const nullWriter: Writer = { tty: false, write: async () => undefined };

function failure(e: unknown, path: string): WriteFailure {
  if (e instanceof WriteFailure) return e;
  if (e instanceof FsError) return new WriteFailure(e);
  return new WriteFailure(new FsError('EIO', path, e instanceof Error ? e.message : String(e)));
}

/** Opens `path` for writing (`>` or `>>`). Throws FsError like open(2) would (the caller prints `bash: path: …`). */
export async function openOut(
  fs: VirtualFs,
  path: string,
  append: boolean,
  onFileWritten?: (path: string) => void | Promise<void>,
): Promise<Opened<Writer>> {
  if (path === '/dev/null') return { stream: nullWriter, close: async () => undefined };
  const st = fs.stat(path);
  if (st?.type === 'dir') throw new FsError('EISDIR', path);
  if (st?.type === 'chardev') {
    const s = fs.openChar(path);
    return {
      stream: {
        tty: false,
        write: async (chunk) => {
          try {
            await s.write(toBytes(chunk));
          } catch (e) {
            throw failure(e, path);
          }
        },
      },
      close: async () => s.close(),
    };
  }
  if (st?.type === 'attr') {
    if ((st.mode & 0o222) === 0) throw new FsError('EACCES', path);
    return {
      stream: {
        tty: false,
        write: async (chunk) => {
          try {
            await fs.writeFile(path, toBytes(chunk));
          } catch (e) {
            throw failure(e, path);
          }
        },
      },
      close: async () => undefined,
    };
  }
  await fs.writeFile(path, new Uint8Array(0), { append }); // O_CREAT (+ O_TRUNC for `>`)
  let wrote = false;
  return {
    stream: {
      tty: false,
      write: async (chunk) => {
        wrote = true;
        try {
          await fs.writeFile(path, toBytes(chunk), { append: true });
        } catch (e) {
          throw failure(e, path);
        }
      },
    },
    close: async () => {
      if (wrote) await onFileWritten?.(path);
    },
  };
}

/** Opens `path` for reading (`<`): a char device streams, anything else is read whole. */
export async function openIn(fs: VirtualFs, path: string, signal: AbortSignal): Promise<Opened<Reader>> {
  if (path === '/dev/null') return { stream: emptyReader, close: async () => undefined };
  const st = fs.stat(path);
  if (!st) throw new FsError('ENOENT', path);
  if (st.type === 'dir') throw new FsError('EISDIR', path);
  if (st.type === 'chardev') {
    const r = charReader(fs.openChar(path), signal);
    return { stream: r, close: async () => r.close() };
  }
  return { stream: bytesReader(await fs.readFile(path)), close: async () => undefined };
}
