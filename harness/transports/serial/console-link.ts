// Opens the raw console link: a serial device with serialport, or a TCP console server (ser2net, QEMU -serial tcp).
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { SerialPort } from 'serialport';
import type { ConsoleTarget } from '../../config';
import { InfraError } from '../../errors';
import { messageOf } from '../message-of';

export interface LinkEvents {
  data: [chunk: Buffer];
  /** the link went away without close() (cable, re-enumeration, server gone) */
  lost: [reason: string];
}

export interface ConsoleLink extends EventEmitter<LinkEvents> {
  readonly description: string;
  write(data: string | Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** What serialport needs; tests pass SerialPortMock's constructor. */
export type PortFactory = (path: string, baudRate: number) => SerialPortLike;
export interface SerialPortLike extends NodeJS.EventEmitter {
  open(cb: (err: Error | null) => void): void;
  close(cb?: (err: Error | null) => void): void;
  write(data: string | Buffer, cb?: (err: Error | null | undefined) => void): boolean;
  readonly isOpen: boolean;
}

const realPort: PortFactory = (path, baudRate) => new SerialPort({ path, baudRate, autoOpen: false });

export function describeTarget(target: ConsoleTarget | string): string {
  if (typeof target === 'string') return target;
  return 'tcp' in target ? `tcp://${target.tcp}` : target.path;
}

function tcpAddress(target: ConsoleTarget | string): { host: string; port: number } | undefined {
  const text = typeof target === 'string' ? (target.startsWith('tcp://') ? target.slice(6) : undefined) : 'tcp' in target ? target.tcp : undefined;
  if (text === undefined) return undefined;
  const m = /^(.+):(\d{1,5})$/.exec(text.replace(/^tcp:\/\//, ''));
  const port = Number(m?.[2]);
  if (!m?.[1] || !(port >= 1 && port <= 65535)) throw new InfraError('E_TRANSPORT', `console address "${text}" is not host:port`, { target: text });
  return { host: m[1], port };
}

class SerialLink extends EventEmitter<LinkEvents> implements ConsoleLink {
  private closing = false;
  private gone = false;
  constructor(readonly description: string, private readonly port: SerialPortLike) {
    super();
    // never port.set()/get(): they fail with ENOTTY on ptys (toolchain.md §4)
    port.on('data', (chunk: Buffer) => this.emit('data', chunk));
    port.on('error', () => undefined);
    port.on('close', (err?: Error & { disconnected?: boolean }) => {
      this.lost(err?.disconnected ? 'device disconnected' : `device closed${err ? `: ${messageOf(err)}` : ''}`);
    });
    // a pty whose other side vanished may read 0 bytes (EOF) instead of failing: serialport then only ends the stream
    port.on('end', () => {
      this.lost('device disconnected (end of file)');
      if (port.isOpen) port.close();
    });
  }
  private lost(reason: string): void {
    if (this.closing || this.gone) return;
    this.gone = true;
    this.emit('lost', reason);
  }
  write(data: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.port.write(Buffer.from(data), (err) => (err ? reject(err) : resolve())));
  }
  close(): Promise<void> {
    this.closing = true;
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.port.close(() => resolve()));
  }
}

class TcpLink extends EventEmitter<LinkEvents> implements ConsoleLink {
  private closing = false;
  constructor(readonly description: string, private readonly sock: net.Socket) {
    super();
    sock.on('data', (chunk: Buffer) => this.emit('data', chunk));
    let why = 'console server closed the connection';
    sock.on('error', (e) => {
      why = messageOf(e);
    });
    sock.on('close', () => {
      if (!this.closing) this.emit('lost', why);
    });
  }
  write(data: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.sock.write(data, (err) => (err ? reject(err) : resolve())));
  }
  close(): Promise<void> {
    this.closing = true;
    if (this.sock.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.sock.once('close', () => resolve());
      this.sock.destroy();
    });
  }
}

/** One attempt to open the link; rejects with the OS reason (the caller decides about retrying). */
export function openLink(target: ConsoleTarget | string, baudRate: number, factory: PortFactory = realPort): Promise<ConsoleLink> {
  const description = describeTarget(target);
  const tcp = tcpAddress(target);
  if (tcp) {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: tcp.host, port: tcp.port, noDelay: true });
      sock.once('error', reject);
      sock.once('connect', () => {
        sock.off('error', reject);
        resolve(new TcpLink(description, sock));
      });
    });
  }
  const path = typeof target === 'string' ? target : 'path' in target ? target.path : '';
  return new Promise((resolve, reject) => {
    const port = factory(path, baudRate);
    port.open((err) => (err ? reject(err) : resolve(new SerialLink(description, port))));
  });
}
