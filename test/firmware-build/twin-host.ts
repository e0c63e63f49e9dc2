// Minimal Linux-side virtio-rpmsg host for the firmware's own twin tests (TWIN-PROTOCOL.md); not the harness twin.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, ftruncateSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import type { Duplex } from 'node:stream';

export interface TwinMachine {
  machine: string;
  windowBase: number;
  vring0: number;
  vring1: number;
  buffers: number;
}

// TWIN-PROTOCOL.md memory map
export const TWIN_MACHINES: Record<'qemu-m4' | 'qemu-m33', TwinMachine> = {
  'qemu-m4': { machine: 'mps2-an386', windowBase: 0x21000000, vring0: 0x21040000, vring1: 0x21041000, buffers: 0x21042000 },
  'qemu-m33': { machine: 'mps2-an505', windowBase: 0x80000000, vring0: 0x802f8000, vring1: 0x802f9000, buffers: 0x802fa000 },
};

export const CONTROL_BLOCK_OFFSET = 0xf00000;
const BUF_SIZE = 512;
const HOST_ADDR = 0x400;

export interface RpmsgMessage {
  src: number;
  dst: number;
  payload: Buffer;
}

interface Ring {
  da: number;
  num: number;
  avail: number;
  used: number;
}

function ringAt(da: number, num: number, align: number): Ring {
  const avail = da + 16 * num;
  const used = Math.ceil((avail + 4 + 2 * num + 2) / align) * align;
  return { da, num, avail, used };
}

export class TwinHost {
  readonly console: string[] = [];
  readonly events: string[] = [];
  /** doorbell bytes the firmware sent (0/1 kicks, 2/3 acks) */
  readonly kicks: number[] = [];
  private consoleText = '';
  private readonly proc: ChildProcess;
  private readonly fd: number;
  private readonly qmp: Duplex;
  private readonly doorbell: Duplex;
  private qmpBuffer = '';
  private readonly qmpWaiters: Array<(reply: Record<string, unknown>) => void> = [];
  private rx!: Ring;
  private tx!: Ring;
  private rxSeen = 0;
  private txAvail = 0;
  private txUsedSeen = 0;

  constructor(
    readonly elf: string,
    readonly map: TwinMachine,
    readonly shmPath: string,
  ) {
    rmSync(shmPath, { force: true });
    this.fd = openSync(shmPath, 'w+');
    ftruncateSync(this.fd, 16 * 1024 * 1024); // both machines insist on 16 MiB (qemu-twin.md §1.1)
    this.proc = spawn(
      'qemu-system-arm',
      [
        '-M', `${map.machine},memory-backend=win`,
        '-object', `memory-backend-file,id=win,size=16M,mem-path=${shmPath},share=on`,
        '-kernel', elf, '-S', '-display', 'none', '-nodefaults', '-monitor', 'none',
        '-chardev', 'socket,id=con,fd=3', '-serial', 'chardev:con',
        '-chardev', 'socket,id=db,fd=4', '-serial', 'chardev:db',
        '-chardev', 'socket,id=qmp,fd=5', '-mon', 'chardev=qmp,mode=control',
        '-action', 'watchdog=pause',
      ],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe', 'pipe'] },
    );
    const [, , , con, db, qmp] = this.proc.stdio as unknown as Duplex[];
    if (!con || !db || !qmp) throw new Error('qemu stdio sockets missing');
    con.on('data', (chunk: Buffer) => {
      this.consoleText += chunk.toString('latin1');
      const lines = this.consoleText.split('\n');
      this.consoleText = lines.pop() ?? '';
      this.console.push(...lines);
    });
    db.on('data', (chunk: Buffer) => this.kicks.push(...chunk));
    for (const socket of [con, db, qmp]) socket.on('error', () => undefined); // reset when QEMU is killed
    qmp.on('data', (chunk: Buffer) => this.onQmp(chunk));
    this.doorbell = db;
    this.qmp = qmp;
  }

  private onQmp(chunk: Buffer): void {
    this.qmpBuffer += chunk.toString('utf8');
    let nl: number;
    while ((nl = this.qmpBuffer.indexOf('\n')) >= 0) {
      const line = this.qmpBuffer.slice(0, nl).trim();
      this.qmpBuffer = this.qmpBuffer.slice(nl + 1);
      if (line === '') continue;
      const msg = JSON.parse(line) as Record<string, unknown>;
      if (typeof msg.event === 'string') this.events.push(msg.event);
      else if ('return' in msg || 'error' in msg || 'QMP' in msg) this.qmpWaiters.shift()?.(msg);
    }
  }

