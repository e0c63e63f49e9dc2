// ConsoleCapture over TCP (ser2net, QEMU -serial tcp) and over SerialPortMock: reconnect, late devices.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SerialPortMock } from 'serialport';
import { ConsoleCapture } from '../../../harness/transports/serial';

const STAMPED = /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] /;

let dir: string;
let capture: ConsoleCapture | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hil-console-'));
});
afterEach(async () => {
  await capture?.close();
  capture = undefined;
  SerialPortMock.binding.reset();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('TCP console', () => {
  let server: net.Server;
  const clients: net.Socket[] = [];
  beforeEach(async () => {
    server = net.createServer((s) => clients.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });
  afterEach(async () => {
    for (const s of clients.splice(0)) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  const nextClient = async (n: number): Promise<net.Socket> => {
    while (clients.length < n) await new Promise((r) => setTimeout(r, 10));
    return clients[n - 1] as net.Socket;
  };

  test('captures over {tcp}, and reconnects with a marker when the console server drops the connection', async () => {
    const port = (server.address() as net.AddressInfo).port;
    const logFile = path.join(dir, 'console.log');
    capture = await ConsoleCapture.open({ target: { tcp: `127.0.0.1:${port}` }, logFile, reopenDelayMs: { min: 20, max: 100 } });
    const first = await nextClient(1);
    first.write('NOTICE:  BL2: v2.8-stm32mp1\r\n');
    await capture.expect(/BL2: (v[\d.]+)/);
    const reopened = new Promise((r) => capture?.once('reopened', r));
    first.destroy();
    await reopened;
    (await nextClient(2)).write('after reconnect\n');
    await capture.expect(/after reconnect/);
    const log = fs.readFileSync(logFile, 'utf8').split('\n').map((l) => l.replace(STAMPED, ''));
    expect(log.slice(0, 3)).toEqual([
      `--- console tcp://127.0.0.1:${port} opened ---`,
      'NOTICE:  BL2: v2.8-stm32mp1',
      `--- console tcp://127.0.0.1:${port} lost: console server closed the connection; reopening ---`,
    ]);
    expect(log[4]).toBe('after reconnect');
  });

  test('the tcp://host:port string form works too', async () => {
    const port = (server.address() as net.AddressInfo).port;
    capture = await ConsoleCapture.open({ target: `tcp://127.0.0.1:${port}`, logFile: path.join(dir, 'c.log') });
    (await nextClient(1)).write('hello\n');
    await expect(capture.expect(/hello/)).resolves.toBeTruthy();
  });
});

describe('SerialPortMock', () => {
  const mockFactory = (p: string, baudRate: number) => new SerialPortMock({ path: p, baudRate, autoOpen: false });

  test('a device that appears late (USB re-enumeration after power-on) is opened once it exists', async () => {
    const opening = ConsoleCapture.open({ target: '/dev/ttyACM7', logFile: path.join(dir, 'm.log'), portFactory: mockFactory, reopenDelayMs: { min: 10, max: 50 }, openTimeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    SerialPortMock.binding.createPort('/dev/ttyACM7', { echo: false, record: true });
    capture = await opening;
    expect(capture.isOpen).toBe(true);
  });

  test('lines split across chunks and multi-byte characters split across chunks are joined', async () => {
    SerialPortMock.binding.createPort('/dev/ttySTM0', { echo: false, record: true });
    const ports: SerialPortMock[] = [];
    capture = await ConsoleCapture.open({
      target: { path: '/dev/ttySTM0' },
      logFile: path.join(dir, 'm.log'),
      portFactory: (p, b) => {
        const port = mockFactory(p, b);
        ports.push(port);
        return port;
      },
    });
    const port = ports[0] as SerialPortMock & { port: { emitData(d: Buffer | string): void } };
    const degree = Buffer.from('temp 42°C\n');
    port.port.emitData(degree.subarray(0, 8));
    port.port.emitData(degree.subarray(8));
    await capture.expect(/temp 42°C\n/);
    expect(fs.readFileSync(path.join(dir, 'm.log'), 'utf8')).toMatch(/\] temp 42°C\n$/);
  });
});
