// RPMsg tty client (remoteproc.md §6.3, DESIGN §6): echo, ping/pong identification, control commands, pipelined bursts.
import { InfraError, UsageError } from '../errors';
import type { CommandRunner, RemoteStream } from './capabilities';
import { latencyStats, throughput, type LatencyStats } from './latency-stats';
import { RxBuffer } from './rx-buffer';
import { shq } from './shell-words';

export interface TtyOptions {
  board?: string;
  /** budget of opening the tty (stty + reader start), default 5000 ms */
  timeoutMs?: number;
}

export interface BurstResult {
  sent: number;
  received: number;
  lost: number;
  outOfOrder: number;
  corrupted: number;
  latency: LatencyStats;
  /** echoed bytes per second, first write to last reply */
  bytesPerSecond: number;
  elapsedMs: number;
}

const READY = 'rproc-hil-tty-open';
const SEQ_DIGITS = 8;

/** message `seq` of a burst: 8 hex digits of the sequence number, then a pattern that depends on it */
export function burstMessage(seq: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  b.write(seq.toString(16).padStart(SEQ_DIGITS, '0').slice(-SEQ_DIGITS), 'latin1');
  for (let i = SEQ_DIGITS; i < size; i++) b[i] = 0x61 + ((seq + i) % 26);
  return b;
}

/**
 * Opens the two channels of one /dev/ttyRPMSGn (see RpmsgTty): the reader is ready once the tty is open on the board,
 * the writer is `cat > tty`. Other tty clients (a suite's raw probe) use the same opening.
 */
export async function openTtyStreams(runner: CommandRunner, device: string, opts: TtyOptions = {}): Promise<{ reader: RemoteStream; writer: RemoteStream }> {
  if (!/^\/dev\/ttyRPMSG\d+$/.test(device)) throw new UsageError(`${JSON.stringify(device)} is not an RPMsg tty: use /dev/ttyRPMSG<n>`);
  const board = opts.board ?? 'the board';
  const timeoutMs = opts.timeoutMs ?? 5000;
  const dev = shq(device);
  const reader = await runner.stream(`stty -F ${dev} raw -echo && { echo ${READY} >&2; cat; } < ${dev}`);
  let stderr = '';
  const ready = new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new InfraError('E_TIMEOUT', `phase "tty open" ran out of its ${timeoutMs} ms budget on ${board} opening ${device}; stderr: ${stderr.trim() || '(none)'}`, { device, board })), timeoutMs);
    reader.onStderr((c) => {
      stderr += c.toString('latin1');
      if (stderr.includes(READY)) {
        clearTimeout(t);
        resolve();
      }
    });
    void reader.exited.then((code) => {
      clearTimeout(t);
      reject(new InfraError('E_REMOTE', `opening ${device} on ${board} failed (exit ${code}): ${stderr.trim() || 'no error text'}`, { device, board, code }));
    });
  });
  try {
    await ready;
  } catch (e) {
    reader.close();
    throw e;
  }
  const writer = await runner.stream(`cat > ${dev}`);
  return { reader, writer };
}

/**
 * One /dev/ttyRPMSGn over two stream channels: a reader `{ …; cat; } < tty` (the redirect opens the tty BEFORE the
 * ready marker is printed, so no reply can arrive while nobody holds it open) and a writer `cat > tty` fed through
 * its stdin (each chunk one write(2), i.e. one rpmsg message up to 496 bytes). One `cat & cat >` channel would leave
 * the background reader running after stdin closes; two channels close cleanly and never block each other.
 */
export class RpmsgTty {
  private readonly rx = new RxBuffer();

  private constructor(
    readonly device: string,
    private readonly board: string,
    private readonly reader: RemoteStream,
    private readonly writer: RemoteStream,
  ) {
    reader.onData((c) => this.rx.push(c));
    void reader.exited.then(() => this.rx.close(), () => this.rx.close());
  }

  static async open(runner: CommandRunner, device: string, opts: TtyOptions = {}): Promise<RpmsgTty> {
    const { reader, writer } = await openTtyStreams(runner, device, opts);
    return new RpmsgTty(device, opts.board ?? 'the board', reader, writer);
  }

  private timeout(what: string, timeoutMs: number): (seen: Buffer) => InfraError {
    return (seen) => new InfraError('E_TIMEOUT', `phase "rpmsg" ran out of its ${timeoutMs} ms budget on ${this.board} waiting for ${what} on ${this.device}; received so far: ${JSON.stringify(seen.subarray(0, 120).toString('latin1'))}`, { device: this.device, timeoutMs });
  }

