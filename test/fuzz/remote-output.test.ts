// Fuzz: every parser of board output (state, dmesg, resource_table, hexdump, coredump, trace, lease, df, known_hosts) only throws typed errors.
import fc from 'fast-check';
import { parseDfAvailableKiB } from '../../harness/board/health';
import { parseLease } from '../../harness/board/lease-file';
import {
  coreBytesAt, decodeHexdump, errnoFromShellText, linesSince, markOf, parseCoredump, parseDmesg, parseResourceTableDump, parseState, rebuildTraceLog, RPROC_STATES,
} from '../../harness/remoteproc';
import { COREDUMP_MODES, parseWord, RECOVERY_MODES } from '../../harness/remoteproc/rproc-state';
import { parseKnownHosts } from '../../harness/transports/ssh/known-hosts';
import { mutatedFrom, seedOf } from './elf-mutators';
import { HangWatchdog, must, params, runs, Tally, transientBytes, typedOnly } from './fuzz-kit';
import { damaged, dfText, dmesgText, hexdumpOf, hexdumpText, leaseText, rscDumpText } from './remote-text';

const watchdog = new HangWatchdog();
afterEach(() => watchdog.disarm());

/** board text: printable, control characters, and unicode, in one or many lines */
const anyText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300, unit: 'binary' }), fc.array(fc.string({ maxLength: 40 }), { maxLength: 20 }).map((l) => l.join('\n')));

describe('sysfs words and dmesg', () => {
  test(`parseState and parseWord: a known word or E_REMOTE (${runs(5_000)} cases)`, () => {
    watchdog.arm('state words');
    const tally = new Tally();
    const word = fc.oneof(anyText, fc.constantFrom(...RPROC_STATES, ...RECOVERY_MODES, ...COREDUMP_MODES).chain((w) => fc.constantFrom(w, `${w}\n`, `${w}\n\n`, ` ${w}`, w.toUpperCase(), `${w}\0`)));
    fc.assert(
      fc.property(word, (t) => {
        watchdog.beat();
        tally.add(typedOnly(() => must(RPROC_STATES.includes(parseState(t, '/sys/class/remoteproc/remoteproc0/state')), 'state is one of the kernel words'), ['E_REMOTE']));
        typedOnly(() => parseWord(t, RECOVERY_MODES, 'recovery'), ['E_REMOTE']);
        typedOnly(() => parseWord(t, COREDUMP_MODES, 'coredump'), ['E_REMOTE']);
      }),
      params(5_000),
    );
    expect([tally.has('ok'), tally.has('E_REMOTE')]).toEqual([true, true]);
  });

  test(`parseDmesg, markOf, linesSince never throw; every line is kept (${runs(5_000)} cases)`, () => {
    watchdog.arm('dmesg');
    fc.assert(
      fc.property(fc.oneof(dmesgText, damaged(dmesgText), anyText), fc.nat({ max: 40 }), (text, cut) => {
        watchdog.beat();
        const lines = parseDmesg(text);
        must(lines.length === text.split('\n').filter((l) => l !== '').length, 'one DmesgLine per non-empty line');
        must(lines.every((l) => l.time === undefined || Number.isFinite(l.time)), 'timestamps are finite numbers');
        const mark = markOf(lines.slice(0, cut));
        must(linesSince(lines, mark).length <= lines.length, 'lines since a mark are a subset');
        errnoFromShellText(text);
      }),
      params(5_000),
    );
  });
});

describe('debugfs resource_table dump', () => {
  test(`kernel-formatted dumps parse back; damaged ones give E_REMOTE naming the line (${runs(6_000)} cases)`, () => {
    watchdog.arm('resource_table dump');
    const tally = new Tally();
    fc.assert(
      fc.property(rscDumpText, (text) => {
        watchdog.beat();
        const entries = parseResourceTableDump(text);
        must(entries.length === (text.match(/^(Entry \d+ is of type|Unknown resource type found)/gm) ?? []).length, 'one entry per kernel entry header');
      }),
      params(2_000),
    );
    fc.assert(
      fc.property(fc.oneof(damaged(rscDumpText), anyText), (text) => {
        watchdog.beat();
        tally.add(typedOnly(() => parseResourceTableDump(text), ['E_REMOTE']));
      }),
      params(4_000),
    );
    expect([tally.has('ok'), tally.has('E_REMOTE')]).toEqual([true, true]);
  });

  test('a vdev claiming 4294967295 vrings reads only the vrings present', () => {
    const text = 'Entry 0 is of type vdev\n  ID 7\n  Notify ID 0\n  Device features 0x1\n  Guest features 0x0\n  Config length 0x0\n  Status 0x0\n  Number of vrings 4294967295\n  Reserved (should be zero) [0][0]\n';
    expect(typedOnly(() => parseResourceTableDump(text), ['E_REMOTE'])).toBe('E_REMOTE');
    expect(transientBytes(() => parseResourceTableDump(text))).toBeLessThan(1024 * 1024);
  });
});

