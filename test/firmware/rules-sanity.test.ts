// rproc_elf_sanity_check messages in the kernel's order (remoteproc.md §3.3 "ELF sanity"): each is fatal, EINVAL.
import { stFirmware } from './fixtures';
import { analyze, failsWith } from './rule-helpers';

const good = stFirmware();
const patched = (edit: (v: DataView, b: Uint8Array) => void, from: Uint8Array = good): Uint8Array => {
  const b = Uint8Array.from(from);
  edit(new DataView(b.buffer), b);
  return b;
};

function expectSanity(bytes: Uint8Array, code: string, message: string): void {
  const r = analyze(bytes);
  expect(r.findings).toEqual([{ severity: 'fatal', code, message, entry: null, phase: 'sanity', kernelPrints: true }]);
  expect(r.verdict).toEqual(failsWith(22));
  expect(r.table).toBeNull();
}

describe('ELF sanity (remoteproc.md §3.3)', () => {
  test('Image is too small: smaller than an ELF32 header', () => {
    expectSanity(good.subarray(0, 51), 'elf-too-small', 'Image is too small');
  });

  test('Image is corrupted (bad magic)', () => {
    expectSanity(patched((_v, b) => (b[0] = 0)), 'elf-bad-magic', 'Image is corrupted (bad magic)');
  });

  test('Unsupported class: %d', () => {
    expectSanity(patched((_v, b) => (b[4] = 5)), 'elf-bad-class', 'Unsupported class: 5');
  });

  test('elf64 header is too small', () => {
    expectSanity(stFirmware({ class: 64 }).subarray(0, 60), 'elf64-too-small', 'elf64 header is too small');
  });

  test('Unsupported firmware endianness: a big-endian ELF on the little-endian Arm host', () => {
    expectSanity(stFirmware({ littleEndian: false }), 'elf-bad-endianness', 'Unsupported firmware endianness');
  });

  test('Image is too small: the first section header lies past the end', () => {
    expectSanity(patched((v) => v.setUint32(32, good.length - 20, true)), 'elf-too-small-for-sections', 'Image is too small');
  });

  test('No loadable segments: e_phnum 0', () => {
    expectSanity(patched((v) => v.setUint16(44, 0, true)), 'elf-no-segments', 'No loadable segments');
  });

  test('Firmware size is too small: e_phoff past the end', () => {
    expectSanity(patched((v) => v.setUint32(28, good.length + 1, true)), 'elf-phoff-past-end', 'Firmware size is too small');
  });

  test('checks run in the kernel order: bad magic wins over a short file', () => {
    expectSanity(patched((_v, b) => (b[0] = 0), good.subarray(0, 60)), 'elf-bad-magic', 'Image is corrupted (bad magic)');
  });

  test('ELF facts are kept where the header is readable', () => {
    const r = analyze(patched((v) => v.setUint16(44, 0, true)));
    expect(r.elf).toEqual({ class: 32, machine: 40, entry: 0x10000101 });
    expect(analyze(stFirmware({ class: 64 }).subarray(0, 60)).elf).toEqual({ class: 64, machine: 0, entry: 0 });
  });
});
