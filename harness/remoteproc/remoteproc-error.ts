// Kernel errors seen through a sysfs/debugfs write: the errno a shell reports, mapped to a typed error with dmesg.
import { InfraError, type ErrorDetails } from '../errors';

/** errno values of the failures remoteproc writes return (remoteproc.md §1.3–§1.6, §2). */
export const ERRNO = {
  EPERM: { errno: 1, text: 'Operation not permitted' },
  ENOENT: { errno: 2, text: 'No such file or directory' },
  EIO: { errno: 5, text: 'Input/output error' },
  ENOMEM: { errno: 12, text: 'Cannot allocate memory' },
  EACCES: { errno: 13, text: 'Permission denied' },
  EBUSY: { errno: 16, text: 'Device or resource busy' },
  ENODEV: { errno: 19, text: 'No such device' },
  EINVAL: { errno: 22, text: 'Invalid argument' },
  ENOSPC: { errno: 28, text: 'No space left on device' },
  ERANGE: { errno: 34, text: 'Numerical result out of range' },
  ETIMEDOUT: { errno: 110, text: 'Connection timed out' },
} as const;
export type ErrnoName = keyof typeof ERRNO;

/** The errno named by a shell's error text (`bash: echo: write error: Device or resource busy`), or undefined. */
export function errnoFromShellText(stderr: string): ErrnoName | undefined {
  let best: { name: ErrnoName; at: number } | undefined;
  for (const [name, { text }] of Object.entries(ERRNO) as [ErrnoName, { text: string }][]) {
    const at = stderr.lastIndexOf(text);
    if (at >= 0 && (best === undefined || at > best.at)) best = { name, at };
  }
  return best?.name;
}

export type RemoteprocOperation =
  | 'start' | 'stop' | 'detach' | 'set firmware' | 'set recovery' | 'set coredump' | 'crash' | 'release coredump' | 'deploy';

export interface RemoteprocErrorFields {
  board: string;
  instance: string;
  operation: RemoteprocOperation;
  errnoName: ErrnoName | undefined;
  /** state read right after the failure ('' when it could not be read) */
  state: string;
  /** dmesg lines logged since the operation began (the kernel's own explanation) */
  dmesg: string[];
  /** the shell's error text */
  stderr: string;
}

/** A remoteproc sysfs/debugfs write the kernel refused; `errno` is the number the write(2) returned. */
export class RemoteprocError extends InfraError {
  readonly errno: number | undefined;
  readonly errnoName: ErrnoName | undefined;
  readonly operation: RemoteprocOperation;
  readonly state: string;
  readonly dmesg: string[];

  constructor(message: string, fields: RemoteprocErrorFields, details: ErrorDetails = {}) {
    const errno = fields.errnoName === undefined ? undefined : ERRNO[fields.errnoName].errno;
    super('E_REMOTE', message, { ...fields, errno, ...details });
    this.errno = errno;
    this.errnoName = fields.errnoName;
    this.operation = fields.operation;
    this.state = fields.state;
    this.dmesg = fields.dmesg;
  }
}

/** What to do about a refused write, keyed `<operation>:<errno>` (remoteproc.md §1.3, §1.4, §1.6). */
const HINTS: Record<string, string> = {
  'start:ENOENT': 'the firmware file is missing from /lib/firmware: deploy it first (or fix the name set with setFirmware)',
  'start:EBUSY': 'the coprocessor is already running (kernels before 5.19 refuse a second start): stop it first',
  'start:ENODEV': 'the rproc is being deleted: the platform driver was unbound; reboot the board',
  'start:EINVAL': 'the kernel rejected the firmware image: run `npm run rsc -- lint <elf>` and read the dmesg lines above',
  'start:ENOMEM': 'the firmware does not fit the carveouts or memory regions: check its segments against the board memory map',
  'stop:EINVAL': 'stop works only in state running or attached: read the state first (a crashed core needs recovery, not stop)',
  'detach:EINVAL': 'detach works only in state attached, and only with a driver that has a detach op',
  'set firmware:EBUSY': 'the firmware name can only change while offline: stop the coprocessor first',
  'set firmware:EINVAL': 'the kernel refused the name (an empty name?)',
  'set coredump:EBUSY': 'the coredump mode cannot change while crashed: recover first',
  'set coredump:EINVAL': 'the kernel accepts disabled, enabled or inline',
  'set recovery:EINVAL': 'the kernel accepts enabled, disabled or recover',
  'crash:ENOENT': 'debugfs is not mounted (or the rproc has no debugfs dir): mount -t debugfs none /sys/kernel/debug',
  'crash:EINVAL': 'the crash file takes a number (0 mmufault, 1 watchdog, 2 fatal error)',
};

export function hintFor(operation: RemoteprocOperation, errnoName: ErrnoName | undefined): string {
  if (errnoName === 'EACCES' || errnoName === 'EPERM') return 'the SSH user may not write this file: log in as root';
  if (errnoName === undefined) return 'read the shell error and the dmesg lines above';
  return HINTS[`${operation}:${errnoName}`] ?? 'read the dmesg lines above for the kernel\'s reason';
}
