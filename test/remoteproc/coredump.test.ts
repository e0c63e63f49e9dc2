// ELF core parsing and segment extraction (remoteproc.md §5.2), and the binary-safe hexdump decoder.
import { buildElf } from '../../harness/firmware';
import { coreBytesAt, decodeHexdump, parseCoredump } from '../../harness/remoteproc';
import { RemoteBytes } from '../../harness/remoteproc/remote-bytes';

/** a remoteproc-style core: ET_CORE, EM_NONE, one PT_LOAD per dump segment (remoteproc.md §5.2) */
function core(): Uint8Array {
  const ram = Uint8Array.from({ length: 0x100 }, (_, i) => i);
  const trace = Buffer.concat([Buffer.from('newer\n\0older '), Buffer.alloc(3)]);
  return buildElf({
    type: 4,
    machine: 0,
    entry: 0x10000101,
    sections: [
      { name: 'ram', addr: 0x10000000, data: ram },
      { name: 'trace', addr: 0x100200e4, data: trace },
    ],
    segments: [{ sections: ['ram'] }, { sections: ['trace'] }],
  });
}

test('remoteproc.md §5.2 segments by device address; bytes at an address inside a segment', () => {
  const c = parseCoredump(core());
  expect(c.entry).toBe(0x10000101);
  expect(c.segments.map((s) => [s.vaddr, s.size])).toEqual([[0x10000000, 0x100], [0x100200e4, 16]]);
  expect(Array.from(coreBytesAt(c, 0x10000010, 4))).toEqual([0x10, 0x11, 0x12, 0x13]);
  expect(Buffer.from(coreBytesAt(c, 0x100200e4)).toString('latin1')).toBe('newer\n\0older \0\0\0');
});

test('an address outside every segment, or a length past its end, is an E_REMOTE listing the segments', () => {
  const c = parseCoredump(core());
  expect(() => coreBytesAt(c, 0x20000000)).toThrow('no core segment holds address 0x20000000 (segments: 0x10000000+0x100, 0x100200e4+0x10)');
  expect(() => coreBytesAt(c, 0x100000f0, 0x20)).toThrow('0x20 bytes at 0x100000f0 run past the end of the core segment 0x10000000+0x100');
});

test('a firmware ELF (ET_EXEC) is not accepted as a core', () => {
  const exec = buildElf({ sections: [{ name: '.text', addr: 0, data: new Uint8Array(4) }], segments: [{ sections: ['.text'] }] });
  expect(() => parseCoredump(exec)).toThrow('the devcoredump is an ELF of type 2, not a core (type 4); remoteproc.md §5.2');
});

/** the exact layout rproc_coredump writes: header, N program headers, data back to back, no sections (remoteproc.md §5.2) */
function kernelCore(segs: { vaddr: number; data: Uint8Array }[]): Uint8Array {
  const head = Buffer.alloc(52 + 32 * segs.length);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]).copy(head);
  head.writeUInt16LE(4, 16); // ET_CORE
  head.writeUInt16LE(0, 18); // EM_NONE
  head.writeUInt32LE(1, 20);
  head.writeUInt32LE(0x10000101, 24);
  head.writeUInt32LE(52, 28);
  head.writeUInt16LE(52, 40);
  head.writeUInt16LE(32, 42);
  head.writeUInt16LE(segs.length, 44);
  head.writeUInt16LE(40, 46);
  let offset = head.length;
  segs.forEach((s, i) => {
    const p = 52 + 32 * i;
    [1, offset, s.vaddr, s.vaddr, s.data.length, s.data.length, 7, 0].forEach((v, k) => head.writeUInt32LE(v, p + 4 * k));
    offset += s.data.length;
  });
  return Buffer.concat([head, ...segs.map((s) => Buffer.from(s.data))]);
}

test('remoteproc.md §5.2 the kernel layout (no section headers) parses; first data at 52 + 32*N', () => {
  const c = parseCoredump(kernelCore([{ vaddr: 0, data: new Uint8Array(16).fill(1) }, { vaddr: 0x100200e4, data: Buffer.from('log\n\0') }]));
  expect(c.elf.segments.map((s) => s.offset)).toEqual([0x74, 0x84]);
  expect(Buffer.from(coreBytesAt(c, 0x100200e4, 4)).toString('latin1')).toBe('log\n');
});

test('a truncated core (the fetch lost its tail) says which segment leaves the file', () => {
  const bytes = kernelCore([{ vaddr: 0x10000000, data: new Uint8Array(0x100) }]);
  expect(() => parseCoredump(bytes.subarray(0, bytes.length - 16))).toThrow(
    `core segment 0 at 0x10000000 claims bytes 0x54..0x154 but the dump has ${bytes.length - 16} bytes (truncated fetch?)`,
  );
});

test('hexdump -C with a "*" run of repeated rows decodes to the exact bytes', () => {
  const text = [
    '00000000  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|',
    '*',
    '00000030  00 ff 0a                                          |...|',
    '00000033',
    '',
  ].join('\n');
  const bytes = decodeHexdump(text, 'data');
  expect(bytes.length).toBe(0x33);
  expect(Buffer.from(bytes.subarray(0, 0x30)).equals(Buffer.alloc(0x30, 0x41))).toBe(true);
  expect(Array.from(bytes.subarray(0x30))).toEqual([0, 0xff, 0x0a]);
  expect(() => decodeHexdump('00000000  zz\n', 'data')).toThrow('hexdump of data line 1 is "00000000  zz", not canonical hexdump -C output');
});

test('RemoteBytes prefers base64 where the board has it, and falls back to hexdump -v -C on exit 127', async () => {
  const bytes = Buffer.from([0, 1, 0xfe, 0x0a, 0x41]);
  const hexdumpOut = '00000000  00 01 fe 0a 41                                    |....A|\n00000005\n';
  const fake = (hasBase64: boolean) => ({
    commands: [] as string[],
    async exec(command: string) {
      this.commands.push(command);
      if (command.startsWith('base64 ')) return hasBase64 ? { stdout: `${bytes.toString('base64')}\n`, stderr: '', code: 0 } : { stdout: '', stderr: 'sh: base64: not found\n', code: 127 };
      return { stdout: hexdumpOut, stderr: '', code: 0 };
    },
    async stream(): Promise<never> {
      throw new Error('no streams');
    },
  });
  const withB64 = fake(true);
  expect(Buffer.from(await new RemoteBytes(withB64, 'b').read('/x', { phase: 'coredump', timeoutMs: 100 })).equals(bytes)).toBe(true);
  expect(withB64.commands).toEqual(['base64 /x']);
  const without = fake(false);
  const reader = new RemoteBytes(without, 'b');
  expect(Buffer.from(await reader.read('/x', { phase: 'coredump', timeoutMs: 100 })).equals(bytes)).toBe(true);
  await reader.read('/y', { phase: 'coredump', timeoutMs: 100 });
  expect(without.commands).toEqual(['base64 /x', 'hexdump -v -C /x', 'hexdump -v -C /y']);
});