  private qmpCommand(execute: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      this.qmpWaiters.push(resolve);
      this.qmp.write(`${JSON.stringify({ execute })}\n`);
    });
  }

  async ready(): Promise<void> {
    await new Promise<Record<string, unknown>>((resolve) => this.qmpWaiters.push(resolve)); // greeting
    await this.qmpCommand('qmp_capabilities');
  }

  read(da: number, length: number): Buffer {
    const buf = Buffer.alloc(length);
    readSync(this.fd, buf, 0, length, da - this.map.windowBase);
    return buf;
  }

  write(da: number, data: Buffer): void {
    writeSync(this.fd, data, 0, data.length, da - this.map.windowBase);
  }

  private u16(da: number): number {
    return this.read(da, 2).readUInt16LE(0);
  }

  private setU16(da: number, value: number): void {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(value & 0xffff, 0);
    this.write(da, b);
  }

  /** Without a table just runs; else lays out the vrings as virtio_rpmsg_bus probe does, patches the table at `tableDa`, sets DRIVER_OK, runs. */
  async start(tableDa: number | null): Promise<void> {
    if (tableDa === null) {
      await this.qmpCommand('cont');
      return;
    }
    const table = this.read(tableDa, 0x400);
    const num = table.readUInt32LE(4);
    let vdev = -1;
    for (let i = 0; i < num; i++) {
      const off = table.readUInt32LE(16 + 4 * i);
      if (table.readUInt32LE(off) === 3) vdev = off;
    }
    if (vdev >= 0) {
      const vnum = table.readUInt32LE(vdev + 28 + 8);
      const align = table.readUInt32LE(vdev + 28 + 4);
      this.rx = ringAt(this.map.vring0, vnum, align);
      this.tx = ringAt(this.map.vring1, vnum, align);
      this.write(this.map.vring0, Buffer.alloc(0x2000));
      for (let i = 0; i < vnum; i++) {
        const desc = Buffer.alloc(16);
        desc.writeUInt32LE(this.map.buffers + i * BUF_SIZE, 0);
        desc.writeUInt32LE(BUF_SIZE, 8);
        desc.writeUInt16LE(2, 12); // VRING_DESC_F_WRITE
        this.write(this.rx.da + 16 * i, desc);
        this.setU16(this.rx.avail + 4 + 2 * i, i);
      }
      this.setU16(this.rx.avail + 2, vnum);
      const da = Buffer.alloc(4);
      da.writeUInt32LE(this.map.vring0, 0);
      this.write(tableDa + vdev + 28, da);
      da.writeUInt32LE(this.map.vring1, 0);
      this.write(tableDa + vdev + 48, da);
      this.write(tableDa + vdev + 24, Buffer.from([7])); // ACKNOWLEDGE | DRIVER | DRIVER_OK
    }
    await this.qmpCommand('cont');
  }

  /** Messages the firmware put in vring0's used ring since the last call; re-posts their buffers. */
  takeMessages(): RpmsgMessage[] {
    const out: RpmsgMessage[] = [];
    const usedIdx = this.u16(this.rx.used + 2);
    while (this.rxSeen !== usedIdx) {
      const elem = this.read(this.rx.used + 4 + 8 * (this.rxSeen % this.rx.num), 8);
      const id = elem.readUInt32LE(0);
      const buf = this.read(this.map.buffers + id * BUF_SIZE, BUF_SIZE);
      const len = buf.readUInt16LE(12);
      out.push({ src: buf.readUInt32LE(0), dst: buf.readUInt32LE(4), payload: buf.subarray(16, 16 + len) });
      const availIdx = this.u16(this.rx.avail + 2);
      this.setU16(this.rx.avail + 4 + 2 * (availIdx % this.rx.num), id);
      this.setU16(this.rx.avail + 2, availIdx + 1);
      this.rxSeen = (this.rxSeen + 1) & 0xffff;
    }
    if (out.length > 0) this.doorbell.write(Buffer.from([0]));
    return out;
  }

  async waitMessages(count: number, timeoutMs = 15000): Promise<RpmsgMessage[]> {
    const got: RpmsgMessage[] = [];
    const deadline = Date.now() + timeoutMs;
    while (got.length < count && Date.now() < deadline) {
      got.push(...this.takeMessages());
      if (got.length < count) await new Promise((r) => setTimeout(r, 5));
    }
    return got;
  }

  /** Sends one message from HOST_ADDR to `dst` through vring1 and rings doorbell 1. */
  send(dst: number, payload: Buffer): void {
    const slot = this.txAvail % this.tx.num;
    const da = this.map.buffers + (this.tx.num + slot) * BUF_SIZE;
    const hdr = Buffer.alloc(16);
    hdr.writeUInt32LE(HOST_ADDR, 0);
    hdr.writeUInt32LE(dst, 4);
    hdr.writeUInt16LE(payload.length, 12);
    this.write(da, Buffer.concat([hdr, payload]));
    const desc = Buffer.alloc(16);
    desc.writeUInt32LE(da, 0);
    desc.writeUInt32LE(16 + payload.length, 8);
    this.write(this.tx.da + 16 * slot, desc);
    this.setU16(this.tx.avail + 4 + 2 * slot, slot);
    this.txAvail = (this.txAvail + 1) & 0xffff;
    this.setU16(this.tx.avail + 2, this.txAvail);
    this.doorbell.write(Buffer.from([1]));
  }

  /** Rings a host-to-firmware doorbell (TWIN-PROTOCOL.md: 0 vq0, 1 vq1, 2 shutdown, 3 detach). */
  ring(channel: number): void {
    this.doorbell.write(Buffer.from([channel]));
  }

  /** Number of host buffers the firmware has returned on vring1 so far. */
  txReturned(): number {
    this.txUsedSeen = this.u16(this.tx.used + 2);
    return this.txUsedSeen;
  }

  async waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
    return true;
  }

  /** The control block's fault knob (TWIN-PROTOCOL.md "Control block" +0x20): 1 hardfault, 2 watchdog. */
  requestCrash(kind: 1 | 2): void {
    const word = Buffer.alloc(4);
    word.writeUInt32LE(kind, 0);
    this.write(this.map.windowBase + CONTROL_BLOCK_OFFSET + 0x20, word);
  }

  controlBlock(): number[] {
    const b = this.read(this.map.windowBase + CONTROL_BLOCK_OFFSET, 36);
    return Array.from({ length: 9 }, (_, i) => b.readUInt32LE(4 * i));
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) resolve();
      else this.proc.once('exit', () => resolve());
    });
    this.proc.kill('SIGKILL');
    await exited;
    closeSync(this.fd);
    rmSync(this.shmPath, { force: true });
  }
}
