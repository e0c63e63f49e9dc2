// Collects one exec channel: stdout, stderr, exit status or signal; bounded output; a tail for timeout messages.
import type { ClientChannel } from 'ssh2';
import { sendSignal } from './send-signal';

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** exit status, or null when the command was ended by a signal or the server sent none */
  code: number | null;
  signal?: string;
}

export interface RunningExec {
  /** settles when the channel closes; rejects only for oversized output */
  result: Promise<ExecResult>;
  /** the last line of output seen so far (stdout or stderr), for timeout messages */
  lastOutput(): string;
  /** signal the remote command and close the channel */
  kill(signal: string): void;
}

export class OutputTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`output exceeded ${limit} bytes`);
  }
}

export function runExec(ch: ClientChannel, stdin: string | Uint8Array | undefined, maxOutputBytes: number): RunningExec {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let bytes = 0;
  let tail = '';
  let code: number | null = null;
  let signal: string | undefined;
  let overflow = false;

  const kill = (sig: string): void => {
    sendSignal(ch, sig);
    ch.close();
  };
  const take = (into: Buffer[]) => (chunk: Buffer) => {
    if (overflow) return;
    bytes += chunk.length;
    if (bytes > maxOutputBytes) {
      overflow = true;
      kill('KILL');
      return;
    }
    into.push(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-400);
  };
  ch.on('data', take(out));
  ch.stderr.on('data', take(err));
  ch.on('exit', (c: number | null, sig?: string) => {
    if (typeof c === 'number') code = c;
    if (typeof sig === 'string') signal = sig;
  });

  const result = new Promise<ExecResult>((resolve, reject) => {
    ch.on('close', (c?: number | null, sig?: string) => {
      if (code === null && typeof c === 'number') code = c;
      if (signal === undefined && typeof sig === 'string') signal = sig;
      if (overflow) return reject(new OutputTooLarge(maxOutputBytes));
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code,
        ...(signal !== undefined ? { signal } : {}),
      });
    });
  });
  // EOF only when the caller gives stdin: some servers (ssh2's) refuse the "signal" request after EOF, and a
  // timed-out command must still be killable. A command that reads stdin needs `stdin: ''` to see EOF.
  if (stdin !== undefined) ch.end(stdin);

  const lastOutput = (): string => {
    const lines = tail.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
    return lines[lines.length - 1]?.slice(-200) ?? '';
  };
  return { result, lastOutput, kill };
}
