// Serves a virtual board's power switch on a unix socket so another process (a farm run's jest child) can switch it.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../errors';

/** The switch being served (BoardPower has this shape). */
export interface PowerSwitch {
  on(): Promise<void>;
  off(): Promise<void>;
  cycle(offMs?: number): Promise<void>;
}

export interface PowerSocketServer {
  /** the socket path actually listened on (see powerSocketPath for when it is not `<stateDir>/power.sock`) */
  path: string;
  close(): Promise<void>;
}

/** Longest command line accepted; anything longer is not a power command. */
const MAX_LINE = 64;
/** Longest off time of `cycle MS` (10 minutes): a typo must not switch a board off for a day. */
const MAX_CYCLE_MS = 600_000;
/** Linux sun_path holds 108 bytes including the NUL; keep a margin. */
const MAX_SOCKET_PATH = 100;

/**
 * `<stateDir>/power.sock`, unless that path is too long for a unix socket: then a short path in the temp dir derived
 * from the state dir (same state dir, same path), so deep run directories still work.
 */
export function powerSocketPath(stateDir: string): string {
  const wanted = path.join(path.resolve(stateDir), 'power.sock');
  if (Buffer.byteLength(wanted) <= MAX_SOCKET_PATH) return wanted;
  const id = createHash('sha256').update(path.resolve(stateDir)).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `rproc-hil-power-${id}.sock`);
}

/** What one command line asks for, or the error text to reply with. */
export function parsePowerCommand(line: string): { op: 'on' | 'off' } | { op: 'cycle'; offMs: number } | { error: string } {
  const words = line.trim().split(/\s+/).filter((w) => w !== '');
  const [op, arg, ...rest] = words;
  if ((op === 'on' || op === 'off') && arg === undefined) return { op };
  if (op === 'cycle' && rest.length === 0) {
    if (arg === undefined) return { op, offMs: 0 };
    if (/^\d{1,7}$/.test(arg) && Number(arg) <= MAX_CYCLE_MS) return { op, offMs: Number(arg) };
    return { error: `cycle takes an off time in milliseconds (0..${MAX_CYCLE_MS}), not "${arg.slice(0, 20)}"` };
  }
  return { error: `unknown command "${line.trim().slice(0, 20)}"; commands are on, off, cycle [MS]` };
}

/** Whether something is listening on the socket file (a stale file from a killed board is not). */
function isLive(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

function serveConnection(sock: net.Socket, sw: PowerSwitch): void {
  let buffered = '';
  let queue = Promise.resolve();
  const reply = (text: string): void => {
    if (!sock.destroyed) sock.write(`${text}\n`);
  };
  sock.setEncoding('utf8');
  sock.on('error', () => sock.destroy());
  sock.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      // one transition at a time per connection, replies in command order
      queue = queue.then(() => run(line, sw).then(reply));
    }
    if (buffered.length > MAX_LINE) {
      buffered = '';
      queue = queue.then(() => {
        reply(`error line longer than ${MAX_LINE} bytes`);
        sock.end();
      });
    }
  });
}

async function run(line: string, sw: PowerSwitch): Promise<string> {
  const cmd = parsePowerCommand(line);
  if ('error' in cmd) return `error ${cmd.error}`;
  try {
    if (cmd.op === 'cycle') await sw.cycle(cmd.offMs);
    else if (cmd.op === 'on') await sw.on();
    else await sw.off();
    return 'ok';
  } catch (e) {
    return `error ${(e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ')}`;
  }
}

/** Listens on the socket (replacing a stale file left by a killed board); refuses when another board serves it. */
export async function startPowerSocket(socketPath: string, sw: PowerSwitch): Promise<PowerSocketServer> {
  if (fs.existsSync(socketPath)) {
    if (await isLive(socketPath)) {
      throw new ConfigError(
        `another virtual board is already serving its power switch on ${socketPath}; two boards can't share a state directory: give this one its own (--state-dir DIR)`,
        { path: socketPath },
      );
    }
    fs.rmSync(socketPath, { force: true });
  }
  fs.mkdirSync(path.dirname(socketPath), { recursive: true });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    serveConnection(sock, sw);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // only the board's owner may switch it
  fs.chmodSync(socketPath, 0o600);
  let closed: Promise<void> | null = null;
  return {
    path: socketPath,
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          fs.rmSync(socketPath, { force: true });
          resolve();
        });
      });
      return closed;
    },
  };
}
