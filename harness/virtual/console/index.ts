// The board's serial console: a pty pair (socat) or raw TCP line carrying kernel log lines and a login shell.
import { Getty, type ConsoleShell } from './getty';
import type { ConsoleEndpoint, SerialLink } from './link';
import { findExecutable } from '../host-tools';
import { SocatMissingError, startPtyLink } from './pty';
import { startTcpLink } from './tcp';

export type { ConsoleEndpoint, SerialLink } from './link';
export type { ConsoleShell } from './getty';
export { SocatMissingError } from './pty';

export type ConsoleKind = 'pty' | 'tcp';

export interface ConsoleOptions {
  /** default: pty when socat is installed, else tcp */
  kind?: ConsoleKind;
  /** where the pty links `console` and `console-board` are made */
  stateDir: string;
  /** TCP console port (0 = any free port) */
  tcpPort?: number;
  hostname: string;
  /** a new shell session per console login */
  shell: () => ConsoleShell;
}

export interface VirtualConsole {
  readonly kind: ConsoleKind;
  readonly endpoint: ConsoleEndpoint;
  /** one kernel log line as dmesg renders it (`[    1.234567] text`) */
  kernelLine(line: string): void;
  silence(): void;
  booting(): void;
  loginPrompt(): void;
  close(): Promise<void>;
}

/** socat on PATH (looked up without spawning a shell: board start-up time counts) */
export function hasSocat(envPath = process.env.PATH ?? ''): boolean {
  return findExecutable('socat', envPath) !== null;
}

export async function startConsole(opts: ConsoleOptions): Promise<VirtualConsole> {
  const socat = opts.kind !== 'tcp' && hasSocat();
  const kind = opts.kind ?? (socat ? 'pty' : 'tcp');
  let link: SerialLink;
  if (kind === 'pty') {
    if (!socat) throw new SocatMissingError();
    link = await startPtyLink(opts.stateDir);
  } else {
    link = await startTcpLink(opts.tcpPort ?? 0);
  }
  const getty = new Getty(link, opts.hostname, opts.shell);
  return {
    kind,
    endpoint: link.endpoint,
    kernelLine: (line) => getty.print(`${line}\n`),
    silence: () => getty.silence(),
    booting: () => getty.booting(),
    loginPrompt: () => getty.loginPrompt(),
    close: () => link.close(),
  };
}
