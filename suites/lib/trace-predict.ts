// What trace0 must show after one more log line, by ST's log_buff rule (firmware.md §2.1, §2.2).

/** `[sssss.mmm][INFO ] ` : 11 + 7 + 1 characters before the text (firmware.md §2.2) */
export const LINE_PREFIX = 19;

/** the line `log <text>` appends: prefix, text, newline (firmware/common/log.c) */
export function logLineLength(text: string): number {
  return LINE_PREFIX + text.length + 1;
}

export interface LogPrediction {
  /** the write reached the end of the buffer and continued at its start */
  wrapped: boolean;
  /** characters trace0 shows afterwards */
  length: number;
  /** undefined when trace0 is what the rule predicts, else what differs */
  problem?: string;
}

/** the INFO line `log <text>` writes, with a placeholder time stamp (its digits are not predictable) */
function lineTemplate(text: string): string {
  return `[00000.000][INFO ] ${text}\n`;
}

/** equal, except that positions digitsFrom..digitsTo-1 (the time stamp) may hold any digit where `want` has one */
function sameExceptDigits(want: string, got: string, digitsFrom: number, digitsTo: number): boolean {
  if (want.length !== got.length) return false;
  for (let i = 0; i < want.length; i++) {
    const inStamp = i >= digitsFrom && i < digitsTo;
    if (inStamp ? !/[0-9.]/.test(got[i] ?? '') || (want[i] === '.') !== (got[i] === '.') : want[i] !== got[i]) return false;
  }
  return true;
}

/**
 * log_buff writes each character at `offset`, wrapping to 0 first when offset + 1 >= size, and puts a NUL after it;
 * trace0 reads up to the first NUL (remoteproc.md §4). So trace0 is buf[0 .. offset) and holds at most size - 1
 * characters. Before the line: trace0 = `before` (offset = its length). After: `before + line` if it fits, else only
 * the part of the line written after the wrap (firmware.md §2.1: older text hidden behind the NUL).
 */
export function predictLog(before: string, text: string, size: number, after: string): LogPrediction {
  const line = lineTemplate(text);
  const room = size - 1 - before.length;
  if (room < 0) {
    return { wrapped: false, length: before.length, problem: `trace0 showed ${before.length} characters before the line, more than the ${size - 1} a ${size}-byte buffer with a NUL after the newest character can show` };
  }
  if (line.length <= room) {
    const length = before.length + line.length;
    const ok = after.startsWith(before) && sameExceptDigits(line, after.slice(before.length), 1, 10);
    return { wrapped: false, length, ...(ok ? {} : { problem: `trace0 should be the ${before.length} characters it showed before plus the line ${JSON.stringify(`[sssss.mmm][INFO ] ${text}`)} (${length} characters, no wrap: ${line.length} <= ${room} free)` }) };
  }
  // `room` characters of the line fill the buffer up to size - 2, the rest starts again at 0
  const tail = line.slice(room);
  const ok = sameExceptDigits(tail, after, Math.max(0, 1 - room), Math.max(0, 10 - room));
  return {
    wrapped: true,
    length: tail.length,
    ...(ok ? {} : { problem: `the line does not fit the ${room} free characters, so log_buff wraps to the start: trace0 should be only the last ${tail.length} characters of the line, ${JSON.stringify(tail.slice(0, 60))}${tail.length > 60 ? '…' : ''}` }),
  };
}