  /** Sends `payload` and resolves with the round trip in ms once the same bytes came back. */
  async echo(payload: string | Uint8Array, opts: { timeoutMs: number }): Promise<number> {
    const data = Buffer.from(payload);
    if (data.length === 0) throw new UsageError('an empty echo payload cannot be sent (rpmsg_tty rejects zero-length messages)');
    const t0 = performance.now();
    await this.writer.write(data);
    const back = await this.rx.take(data.length, Date.now() + opts.timeoutMs, this.timeout(`the echo of ${data.length} bytes`, opts.timeoutMs));
    if (!back.equals(data)) {
      const at = back.findIndex((b, i) => b !== data[i]);
      throw new InfraError('E_REMOTE', `echo on ${this.device} came back different at byte ${at}: sent ${JSON.stringify(data.subarray(at, at + 16).toString('latin1'))}, got ${JSON.stringify(back.subarray(at, at + 16).toString('latin1'))}`, { device: this.device, offset: at });
    }
    return performance.now() - t0;
  }

  /** One command line on the control channel, one reply line back (without its newline). */
  async command(line: string, opts: { timeoutMs: number }): Promise<string> {
    if (/[\r\n]/.test(line)) throw new UsageError(`a control command is one line: ${JSON.stringify(line)} has a line break`);
    await this.writer.write(`${line}\n`);
    const reply = await this.rx.takeLine(Date.now() + opts.timeoutMs, this.timeout(`the reply to "${line}"`, opts.timeoutMs));
    return reply.toString('latin1').replace(/\r?\n$/, '');
  }

  /** DESIGN §6: only the control channel answers `ping` with `pong`; the echo channel returns `ping`. */
  async identify(opts: { timeoutMs: number }): Promise<'echo' | 'control'> {
    const reply = await this.command('ping', opts);
    if (reply === 'pong') return 'control';
    if (reply === 'ping') return 'echo';
    throw new InfraError('E_REMOTE', `${this.device} answered ${JSON.stringify(reply)} to ping; expected "pong" (control) or "ping" (echo), DESIGN §6`, { device: this.device, reply });
  }

  /** `n` messages of `size` bytes with at most `window` in flight; counts loss, reordering and corruption. */
  async burst(n: number, size: number, window: number, opts: { timeoutMs: number }): Promise<BurstResult> {
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new UsageError(`burst count ${n} refused: use 1..1000000`);
    if (!Number.isInteger(size) || size < SEQ_DIGITS || size > 65536) throw new UsageError(`burst message size ${size} refused: use ${SEQ_DIGITS}..65536 bytes`);
    if (!Number.isInteger(window) || window < 1) throw new UsageError(`burst window ${window} refused: use a positive integer`);
    const sentAt: number[] = [];
    const latencies: number[] = [];
    let sent = 0;
    let next = 0;
    let settled = 0;
    let received = 0;
    let lost = 0;
    let outOfOrder = 0;
    let corrupted = 0;
    const t0 = performance.now();
    let tLast = t0;
    while (settled < n) {
      while (sent < n && sent - settled < window) {
        sentAt[sent] = performance.now();
        await this.writer.write(burstMessage(sent, size));
        sent++;
      }
      let frame: Buffer;
      try {
        frame = await this.rx.take(size, Date.now() + opts.timeoutMs, this.timeout(`burst message ${next}`, opts.timeoutMs));
      } catch {
        lost += n - settled;
        break;
      }
      tLast = performance.now();
      received++;
      const seq = parseInt(frame.subarray(0, SEQ_DIGITS).toString('latin1'), 16);
      if (!Number.isInteger(seq) || seq >= sent || !frame.equals(burstMessage(seq, size))) {
        corrupted++;
        settled++;
        next++;
        continue;
      }
      if (seq < next) outOfOrder++;
      else {
        lost += seq - next;
        settled += seq - next;
        next = seq + 1;
      }
      settled++;
      latencies.push(tLast - (sentAt[seq] ?? tLast));
    }
    const elapsedMs = tLast - t0;
    return { sent, received, lost, outOfOrder, corrupted, latency: latencyStats(latencies), bytesPerSecond: throughput(received * size, elapsedMs), elapsedMs };
  }

  close(): void {
    this.writer.close();
    this.reader.close();
  }
}

export interface RpmsgChannels {
  echo: RpmsgTty;
  control: RpmsgTty | undefined;
  close(): void;
}

/** Opens every device and tells echo from control by asking (DESIGN §6), never by number. */
export async function openChannels(runner: CommandRunner, devices: string[], opts: TtyOptions & { timeoutMs: number }): Promise<RpmsgChannels> {
  const ttys: RpmsgTty[] = [];
  const close = (): void => ttys.forEach((t) => t.close());
  try {
    const found: Partial<Record<'echo' | 'control', RpmsgTty>> = {};
    for (const d of devices) {
      const t = await RpmsgTty.open(runner, d, opts);
      ttys.push(t);
      found[await t.identify(opts)] ??= t;
    }
    if (!found.echo) throw new InfraError('E_REMOTE', `none of ${devices.join(', ')} on ${opts.board ?? 'the board'} is an echo channel (all answered pong)`, { devices });
    return { echo: found.echo, control: found.control, close };
  } catch (e) {
    close();
    throw e;
  }
}
