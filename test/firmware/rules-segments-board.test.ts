// rproc_elf_load_segments messages and the board-level advice (remoteproc.md §3.3 "ELF segment load", §4 trace reads).
import { buildElf } from '../../harness/firmware/elf-write';
import { parseElf, findSection } from '../../harness/firmware/elf';
import { DK2, ST_TRACE, ST_VDEV, firmwareSpec, firmwareWith, stFirmware } from './fixtures';
import { BOOTS_FULL, analyze, failsWith, only, tableBytes, withTable } from './rule-helpers';

const VDEV = 0x18;

function withSegment(seg: { offset?: number; filesz?: number; memsz?: number; paddr?: number; type?: number }): Uint8Array {
  const spec = firmwareSpec();
  return buildElf({ ...spec, segments: [...(spec.segments ?? []), { vaddr: 0x10010000, ...seg }] });
}

function segmentFatal(bytes: Uint8Array, code: string, message: string, board = DK2): void {
  const r = analyze(bytes, board);
  expect(only(r, code)).toEqual({ severity: 'fatal', code, message, entry: null, phase: 'segments', kernelPrints: true });
  expect(r.verdict).toEqual(failsWith(22));
}

describe('segment load (rproc_elf_load_segments)', () => {
  test('bad phdr filesz 0x%x memsz 0x%x', () => {
    segmentFatal(withSegment({ offset: 0x100, filesz: 0x200, memsz: 0x100 }), 'segment-filesz-gt-memsz', 'bad phdr filesz 0x200 memsz 0x100');
  });

  test('truncated fw: need 0x%x avail 0x%x', () => {
    const b = withSegment({ offset: 0x100, filesz: 0x100000, memsz: 0x100000 });
    segmentFatal(b, 'segment-truncated', `truncated fw: need 0x100100 avail 0x${b.length.toString(16)}`);
  });

  test('bad phdr da 0x%x mem 0x%x: PT_LOAD outside every memory region', () => {
    segmentFatal(stFirmware({ dataPaddr: 0x20000000 }), 'segment-outside-memory', 'bad phdr da 0x20000000 mem 0x10cc');
  });

  test('a segment straddling two regions does not load (da_to_va maps one region at a time)', () => {
    segmentFatal(withSegment({ paddr: 0x1003f000, offset: 0x100, filesz: 0, memsz: 0x2000 }), 'segment-outside-memory', 'bad phdr da 0x1003f000 mem 0x2000');
  });

  test('the check uses p_paddr, not p_vaddr', () => {
    expect(analyze(withSegment({ paddr: 0x10010000, offset: 0x100, filesz: 0x10, memsz: 0x10 }), DK2).verdict).toEqual(BOOTS_FULL);
  });

  test('segments with memsz 0 and non-PT_LOAD segments are skipped', () => {
    expect(analyze(withSegment({ paddr: 0x20000000, offset: 0, filesz: 0, memsz: 0 }), DK2).verdict).toEqual(BOOTS_FULL);
    expect(analyze(withSegment({ type: 4, paddr: 0x20000000, offset: 0, filesz: 0x10, memsz: 0x10 }), DK2).verdict).toEqual(BOOTS_FULL);
  });

  test('without a board there are no memory-map checks', () => {
    expect(analyze(stFirmware({ dataPaddr: 0x20000000 })).verdict).toEqual(BOOTS_FULL);
  });

  test('an ELF64 segment above 4 GiB does not fit size_t on the 32-bit MP15 host', () => {
    const spec = firmwareSpec({ class: 64 });
    const b = buildElf({ ...spec, segments: [...(spec.segments ?? []), { vaddr: 0, paddr: 0x10000000, offset: 0, filesz: 0, memsz: 0x100000000 }] });
    const r = analyze(b, DK2);
    expect(only(r, 'segment-size-overflow').message).toBe('size (100000000) does not fit in size_t type');
    expect(r.verdict).toEqual(failsWith(75));
  });

  test('segment checks run after the resources: a resource failure is reported alone', () => {
    const b = stFirmware({ dataPaddr: 0x20000000, table: tableBytes((v) => v.setUint32(0x5c + 12, 1, true)) });
    expect(analyze(b, DK2).findings.map((f) => f.code)).toEqual(['trace-reserved-nonzero']);
  });
});

