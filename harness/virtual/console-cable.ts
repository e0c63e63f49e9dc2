// A console cable that can be pulled: a TCP relay in front of a TCP console (like ser2net over a USB serial adaptor).
import * as net from 'node:net';
import { UsageError } from '../errors';

/** Where the board's console is served; only TCP consoles can sit behind the cable. */
export type CableEndpoint = { tcp: string } | { path: string };

export interface ConsoleCable {
  /** what the harness connects to instead of the board's own console port */
  readonly endpoint: { tcp: string };
  readonly plugged: boolean;
  /** connections the harness made through the cable so far (a reopen after an unplug makes one more) */
  readonly connections: number;
  /** Pulls the cable: every harness connection drops now, new ones are refused for `ms`, then it is plugged back. */
  unplug(ms: number): Promise<void>;
  close(): Promise<void>;
}

function tcpTarget(endpoint: CableEndpoint): { host: string; port: number } {
  if (!('tcp' in endpoint)) {
    throw new UsageError(`the console ${endpoint.path} is a pty: only a TCP console (start the board with --console tcp) can be unplugged`);
  }
  const m = /^(.+):(\d+)$/.exec(endpoint.tcp);
  if (!m?.[1]) throw new UsageError(`console address ${endpoint.tcp} is not host:port`);
  return { host: m[1], port: Number(m[2]) };
}

async function listen(server: net.Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as net.AddressInfo).port;
}

/** Starts the relay on 127.0.0.1 (port 0 = any free port); the port stays the same across unplugs. */
export async function startConsoleCable(board: CableEndpoint, port = 0): Promise<ConsoleCable> {
  const target = tcpTarget(board);
  const pairs = new Set<{ a: net.Socket; b: net.Socket }>();
  let connections = 0;
  let plugged = true;
  let replug: NodeJS.Timeout | null = null;
  let closed = false;

  const newServer = (): net.Server =>
    net.createServer((harness) => {
      connections++;
      const upstream = net.connect({ host: target.host, port: target.port, noDelay: true });
      harness.setNoDelay(true);
      const pair = { a: harness, b: upstream };
      pairs.add(pair);
      const end = (): void => {
        pairs.delete(pair);
        harness.destroy();
        upstream.destroy();
      };
      harness.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      harness.pipe(upstream);
      upstream.pipe(harness);
    });

  let server = newServer();
  const bound = await listen(server, port);

  const stopServer = async (): Promise<void> => {
    for (const p of [...pairs]) {
      p.a.destroy();
      p.b.destroy();
    }
    pairs.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  return {
    endpoint: { tcp: `127.0.0.1:${bound}` },
    get plugged() {
      return plugged;
    },
    get connections() {
      return connections;
    },
    async unplug(ms: number) {
      if (closed) return;
      if (replug) clearTimeout(replug);
      plugged = false;
      await stopServer();
      replug = setTimeout(() => {
        replug = null;
        if (closed) return;
        server = newServer();
        void listen(server, bound).then(
          () => {
            plugged = true;
          },
          () => undefined,
        );
      }, ms);
    },
    async close() {
      closed = true;
      if (replug) clearTimeout(replug);
      replug = null;
      await stopServer();
    },
  };
}
