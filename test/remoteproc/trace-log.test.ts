// Trace log rebuild from a raw buffer with ST's wrap rule (firmware.md §2.1).
import { rebuildTraceLog } from '../../harness/remoteproc';

/** ST's log_buff (firmware.md §2.1) writing `text` into a buffer of `size` bytes */
function logBuff(size: number, text: string): Uint8Array {
  const buf = new Uint8Array(size);
  let offset = 0;
  for (const ch of Buffer.from(text, 'latin1')) {
    if (offset + 1 >= size) offset = 0;
    buf[offset] = ch;
    buf[offset + 1] = 0;
    offset++;
  }
  return buf;
}

test('firmware.md §2.1 no wrap yet: the text up to the first NUL', () => {
  expect(rebuildTraceLog(logBuff(64, 'line one\nline two\n'))).toBe('line one\nline two\n');
});

test('firmware.md §2.1 after a wrap: older part after the first NUL, then the newer part from the start', () => {
  const text = Array.from({ length: 10 }, (_, i) => `[00000.00${i}][INFO ] message ${i}\n`).join('');
  const raw = logBuff(128, text);
  const rebuilt = rebuildTraceLog(raw);
  // what cat trace0 shows (up to the first NUL) is only the newer part
  expect(rebuilt.endsWith(Buffer.from(raw.subarray(0, raw.indexOf(0))).toString('latin1'))).toBe(true);
  // the rebuild is exactly the last SZ-2 characters written: SZ-1 visible minus the one the wrap overwrote with NUL
  expect(rebuilt).toBe(text.slice(text.length - 126));
});

test('firmware.md §2.1 a buffer without any NUL is all text', () => {
  expect(rebuildTraceLog(Buffer.from('abc'))).toBe('abc');
});

test('an empty buffer (firmware just booted, .bss zeroed) is an empty log', () => {
  expect(rebuildTraceLog(new Uint8Array(2048))).toBe('');
});
