// The few error classes of rproc-hil: each has a stable `code`, structured `details` and the original `cause`.

export type HilErrorCode =
  | 'E_USAGE' // bad CLI arguments
  | 'E_CONFIG' // invalid profile, inventory or manifest
  | 'E_ELF' // malformed ELF file
  | 'E_RSC' // resource table that cannot be decoded or encoded
  | 'E_IO' // a local file could not be read or written
  | 'E_TRANSPORT' // SSH or serial connection failed or was lost
  | 'E_HOSTKEY' // host key did not match the pinned fingerprint
  | 'E_TIMEOUT' // a named phase ran out of its budget
  | 'E_REMOTE' // the board answered something we cannot parse or that reports an error
  | 'E_STATE' // a call made in the wrong lifecycle state
  | 'E_LEASE' // the board is leased by someone else
  | 'E_TOOL'; // a host tool (compiler, qemu, socat) is missing

export type ErrorDetails = Record<string, unknown>;

/** Base class: never thrown directly; use one of the subclasses so callers can tell the family apart. */
export class HilError extends Error {
  readonly code: HilErrorCode;
  readonly details: ErrorDetails;

  constructor(code: HilErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** Bad input the user can fix: CLI arguments, profiles, ELF files, resource tables, local files. */
export class InputError extends HilError {}

/** The board or the link to it misbehaved: connection, host key, timeouts, unparsable remote output. */
export class InfraError extends HilError {}

/** A caller used an object in a state that does not allow the call (a bug in the caller). */
export class StateError extends HilError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super('E_STATE', message, details, options);
  }
}

/** Thrown by the ELF reader and resource-table decoder; `offset` says where in the file it went wrong. */
export class ElfError extends InputError {
  constructor(message: string, details: ErrorDetails & { offset?: number } = {}, options?: { cause?: unknown }) {
    super('E_ELF', message, details, options);
  }
}

export class RscError extends InputError {
  constructor(message: string, details: ErrorDetails & { offset?: number } = {}, options?: { cause?: unknown }) {
    super('E_RSC', message, details, options);
  }
}

export class ConfigError extends InputError {
  constructor(message: string, details: ErrorDetails & { file?: string; keyPath?: string } = {}, options?: { cause?: unknown }) {
    super('E_CONFIG', message, details, options);
  }
}

export class UsageError extends InputError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('E_USAGE', message, details);
  }
}

export function isHilError(e: unknown): e is HilError {
  return e instanceof HilError;
}

/** Text of any thrown value, for messages that wrap a cause. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
