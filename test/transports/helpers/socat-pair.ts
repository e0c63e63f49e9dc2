// A socat pty pair with stable link names: one end plays the board, the other is the console the harness opens.
import { spawn, type ChildProcess } from 'node:child_process';
import { SerialPort } from 'serialport';

export class SocatPair {
  private constructor(
    private readonly proc: ChildProcess,
    readonly boardPath: string,
    readonly consolePath: string,
  ) {}

  static start(boardPath: string, consolePath: string): Promise<SocatPair> {
    return new Promise((resolve, reject) => {
      const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${boardPath}`, `pty,raw,echo=0,link=${consolePath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      proc.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('starting data transfer loop')) resolve(new SocatPair(proc, boardPath, consolePath));
      });
      proc.once('exit', (code) => reject(new Error(`socat exited ${code}: ${err}`)));
    });
  }

  /** Kills socat: both ptys vanish, as when a USB console re-enumerates. */
  stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.kill('SIGTERM');
    });
  }
}

/** The board's end of the pair: write console output, read what the harness typed. */
export async function openBoardSide(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  port.on('error', () => undefined);
  return port;
}

export function writeTo(port: SerialPort, text: string): Promise<void> {
  return new Promise((resolve, reject) => port.write(text, (e) => (e ? reject(e) : port.drain(() => resolve()))));
}

export function closePort(port: SerialPort): Promise<void> {
  if (!port.isOpen) return Promise.resolve();
  return new Promise((resolve) => port.close(() => resolve()));
}