describe('binary-safe reads: hexdump -C', () => {
  test(`well-formed hexdumps (with and without -v) decode to their bytes; damaged ones give E_REMOTE (${runs(6_000)} cases)`, () => {
    watchdog.arm('hexdump');
    const tally = new Tally();
    fc.assert(
      fc.property(hexdumpText, ({ bytes, text }) => {
        watchdog.beat();
        must(Buffer.from(decodeHexdump(text, 'data')).equals(Buffer.from(bytes)), 'decoded bytes equal the dumped bytes');
      }),
      params(2_000),
    );
    fc.assert(
      fc.property(fc.oneof(damaged(hexdumpText.map((h) => h.text)), anyText), (text) => {
        watchdog.beat();
        tally.add(typedOnly(() => decodeHexdump(text, 'data'), ['E_REMOTE']));
      }),
      params(4_000),
    );
    expect([tally.has('ok'), tally.has('E_REMOTE')]).toEqual([true, true]);
  });

  test('an offset claim beyond the 64 MiB dump limit is refused with E_REMOTE', () => {
    const text = '00000000  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|\n*\nfffffff0  41\n';
    expect(typedOnly(() => decodeHexdump(text, 'data'), ['E_REMOTE'])).toBe('E_REMOTE');
  });

  // Found by this fuzzer: decodeHexdump once collected bytes in a number[] (3 lines claiming 64 MiB cost 25.8 s and
  // +1.65 GB of heap); it now fills a Uint8Array sink, and this pins the one-byte-per-claimed-byte cost.
  test('a "*" run is filled at about one byte per claimed byte, not a JS number per byte', () => {
    const claim = 4 * 1024 * 1024;
    const text = `00000000  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|\n*\n${claim.toString(16).padStart(8, '0')}\n`;
    expect(decodeHexdump(text, 'data').length).toBe(claim);
    expect(transientBytes(() => decodeHexdump(text, 'data'))).toBeLessThan(3 * claim);
  });
});

/** An ET_CORE the way the kernel writes it (remoteproc.md §5.2): ELF32 header, one PT_LOAD per segment, no sections. */
function kernelCore(segs: { vaddr: number; data: Uint8Array }[]): Uint8Array {
  const head = Buffer.alloc(52 + 32 * segs.length);
  head.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  head.writeUInt16LE(4, 16);
  head.writeUInt16LE(40, 18);
  head.writeUInt32LE(1, 20);
  head.writeUInt32LE(52, 28);
  head.writeUInt16LE(52, 40);
  head.writeUInt16LE(32, 42);
  head.writeUInt16LE(segs.length, 44);
  head.writeUInt16LE(40, 46);
  let off = head.length;
  segs.forEach((s, i) => {
    const ph = 52 + 32 * i;
    head.writeUInt32LE(1, ph);
    head.writeUInt32LE(off, ph + 4);
    head.writeUInt32LE(s.vaddr, ph + 8);
    head.writeUInt32LE(s.vaddr, ph + 12);
    head.writeUInt32LE(s.data.length, ph + 16);
    head.writeUInt32LE(s.data.length, ph + 20);
    head.writeUInt32LE(7, ph + 24);
    off += s.data.length;
  });
  return Buffer.concat([head, ...segs.map((s) => Buffer.from(s.data))]);
}

