// Payloads of the rpmsg suite: every byte value for echoes, and a write whose pieces say where the tty driver cut it.

/** rpmsg_get_mtu: 512-byte buffers minus the 16-byte header (remoteproc.md §6.1) */
export const RPMSG_MTU = 496;

/** `size` bytes running through all 256 values (NUL, newline, 0xff included: the tty is raw, remoteproc.md §6.3) */
export function echoPayload(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 37 + size) & 0xff;
  return b;
}

/** how rpmsg_tty_write sends one write of `total` bytes: min(len, MTU) per message, in order (remoteproc.md §6.3) */
export function ttyChunks(total: number, mtu = RPMSG_MTU): Array<{ start: number; length: number }> {
  const out: Array<{ start: number; length: number }> = [];
  for (let start = 0; start < total; start += mtu) out.push({ start, length: Math.min(mtu, total - start) });
  return out;
}

const TOKEN = 8;

/**
 * `total` printable bytes made of 8-byte tokens `0000496.`: each token is its own offset, so the first bytes of any
 * message cut at a multiple of 8 name where that message starts. No line break: each message end ends one command.
 */
export function splitProbe(total: number): string {
  let s = '';
  for (let at = 0; s.length < total; at += TOKEN) s += `${String(at).padStart(TOKEN - 1, '0')}.`;
  return s.slice(0, total);
}

/** the firmware echoes at most 64 bytes of an unknown command (firmware/common/app.c run_command) */
const ECHOED = 64;

/**
 * The reply lines the control channel sends when the write is cut into `chunks`: one reply message per received message,
 * a message end ends a command, and a command that is not ping/info/log/crash draws `error unknown command: <first 64 bytes>`
 * (DESIGN §6, firmware/common/app.c control_receive).
 */
export function expectedSplitReplies(probe: string, chunks: Array<{ start: number; length: number }>): string[] {
  return chunks.map((c) => `error unknown command: ${probe.slice(c.start, c.start + Math.min(c.length, ECHOED))}`);
}

/** where each reply says its message started (the offset token at its start), for the failure text */
export function describeReplies(replies: string[]): string {
  return replies
    .map((r) => {
      const m = /^error unknown command: (\d{7})\.(.*)$/.exec(r);
      return m?.[1] !== undefined ? `a message starting at byte ${Number(m[1])}${r.length - 23 < ECHOED ? ` (${r.length - 23} bytes long)` : ''}` : JSON.stringify(r.slice(0, 80));
    })
    .join(', ');
}
