// Power backend `virtual`: the in-process virtual board's switch, else the power socket of a virtual board in another process.
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, InfraError } from '../../errors';
import type { PowerBackend, PowerContext, VirtualPowerSwitch } from './types';

/** A power switch in another process rarely needs long; a twin's power-on boots QEMU. */
const DEFAULT_SOCKET_TIMEOUT_MS = 60_000;
/** Longest reply line read from the socket. */
const MAX_REPLY = 4096;

function expandHome(p: string): string {
  return p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p;
}

/** Sends one `on|off|cycle` line to a virtual board's power socket (line protocol of harness/virtual/power-socket.ts). */
export function sendPowerCommand(board: string, socket: string, command: 'on' | 'off' | 'cycle', timeoutMs = DEFAULT_SOCKET_TIMEOUT_MS): Promise<void> {
  const phase = command === 'cycle' ? 'power cycle' : `power ${command}`;
  return new Promise((resolve, reject) => {
    const sock = net.connect(socket);
    let reply = '';
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => {
      finish(new InfraError('E_TIMEOUT', `${phase} of board ${board} ran out of its ${timeoutMs} ms budget waiting for the virtual board's power socket ${socket}`, { board, phase, socket, timeoutMs }));
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(`${command}\n`));
    sock.on('data', (chunk: string) => {
      reply += chunk;
      const nl = reply.indexOf('\n');
      if (nl === -1 && reply.length <= MAX_REPLY) return;
      const line = (nl === -1 ? reply : reply.slice(0, nl)).slice(0, MAX_REPLY);
      if (line === 'ok') finish();
      else if (line.startsWith('error ')) finish(new InfraError('E_TOOL', `${phase} of board ${board} failed: the virtual board answered: ${line.slice(6)}`, { board, phase, socket }));
      else finish(new InfraError('E_REMOTE', `${phase} of board ${board}: unexpected answer ${JSON.stringify(line.slice(0, 80))} from the power socket ${socket}`, { board, phase, socket }));
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? 'nothing is listening there: is the virtual board still running?' : e.message;
      finish(new InfraError('E_TRANSPORT', `${phase} of board ${board} failed: cannot reach the virtual board's power socket ${socket} (${e.code ?? 'error'}): ${why}`, { board, phase, socket, errno: e.code }, { cause: e }));
    });
    sock.on('close', () => finish(new InfraError('E_TRANSPORT', `${phase} of board ${board} failed: the power socket ${socket} closed without an answer`, { board, phase, socket })));
  });
}

export function virtualPower(ctx: PowerContext, config: { socket?: string } = {}): PowerBackend {
  const sw: VirtualPowerSwitch | undefined = ctx.virtual;
  if (sw !== undefined) return { backend: 'virtual', on: () => sw.on(), off: () => sw.off(), cycle: () => sw.cycle() };
  if (config.socket !== undefined) {
    const socket = expandHome(config.socket);
    const send = (c: 'on' | 'off' | 'cycle'): Promise<void> => sendPowerCommand(ctx.board, socket, c, ctx.timeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS);
    return { backend: 'virtual', on: () => send('on'), off: () => send('off'), cycle: () => send('cycle') };
  }
  throw new ConfigError(
    `board ${ctx.board} has power: { backend: virtual } but no in-process virtual board was given; that backend only works for a board started by the harness itself (use backend: none or command for a board reached over the network)` +
      ', or for a virtual board in another process named by its power socket: power: { backend: virtual, socket: PATH } (PATH from its READY line)',
    { board: ctx.board, keyPath: `boards.${ctx.board}.power`, backend: 'virtual' },
  );
}
