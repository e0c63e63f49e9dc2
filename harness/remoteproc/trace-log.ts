// Rebuild a trace log from a raw buffer dump with ST's wrap rule (reference/firmware.md §2.1).

/**
 * ST's `log_buff` keeps the buffer NUL-terminated right after the newest character and wraps to the start when
 * full, so after a wrap the older text sits after the first NUL. Text = older part (`buf[p+1 .. SZ-2]`, up to its
 * own NUL when the buffer never filled) + newer part (`buf[0 .. p-1]`). No NUL at all: the whole buffer is text.
 */
export function rebuildTraceLog(raw: Uint8Array): string {
  const p = raw.indexOf(0);
  if (p < 0) return Buffer.from(raw).toString('latin1');
  const newer = raw.subarray(0, p);
  // the last byte (SZ-1) only ever holds a NUL; an older part that still has a NUL inside was never written over
  const olderRegion = raw.subarray(p + 1, Math.max(p + 1, raw.length - 1));
  const olderEnd = olderRegion.indexOf(0);
  const older = olderEnd < 0 ? olderRegion : olderRegion.subarray(0, olderEnd);
  return Buffer.from(older).toString('latin1') + Buffer.from(newer).toString('latin1');
}
