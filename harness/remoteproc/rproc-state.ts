// The exact strings a remoteproc `state` file reads (remoteproc.md §1.2); anything else is remote output we cannot trust.
import { InfraError } from '../errors';

export const RPROC_STATES = ['offline', 'suspended', 'running', 'crashed', 'deleted', 'attached', 'detached', 'invalid'] as const;
export type RprocState = (typeof RPROC_STATES)[number];

export function parseState(text: string, where: string): RprocState {
  const word = text.endsWith('\n') ? text.slice(0, -1) : text;
  if ((RPROC_STATES as readonly string[]).includes(word)) return word as RprocState;
  throw new InfraError('E_REMOTE', `${where} read ${JSON.stringify(text.slice(0, 80))}, which is not a remoteproc state (expected one of ${RPROC_STATES.join(', ')}; remoteproc.md §1.2)`, { where, text: text.slice(0, 200) });
}

export const RECOVERY_MODES = ['enabled', 'disabled'] as const;
export type RecoveryMode = (typeof RECOVERY_MODES)[number];
/** `default` is the pre-5.11 debugfs spelling of `enabled` (remoteproc.md §1.6) */
export const COREDUMP_MODES = ['disabled', 'enabled', 'inline', 'default'] as const;
export type CoredumpMode = (typeof COREDUMP_MODES)[number];

export function parseWord<T extends string>(text: string, words: readonly T[], where: string): T {
  const word = text.endsWith('\n') ? text.slice(0, -1) : text;
  if ((words as readonly string[]).includes(word)) return word as T;
  throw new InfraError('E_REMOTE', `${where} read ${JSON.stringify(text.slice(0, 80))}; expected one of ${words.join(', ')}`, { where, text: text.slice(0, 200) });
}