describe('devcoredump and trace buffers', () => {
  const cores = [
    seedOf('core-2seg', kernelCore([{ vaddr: 0x10000000, data: new Uint8Array(64).fill(1) }, { vaddr: 0x100200e4, data: Buffer.from('[00001.000][INFO ] hi\n\0') }])),
    seedOf('core-empty', kernelCore([])),
    seedOf('core-4seg', kernelCore([0, 0x10000000, 0x10040000, 0x30000000].map((vaddr) => ({ vaddr, data: new Uint8Array(48).fill(vaddr >>> 24) })))),
  ];

  test(`parseCoredump on mutated kernel cores; coreBytesAt on any address and length (${runs(6_000)} cases)`, () => {
    watchdog.arm('coredump');
    const tally = new Tally();
    const address = fc.oneof(fc.constantFrom(0, 0x10000000, 0x100200e4, 0x1003ffff, 0xffffffff, -1, 2 ** 53), fc.integer());
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: mutatedFrom(cores) }, fc.uint8Array({ maxLength: 300 })), address, fc.option(fc.oneof(fc.nat(), fc.integer(), fc.constantFrom(0, 0xffffffff, -1)), { nil: undefined }), (b, at, len) => {
        watchdog.beat();
        tally.add(typedOnly(() => {
          const core = parseCoredump(b);
          tally.add(`bytesAt:${typedOnly(() => coreBytesAt(core, at, len), ['E_REMOTE'])}`);
        }, ['E_REMOTE']));
      }),
      params(6_000),
    );
    // a core that is not even an ELF is bad output from the board (E_REMOTE), never a user-input E_ELF
    expect([tally.has('ok'), tally.has('E_REMOTE'), tally.has('bytesAt:ok')]).toEqual([true, true, true]);
  });

  test(`rebuildTraceLog never throws and never grows the text (${runs(5_000)} cases)`, () => {
    watchdog.arm('trace log');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (raw) => {
        watchdog.beat();
        must(rebuildTraceLog(raw).length <= raw.length, 'the rebuilt log is no longer than the buffer');
      }),
      params(5_000),
    );
  });
});

describe('lease, df and known_hosts', () => {
  test(`parseLease gives a well-typed record or undefined (${runs(5_000)} cases)`, () => {
    watchdog.arm('lease');
    const tally = new Tally();
    fc.assert(
      fc.property(fc.oneof(leaseText, damaged(leaseText)), (text) => {
        watchdog.beat();
        const r = parseLease(text);
        tally.add(r === undefined ? 'foreign' : 'lease');
        if (r) must(typeof r.owner === 'string' && typeof r.pid === 'number' && !Number.isNaN(Date.parse(r.expiresAt)), 'lease fields have their types');
      }),
      params(5_000),
    );
    expect([tally.has('lease'), tally.has('foreign')]).toEqual([true, true]);
  });

  test(`parseDfAvailableKiB gives a non-negative integer or undefined (${runs(3_000)} cases)`, () => {
    watchdog.arm('df');
    fc.assert(
      fc.property(fc.oneof(dfText, damaged(dfText), anyText), (text) => {
        watchdog.beat();
        const kib = parseDfAvailableKiB(text);
        must(kib === undefined || (Number.isInteger(kib) && kib >= 0), 'available KiB is a non-negative integer');
      }),
      params(3_000),
    );
  });

  test(`parseKnownHosts on arbitrary and damaged known_hosts text never throws (${runs(3_000)} cases)`, () => {
    watchdog.arm('known_hosts');
    const line = fc.tuple(fc.constantFrom('[127.0.0.1]:2222', 'board', '|1|abc=|def=', '@revoked board', '@cert-authority *', '#'), fc.constantFrom('ssh-ed25519', 'ssh-rsa', ''), fc.base64String({ maxLength: 80 })).map((p) => p.join(' '));
    fc.assert(
      fc.property(fc.oneof(damaged(fc.array(line, { maxLength: 6 }).map((l) => l.join('\n'))), anyText), fc.constantFrom('127.0.0.1', 'board'), fc.integer({ min: 1, max: 65535 }), (text, host, port) => {
        watchdog.beat();
        must(Array.isArray(parseKnownHosts(text, host, port)), 'a list of keys');
      }),
      params(3_000),
    );
  });
});

test('hexdumpOf squeezes like hexdump -C: a repeated row becomes "*"', () => {
  expect(hexdumpOf(new Uint8Array(48).fill(0x41), false).split('\n')).toEqual([
    '00000000  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|',
    '*',
    '00000030',
    '',
  ]);
});
