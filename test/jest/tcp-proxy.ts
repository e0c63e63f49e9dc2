// Test helper: a loopback TCP proxy that counts the connections made through it (how many SSH connections a run opened).
import * as net from 'node:net';

export interface CountingProxy {
  port: number;
  /** connections accepted so far */
  readonly connections: number;
  /** where connections go; set before the first one arrives */
  target: number;
  close(): Promise<void>;
}

export async function startCountingProxy(): Promise<CountingProxy> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const proxy = {
    port: 0,
    target: 0,
    get connections() {
      return connections;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = net.createServer((down) => {
    connections++;
    const up = net.connect(proxy.target, '127.0.0.1');
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        down.destroy();
        up.destroy();
      });
    }
    down.pipe(up);
    up.pipe(down);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  proxy.port = typeof addr === 'object' && addr ? addr.port : 0;
  return proxy;
}
