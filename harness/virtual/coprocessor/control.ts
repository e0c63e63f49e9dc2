// The control channel's line commands (DESIGN §6), worded as firmware/common/app.c answers them.
import type { LogLevel } from './trace-log';

export interface ControlHost {
  /** a `crash` was answered earlier: the rest is ignored until the fault */
  crashPending: boolean;
  /** the full `info ...` reply line */
  info: string;
  log(level: LogLevel, text: string): void;
}

export interface ControlResult {
  /** every reply line of this message, sent back as ONE message */
  reply: string;
  crash: 'hardfault' | 'watchdog' | null;
}

const MAX_ECHOED = 64;

/** one received message: every line (\n, \r\n, \r or the message end) is one command */
export function runControl(payload: Uint8Array, host: ControlHost): ControlResult {
  const text = Buffer.from(payload).toString('latin1');
  const lines: string[] = [];
  let crash: ControlResult['crash'] = null;
  let pending = host.crashPending;
  for (const cmd of text.split(/\r\n|\n|\r/)) {
    if (cmd.length === 0 || pending) continue;
    const space = cmd.indexOf(' ');
    const verb = space < 0 ? cmd : cmd.slice(0, space);
    const arg = space < 0 ? '' : cmd.slice(space + 1);
    if (cmd === 'ping') lines.push('pong');
    else if (cmd === 'info') lines.push(host.info);
    else if (verb === 'log' && arg.length > 0) {
      host.log('INFO', arg);
      lines.push('ok');
    } else if (verb === 'crash' && (arg === 'hardfault' || arg === 'watchdog')) {
      host.log('ERR', `crash ${arg} requested`);
      lines.push('ok');
      crash = arg;
      pending = true;
    } else if (verb === 'log' || verb === 'crash') {
      lines.push(`error usage: ${verb === 'log' ? 'log <text>' : 'crash hardfault|watchdog'}`);
    } else {
      lines.push(`error unknown command: ${cmd.slice(0, MAX_ECHOED)}`);
    }
  }
  return { reply: lines.map((l) => `${l}\n`).join(''), crash };
}
