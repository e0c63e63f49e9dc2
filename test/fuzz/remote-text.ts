// Generators of what a board prints: well-formed kernel/busybox output (dmesg, resource_table, hexdump -C, df, lease, known_hosts), then damaged.
import fc from 'fast-check';
import { buildResourceTable, decodeResourceTable, encodeResourceTable, type EntrySpec } from '../../harness/firmware';
import { formatResourceTable } from '../../harness/virtual/kernel/rsc-dump';

/** Line-level damage a flaky link or an odd kernel causes: lines dropped, repeated, cut, numbers blown up, bytes injected. */
export function damaged(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.record({ k: fc.constant('drop' as const), at: fc.nat() }),
    fc.record({ k: fc.constant('dup' as const), at: fc.nat() }),
    fc.record({ k: fc.constant('cut' as const), at: fc.nat(), keep: fc.nat({ max: 60 }) }),
    fc.record({ k: fc.constant('number' as const), at: fc.nat(), value: fc.constantFrom('0', '-1', '4294967295', '4294967296', '99999999999999999999', '0xffffffffffffffff', 'ffffffffffffffffffff', '1e308', 'NaN', '') }),
    fc.record({ k: fc.constant('insert' as const), at: fc.nat(), line: fc.string({ maxLength: 80 }) }),
    fc.record({ k: fc.constant('bytes' as const), at: fc.nat(), junk: fc.constantFrom('\0', '\r', '\x1b[0m', '\ufffd', '\t', '  ', '\u2028', '[', ']', '|', '*') }),
  );
  return fc.tuple(text, fc.array(edit, { minLength: 1, maxLength: 5 })).map(([t, edits]) => {
    const lines = t.split('\n');
    for (const e of edits) {
      const i = e.at % Math.max(1, lines.length);
      const line = lines[i] ?? '';
      if (e.k === 'drop') lines.splice(i, 1);
      else if (e.k === 'dup') lines.splice(i, 0, line);
      else if (e.k === 'cut') lines[i] = line.slice(0, e.keep);
      else if (e.k === 'number') lines[i] = line.replace(/(0x)?[0-9a-f]+/, e.value);
      else if (e.k === 'insert') lines.splice(i, 0, e.line);
      else lines[i] = line.slice(0, e.at % (line.length + 1)) + e.junk + line.slice(e.at % (line.length + 1));
    }
    return lines.join('\n');
  });
}

/** dmesg as printk prints it (`[%5lu.%06lu] text`), with continuation lines and lines without a stamp. */
export const dmesgText: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.nat({ max: 99999 }), fc.nat({ max: 999999 }), fc.string({ maxLength: 60 }), fc.boolean()), { maxLength: 30 })
  .map((lines) => lines.map(([s, us, text, stamped]) => (stamped ? `[${String(s).padStart(5)}.${String(us).padStart(6, '0')}] ${text}` : text)).join('\n'));

const u32 = fc.oneof(fc.constantFrom(0, 1, 0xffffffff, 0x80000000, 0x10040000), fc.nat({ max: 0xffffffff }));
const rscEntry: fc.Arbitrary<EntrySpec> = fc.oneof(
  fc.record({ type: fc.constant('carveout' as const), da: u32, pa: u32, len: u32, flags: u32, reserved: u32, name: fc.string({ maxLength: 31, unit: 'grapheme-ascii' }) }),
  fc.record({ type: fc.constant('trace' as const), da: u32, len: u32, reserved: u32, name: fc.string({ maxLength: 31, unit: 'grapheme-ascii' }) }),
  fc.record({ type: fc.constant('vdev' as const), id: fc.constantFrom(7, 3), dfeatures: u32, vrings: fc.array(fc.record({ da: u32, align: u32, num: u32, notifyId: u32, pa: u32 }), { maxLength: 3 }) }),
  fc.record({ type: fc.constant('unknown' as const), typeId: fc.integer({ min: 4, max: 127 }), data: fc.constant('') }),
);

/** debugfs resource_table exactly as the kernel formats it (the virtual kernel's formatter, remoteproc.md §2). */
export const rscDumpText: fc.Arbitrary<string> = fc.array(rscEntry, { maxLength: 5 }).map((entries) => {
  const table = decodeResourceTable(encodeResourceTable(buildResourceTable({ entries })), 0);
  return formatResourceTable(table);
});

/** `hexdump -C` canonical output of `bytes`, squeezing repeated rows into `*` unless `verbose` (-v). */
export function hexdumpOf(bytes: Uint8Array, verbose: boolean): string {
  const out: string[] = [];
  let prev: string | undefined;
  let starred = false;
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    const hexes = Array.from(row, (b) => b.toString(16).padStart(2, '0'));
    const key = hexes.join(' ');
    if (!verbose && key === prev && row.length === 16) {
      if (!starred) out.push('*');
      starred = true;
      continue;
    }
    starred = false;
    prev = key;
    const left = hexes.slice(0, 8).join(' ');
    const right = hexes.slice(8).join(' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    out.push(`${off.toString(16).padStart(8, '0')}  ${`${left}  ${right}`.padEnd(49)} |${ascii}|`);
  }
  out.push(bytes.length.toString(16).padStart(8, '0'));
  return `${out.join('\n')}\n`;
}

export const hexdumpText: fc.Arbitrary<{ bytes: Uint8Array; text: string }> = fc
  .tuple(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.tuple(fc.integer({ min: 0, max: 255 }), fc.nat({ max: 300 })).map(([v, n]) => new Uint8Array(n).fill(v))), fc.boolean())
  .map(([bytes, verbose]) => ({ bytes, text: hexdumpOf(bytes, verbose) }));

/** `df -Pk /lib/firmware` (coreutils and busybox print the same POSIX columns). */
export const dfText: fc.Arbitrary<string> = fc
  .tuple(fc.nat(), fc.nat(), fc.oneof(fc.nat(), fc.constant(-1)), fc.constantFrom('/dev/mmcblk0p5', 'overlay', 'a b'))
  .map(([size, used, avail, dev]) => `Filesystem     1024-blocks    Used Available Capacity Mounted on\n${dev} ${size} ${used} ${avail} 50% /\n`);

/** the lease file: the JSON this harness writes, or what another tool (or a half write) left */
export const leaseText: fc.Arbitrary<string> = fc.oneof(
  fc.record({ owner: fc.string(), host: fc.string(), pid: fc.oneof(fc.integer(), fc.double()), expiresAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()) }).map((r) => JSON.stringify(r)),
  fc.json(),
  fc.string(),
);
