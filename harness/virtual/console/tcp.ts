// A raw TCP console on 127.0.0.1 (like ser2net): readers may come and go; a new one sees only new output.
import * as net from 'node:net';
import type { SerialLink } from './link';

/** Output kept per slow reader before it is dropped, as a UART would. */
const MAX_BUFFERED = 64 * 1024;

export async function startTcpLink(port = 0): Promise<SerialLink> {
  const sockets = new Set<net.Socket>();
  const listeners: Array<(d: Uint8Array) => void> = [];
  const server = net.createServer((sock) => {
    sock.setNoDelay(true);
    sockets.add(sock);
    sock.on('data', (d) => listeners.forEach((cb) => cb(d)));
    sock.on('error', () => undefined);
    sock.on('close', () => sockets.delete(sock));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as net.AddressInfo;
  return {
    endpoint: { tcp: `127.0.0.1:${addr.port}` },
    write(data) {
      for (const s of sockets) if (s.writableLength < MAX_BUFFERED) s.write(data);
    },
    onInput(cb) {
      listeners.push(cb);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
