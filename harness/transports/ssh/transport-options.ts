// Options and events of SshTransport (kept apart so the class file holds only behaviour).
import type { Phase, SshTarget } from '../../config';

export interface SshTransportOptions {
  /** instance name, used in every message */
  board: string;
  target: SshTarget;
  /** per-phase budgets (profile.timeouts); missing phases use the profile defaults */
  timeouts?: Partial<Record<Phase, number>>;
  /** total time to (re)connect, all attempts included; default timeouts.connect */
  connectBudgetMs?: number;
  /** one attempt's TCP connect + handshake + login; default 10 s */
  handshakeTimeoutMs?: number;
  retryDelayMs?: { min: number; max: number };
  /** SSH keepalive; a dead board is noticed after interval x countMax (default 5 s x 3) */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** channels open at once (OpenSSH MaxSessions defaults to 10) */
  maxChannels?: number;
  /** per exec, stdout + stderr */
  maxOutputBytes?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ExecOptions {
  /** names the wait in timeout messages and picks its budget from timeouts (default `exec`) */
  phase?: Phase | string;
  timeoutMs?: number;
  /** sent, then EOF; without it stdin stays open (a command reading stdin then waits: pass '' for an empty stdin) */
  stdin?: string | Uint8Array;
}

export interface UploadOptions {
  mode?: number;
  phase?: Phase | string;
  timeoutMs?: number;
}

export interface ConnectInfo {
  attempts: number;
  handshakeMs: number;
  reconnect: boolean;
}

export interface SshTransportEvents {
  connected: [info: ConnectInfo];
  disconnected: [info: { reason: string }];
}
