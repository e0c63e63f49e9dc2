// Text rendering of a FirmwareReport: header, table, one block per entry with kernel field names, findings, verdict.
import { formatLint, formatReport, lintPasses, verdictText } from '../../harness/firmware/format-report';
import type { FirmwareReport, ResourceTable } from '../../harness/firmware/types';

/** The ST default table (firmware.md §1.2): vdev id 7 with two vrings, then the cm4_log trace. */
const ST_TABLE: ResourceTable = {
  address: 0x10020000,
  size: 0x8c,
  version: 1,
  num: 2,
  reserved: [0, 0],
  offsets: [0x18, 0x5c],
  entries: [
    {
      index: 0, offset: 0x18, typeId: 3, type: 'vdev', id: 7, notifyId: 0, dfeatures: 1, gfeatures: 0, configLen: 0,
      status: 0, numOfVrings: 2, reserved: [0, 0], config: '',
      vrings: [
        { da: 0xffffffff, align: 16, num: 16, notifyId: 0, pa: 0 },
        { da: 0xffffffff, align: 16, num: 16, notifyId: 1, pa: 0 },
      ],
    },
    { index: 1, offset: 0x5c, typeId: 2, type: 'trace', da: 0x100200e4, len: 2048, reserved: 0, name: 'cm4_log', symbol: 'system_log_buf' },
  ],
};

function report(over: Partial<FirmwareReport> = {}): FirmwareReport {
  return {
    file: 'fw.elf',
    sha256: 'ab'.repeat(32),
    elf: { class: 32, machine: 40, entry: 0x10000401 },
    table: ST_TABLE,
    findings: [],
    verdict: { boots: true, rpmsg: true, traces: ['trace0'], errno: null },
    ...over,
  };
}

describe('formatReport', () => {
  const text = formatReport(report());

  test('starts with file, sha256 and the ELF header facts', () => {
    expect(text.split('\n').slice(0, 3)).toEqual([
      'File:     fw.elf',
      `SHA-256:  ${'ab'.repeat(32)}`,
      'ELF:      ELF32, machine 40 (ARM), entry 0x10000401',
    ]);
  });

  test('prints the table header with address, size, ver, num and offsets', () => {
    expect(text).toContain('Resource table at 0x10020000, size 0x8c (140 bytes):\n  ver 1  num 2  reserved [0, 0]\n  offsets [0x18, 0x5c]\n');
  });

  test('prints the vdev block with the kernel field names and both vrings', () => {
    expect(text).toContain(
      [
        '  Entry 0 at offset 0x18: vdev (type 3)',
        '    id          7 (rpmsg)',
        '    notifyId    0',
        '    dfeatures   0x1 (VIRTIO_RPMSG_F_NS)',
        '    gfeatures   0x0',
        '    configLen   0',
        '    status      0x0',
        '    numOfVrings 2',
        '    reserved    [0, 0]',
        '    vring0      da 0xffffffff (FW_RSC_ADDR_ANY)  align 16  num 16  notifyId 0  pa 0x0',
        '    vring1      da 0xffffffff (FW_RSC_ADDR_ANY)  align 16  num 16  notifyId 1  pa 0x0',
      ].join('\n'),
    );
  });

  test('prints the trace block with the symbol at its da', () => {
    expect(text).toContain(
      [
        '  Entry 1 at offset 0x5c: trace (type 2)',
        '    da          0x100200e4 <system_log_buf>',
        '    len         0x800 (2048)',
        '    reserved    0',
        '    name        "cm4_log"',
      ].join('\n'),
    );
  });

  test('says when no symbol sits at a trace da', () => {
    const t = { ...ST_TABLE, entries: [{ ...(ST_TABLE.entries[1] as object), symbol: null }] } as ResourceTable;
    expect(formatReport(report({ table: t }))).toContain('da          0x100200e4 (no symbol at this address)');
  });

  test('ends with no findings and the verdict line', () => {
    expect(text.endsWith('Findings: none\n\nverdict: boots with rpmsg; traces: trace0\n')).toBe(true);
  });

  test('lists findings with severity, code, message and entry', () => {
    const t = formatReport(
      report({
        findings: [
          { severity: 'warning', code: 'vendor-unsupported', message: 'unsupported vendor resource 130', entry: 2, phase: 'resources', kernelPrints: true },
          { severity: 'fatal', code: 'devmem-no-iommu', message: 'Failed to process resources: -22', entry: null, phase: 'resources', kernelPrints: true },
        ],
        verdict: { boots: false, rpmsg: false, traces: [], errno: 22 },
      }),
    );
    expect(t).toContain(
      'Findings (2):\n  warning  vendor-unsupported: unsupported vendor resource 130 (entry 2)\n  fatal    devmem-no-iommu: Failed to process resources: -22\n',
    );
    expect(t).toContain('verdict: fails to boot: -22 (EINVAL)\n');
  });

  test('a missing table is said in words, and the verdict says it boots without one', () => {
    const t = formatReport(report({ table: null, verdict: { boots: true, rpmsg: false, traces: [], errno: null } }));
    expect(t).toContain('No usable resource table (.resource_table).');
    expect(t).toContain('verdict: boots without a resource table (no rpmsg, no traces)');
  });

  test('long vendor data is cut with a count of what was left out', () => {
    const t = { ...ST_TABLE, entries: [{ index: 0, offset: 0x18, typeId: 130, type: 'vendor', data: '00'.repeat(40) }] } as ResourceTable;
    expect(formatReport(report({ table: t }))).toContain(`data        ${'00'.repeat(32)}... (40 bytes, 8 not shown)`);
  });
});

describe('verdictText and lint', () => {
  test('a table that boots without rpmsg keeps its traces', () => {
    expect(verdictText({ boots: true, rpmsg: false, traces: ['trace0'], errno: null })).toBe('boots without rpmsg; traces: trace0');
  });

  test('lint passes a clean report and fails a no-table one, naming the finding', () => {
    expect(lintPasses(report())).toBe(true);
    const noTable = report({
      findings: [{ severity: 'no-table', code: 'table-bad-version', message: 'unsupported fw ver: 2', entry: null, phase: 'table', kernelPrints: true }],
      verdict: { boots: true, rpmsg: false, traces: [], errno: null },
    });
    expect(lintPasses(noTable)).toBe(false);
    expect(formatLint(noTable, 'stm32mp157f-dk2')).toBe(
      [
        'fw.elf: board stm32mp157f-dk2',
        'Findings (1):',
        '  no-table  table-bad-version: unsupported fw ver: 2',
        'verdict: boots without a resource table (no rpmsg, no traces)',
        'lint: FAIL (no-table finding table-bad-version)',
        '',
      ].join('\n'),
    );
  });

  test('a warning alone does not fail lint', () => {
    const warned = report({
      findings: [{ severity: 'warning', code: 'x', message: 'm', entry: 0, phase: 'board', kernelPrints: false }],
    });
    expect(lintPasses(warned)).toBe(true);
    expect(formatLint(warned, null)).toContain('fw.elf: generic STM32 rules (no --board)\n');
    expect(formatLint(warned, null).endsWith('lint: pass\n')).toBe(true);
  });
});