describe('board advice (not printed at boot)', () => {
  test('trace outside every memory region: reading trace0 gives "Trace  not available" (two spaces)', () => {
    const r = analyze(withTable(tableBytes((v) => v.setUint32(0x5c + 4, 0x20000000, true))), DK2);
    expect(only(r, 'trace-outside-memory')).toEqual({
      severity: 'warning', code: 'trace-outside-memory', entry: 1, phase: 'board', kernelPrints: false,
      message: 'trace0: da 0x20000000 len 0x800 lies outside every memory region of stm32mp157f-dk2; reading it gives "Trace  not available"',
    });
    expect(r.verdict).toEqual(BOOTS_FULL);
  });

  test('a trace that runs past the end of its region is outside too', () => {
    const r = analyze(withTable(tableBytes((v) => v.setUint32(0x5c + 4, 0x1003ff00, true))), DK2);
    expect(r.findings.map((f) => f.code)).toEqual(['trace-outside-memory']);
  });

  test('vdev without VIRTIO_RPMSG_F_NS: warning, no channel announced', () => {
    const r = analyze(withTable(tableBytes((v) => v.setUint32(VDEV + 12, 0, true))), DK2);
    expect(only(r, 'vdev-no-ns')).toEqual({
      severity: 'warning', code: 'vdev-no-ns', entry: 0, phase: 'board', kernelPrints: false,
      message: 'vdev dfeatures 0x0 lack VIRTIO_RPMSG_F_NS: Linux will not announce any rpmsg channel',
    });
    expect(r.verdict).toEqual(BOOTS_FULL);
  });

  test('vring num not a power of two: warning', () => {
    const r = analyze(withTable(tableBytes((v) => v.setUint32(VDEV + 48 + 8, 24, true))), DK2);
    expect(only(r, 'vring-num-not-pow2')).toMatchObject({ severity: 'warning', message: 'vring1 num 24 is not a power of two', entry: 0 });
    expect(r.verdict.boots).toBe(true);
  });

  test('a vdev that is not rpmsg gives no rpmsg', () => {
    const r = analyze(withTable(tableBytes((v) => v.setUint32(VDEV + 4, 3, true))), DK2);
    expect(only(r, 'vdev-not-rpmsg').message).toBe('vdev id 3 is not VIRTIO_ID_RPMSG (7): no rpmsg bus will use it');
    expect(r.verdict).toEqual({ boots: true, rpmsg: false, traces: ['trace0'], errno: null });
  });

  test('an rpmsg vdev with one vring gives no rpmsg', () => {
    const one = { ...ST_VDEV, vrings: [{ da: 0xffffffff, align: 16, num: 16, notifyId: 0, pa: 0 }] } as typeof ST_VDEV;
    const r = analyze(firmwareWith([one, ST_TRACE]), DK2);
    expect(only(r, 'vdev-too-few-vrings')).toMatchObject({ severity: 'fatal', phase: 'vdev', message: 'rpmsg needs 2 vrings, the vdev has 1' });
    expect(r.verdict).toEqual({ boots: true, rpmsg: false, traces: ['trace0'], errno: null });
  });

  test('a table outside every memory region: the firmware never sees its vrings', () => {
    const spec = firmwareSpec();
    const sections = spec.sections.map((s) => (s.name === '.resource_table' ? { ...s, addr: 0x20000000 } : s));
    // the table's own address is not loaded by any segment here, so only the table check can fail
    const segments = [{ sections: ['.isr_vector'] }, { sections: ['.text'] }, { sections: ['.data', '.bss'] }];
    const r = analyze(buildElf({ ...spec, sections, segments }), DK2);
    expect(only(r, 'table-outside-memory')).toMatchObject({ severity: 'fatal', phase: 'board', kernelPrints: false });
    expect(r.verdict).toEqual({ boots: true, rpmsg: false, traces: ['trace0'], errno: null });
  });

  test('a section other than the table lying outside the file: warning', () => {
    const b = stFirmware();
    const elf = parseElf(b);
    const text = findSection(elf, '.text');
    new DataView(b.buffer).setUint32(elf.header.shoff + (text?.index ?? 0) * 40 + 16, b.length, true);
    const r = analyze(b, DK2);
    expect(only(r, 'section-outside-file')).toMatchObject({ severity: 'warning', phase: 'board', kernelPrints: false });
    expect(only(r, 'section-outside-file').message).toMatch(/^section header 2 \(\.text\) extends past end of file/);
  });
});
