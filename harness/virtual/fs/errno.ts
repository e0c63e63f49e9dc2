// Linux errno names -> numbers and strerror(3) texts, so the shell and SFTP server word failures like a real board.
import type { Errno } from './types';

const TABLE: Record<Errno, [number, string]> = {
  EPERM: [1, 'Operation not permitted'],
  ENOENT: [2, 'No such file or directory'],
  EIO: [5, 'Input/output error'],
  ENXIO: [6, 'No such device or address'],
  E2BIG: [7, 'Argument list too long'],
  EBADF: [9, 'Bad file descriptor'],
  EAGAIN: [11, 'Resource temporarily unavailable'],
  ENOMEM: [12, 'Cannot allocate memory'],
  EACCES: [13, 'Permission denied'],
  EBUSY: [16, 'Device or resource busy'],
  EEXIST: [17, 'File exists'],
  ENODEV: [19, 'No such device'],
  ENOTDIR: [20, 'Not a directory'],
  EISDIR: [21, 'Is a directory'],
  EINVAL: [22, 'Invalid argument'],
  ENOSPC: [28, 'No space left on device'],
  EROFS: [30, 'Read-only file system'],
  EPIPE: [32, 'Broken pipe'],
  ERANGE: [34, 'Numerical result out of range'],
  ENOTEMPTY: [39, 'Directory not empty'],
  EMSGSIZE: [90, 'Message too long'],
  ENETRESET: [102, 'Connection reset by network'],
  ETIMEDOUT: [110, 'Connection timed out'],
};

/** glibc's strerror text, e.g. EBUSY -> "Device or resource busy". */
export function strerror(errno: Errno): string {
  return TABLE[errno][1];
}

/** The positive errno number, e.g. EBUSY -> 16 (the kernel logs it negated: `Boot failed: -16`). */
export function errnoNumber(errno: Errno): number {
  return TABLE[errno][0];
}
