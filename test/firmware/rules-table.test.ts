// find_table messages and the STM32 "table optional" rule (remoteproc.md §3.3 "Finding the table", "What no table means").
import { parseElf, findSection } from '../../harness/firmware/elf';
import { DK2, stFirmware } from './fixtures';
import { BOOTS_NO_TABLE, analyze, tableBytes, withTable } from './rule-helpers';

const DRIVER = { severity: 'no-table', code: 'no-resource-table', message: 'no resource table found for this firmware', entry: null, phase: 'table', kernelPrints: true };

function expectNoTable(bytes: Uint8Array, code: string, message: string): void {
  const r = analyze(bytes, DK2);
  expect(r.findings).toEqual([{ severity: 'no-table', code, message, entry: null, phase: 'table', kernelPrints: true }, DRIVER]);
  expect(r.verdict).toEqual(BOOTS_NO_TABLE);
}

function withSectionSize(size: number): Uint8Array {
  const b = stFirmware();
  const elf = parseElf(b);
  const s = findSection(elf, '.resource_table');
  new DataView(b.buffer).setUint32(elf.header.shoff + (s?.index ?? 0) * 40 + 20, size, true);
  return b;
}

describe('find_table on STM32: every failure boots without rpmsg and traces', () => {
  test('no .resource_table section: only the driver warning', () => {
    const r = analyze(stFirmware({ table: null }), DK2);
    expect(r.findings).toEqual([DRIVER]);
    expect(r.verdict).toEqual(BOOTS_NO_TABLE);
  });

  test('a section of another name is not the table', () => {
    const r = analyze(stFirmware({ sectionName: '.resource_tbl' }), DK2);
    expect(r.findings).toEqual([DRIVER]);
  });

  test('resource table truncated: section past the end of the file', () => {
    const b = stFirmware();
    const s = findSection(parseElf(b), '.resource_table');
    expectNoTable(withSectionSize(b.length - (s?.offset ?? 0) + 4), 'table-truncated', 'resource table truncated');
  });

  test('header-less resource table: section smaller than 16 bytes', () => {
    expectNoTable(withSectionSize(12), 'table-headerless', 'header-less resource table');
  });

  test('unsupported fw ver: %d', () => {
    expectNoTable(withTable(tableBytes((v) => v.setUint32(0, 2, true))), 'table-bad-version', 'unsupported fw ver: 2');
    expectNoTable(withTable(tableBytes((v) => v.setUint32(0, 0, true))), 'table-bad-version', 'unsupported fw ver: 0');
  });

  test('unsupported fw ver prints a u32 above 2^31 as the kernel %d does (negative)', () => {
    expectNoTable(withTable(tableBytes((v) => v.setUint32(0, 0xffffffff, true))), 'table-bad-version', 'unsupported fw ver: -1');
  });

  test('non zero reserved bytes (either word)', () => {
    expectNoTable(withTable(tableBytes((v) => v.setUint32(8, 1, true))), 'table-reserved-nonzero', 'non zero reserved bytes');
    expectNoTable(withTable(tableBytes((v) => v.setUint32(12, 0x100, true))), 'table-reserved-nonzero', 'non zero reserved bytes');
  });

  test('resource table incomplete: offset array beyond the section', () => {
    expectNoTable(withTable(tableBytes((v) => v.setUint32(4, 31 + 1, true))), 'table-incomplete', 'resource table incomplete');
  });

  test('num exactly filling the section is complete', () => {
    // 31 offsets fill 16 + 4 x 31 = 140 bytes; offsets 2..30 read zeros (the header itself, type word 1 = devmem)
    const r = analyze(withTable(tableBytes((v) => v.setUint32(4, 31, true))), DK2);
    expect(r.findings.map((f) => f.code)).not.toContain('table-incomplete');
  });

  test('the rejected table is still decoded for display', () => {
    const r = analyze(withTable(tableBytes((v) => v.setUint32(0, 2, true))), DK2);
    expect(r.table).toMatchObject({ version: 2, num: 2 });
  });

  test('checks run in the kernel order: version before reserved before num', () => {
    const b = tableBytes((v) => {
      v.setUint32(0, 3, true);
      v.setUint32(8, 1, true);
      v.setUint32(4, 1000, true);
    });
    expect(analyze(withTable(b), DK2).findings[0]?.code).toBe('table-bad-version');
  });
});
