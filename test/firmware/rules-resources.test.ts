// rproc_handle_resources per entry (remoteproc.md §3.3 "Per-entry processing", Carveout, Devmem, Trace, Vdev).
import type { EntrySpec } from '../../harness/firmware/rsc-build';
import { DK2, DK2_PROBE, ST_TRACE, ST_VDEV } from './fixtures';
import { BOOTS_FULL, analyze, failsWith, only, tableBytes, withTable } from './rule-helpers';

const VDEV = 0x18; // offset of the vdev entry in the ST table
const TRACE = 0x5c;

function fatalAt(bytes: Uint8Array, code: string, message: string, entry: number | null, errno = 22, board = DK2): void {
  const r = analyze(withTable(bytes), board);
  expect(only(r, code)).toEqual({ severity: 'fatal', code, message, entry, phase: 'resources', kernelPrints: true });
  expect(r.verdict).toEqual(failsWith(errno));
}

const carveout = (over: Partial<{ da: number; len: number; reserved: number; name: string }> = {}): EntrySpec => ({
  type: 'carveout', da: 0x10040000, pa: 0, len: 0x1000, flags: 0, reserved: 0, name: 'vdev0vring0', ...over,
});

describe('table walk', () => {
  test('rsc table is truncated: an offset with no room for the type word (EINVAL)', () => {
    fatalAt(tableBytes((v) => v.setUint32(0x14, 0x8c - 3, true)), 'rsc-table-truncated', 'rsc table is truncated', 1);
  });

  test('unsupported vendor resource %d: warning, entry skipped', () => {
    const r = analyze(withTable(tableBytes((v) => v.setUint32(TRACE, 128, true))), DK2);
    expect(only(r, 'vendor-resource')).toEqual({ severity: 'warning', code: 'vendor-resource', message: 'unsupported vendor resource 128', entry: 1, phase: 'resources', kernelPrints: true });
    expect(r.verdict).toEqual({ boots: true, rpmsg: true, traces: [], errno: null });
  });

  test('vendor range ends at 512 inclusive; 513 is an unsupported resource', () => {
    expect(analyze(withTable(tableBytes((v) => v.setUint32(TRACE, 512, true))), DK2).findings[0]?.message).toBe('unsupported vendor resource 512');
    expect(analyze(withTable(tableBytes((v) => v.setUint32(TRACE, 513, true))), DK2).findings[0]?.message).toBe('unsupported resource 513');
  });

  test('unsupported resource %d: warning, entry skipped', () => {
    const r = analyze(withTable(tableBytes((v) => v.setUint32(TRACE, 4, true))), DK2);
    expect(only(r, 'unknown-resource')).toMatchObject({ severity: 'warning', message: 'unsupported resource 4', entry: 1 });
    expect(r.verdict.boots).toBe(true);
  });

  test('the first failing entry stops the walk: later entries are not judged', () => {
    const b = tableBytes((v, bytes) => {
      v.setUint32(TRACE + 12, 1, true); // entry 1: trace reserved
      bytes[VDEV + 26] = 1; // entry 0: vdev reserved[0], judged first
    });
    const r = analyze(withTable(b), DK2);
    expect(r.findings.map((f) => f.code)).toEqual(['vdev-reserved-nonzero']);
  });
});

describe('carveout entries', () => {
  test('carveout rsc is truncated', () => {
    fatalAt(tableBytes(undefined, [carveout()]).subarray(0, 20 + 40), 'carveout-truncated', 'carveout rsc is truncated', 0);
  });

  test('carveout rsc has non zero reserved bytes', () => {
    fatalAt(tableBytes(undefined, [carveout({ reserved: 1 })]), 'carveout-reserved-nonzero', 'carveout rsc has non zero reserved bytes', 0);
  });

  test("Registered carveout doesn't fit len request (ENOMEM)", () => {
    fatalAt(tableBytes(undefined, [carveout({ len: 0x2000 })]), 'carveout-len-too-big', "Registered carveout doesn't fit len request", 0, 12);
    fatalAt(tableBytes(undefined, [carveout({ da: 0x10040800 })]), 'carveout-len-too-big', "Registered carveout doesn't fit len request", 0, 12);
  });

  test("Registered carveout doesn't fit da request (ENOMEM)", () => {
    fatalAt(tableBytes(undefined, [carveout({ da: 0x1003f000 })]), 'carveout-da-before-region', "Registered carveout doesn't fit da request", 0, 12);
  });

  test('Carveout already associated to resource table (ENOMEM)', () => {
    fatalAt(tableBytes(undefined, [carveout(), carveout()]), 'carveout-already-associated', 'Carveout already associated to resource table', 1, 12);
  });

  test('a fixed da against a registered carveout whose da is ANY fails silently (ENOMEM, nothing printed)', () => {
    const board = { ...DK2, carveouts: [{ name: 'pool', da: 0xffffffff, size: 0x10000 }] };
    const r = analyze(withTable(tableBytes(undefined, [carveout({ name: 'pool', da: 0x10000000 })])), board);
    expect(only(r, 'carveout-da-fixed')).toMatchObject({ severity: 'fatal', kernelPrints: false, phase: 'resources' });
    expect(r.verdict).toEqual(failsWith(12));
  });

  test('a carveout that fits its region, or names none, boots', () => {
    expect(analyze(withTable(tableBytes(undefined, [carveout({ da: 0xffffffff }), carveout({ name: 'fresh', da: 0x12345678 })])), DK2).verdict.boots).toBe(true);
  });
});

describe('devmem entries', () => {
  const devmem = (reserved = 0): EntrySpec => ({ type: 'devmem', da: 0x40000000, pa: 0x40000000, len: 0x100, flags: 0, reserved, name: 'regs' });

  test('STM32 has no IOMMU: any devmem fails silently, then Failed to process resources: -22', () => {
    fatalAt(tableBytes(undefined, [ST_VDEV, devmem()]), 'devmem-no-iommu', 'Failed to process resources: -22', 1);
    const r = analyze(withTable(tableBytes(undefined, [ST_VDEV, devmem()])));
    expect(r.verdict).toEqual(failsWith(22));
  });

  test('with an IOMMU: devmem rsc is truncated / has non zero reserved bytes', () => {
    const iommu = { ...DK2, iommu: true };
    fatalAt(tableBytes(undefined, [devmem()]).subarray(0, 40), 'devmem-truncated', 'devmem rsc is truncated', 0, 22, iommu);
    fatalAt(tableBytes(undefined, [devmem(1)]), 'devmem-reserved-nonzero', 'devmem rsc has non zero reserved bytes', 0, 22, iommu);
    expect(analyze(withTable(tableBytes(undefined, [devmem()])), iommu).verdict.boots).toBe(true);
  });
});

describe('trace entries', () => {
  test('trace rsc is truncated', () => {
    fatalAt(tableBytes().subarray(0, 0x8c - 1), 'trace-truncated', 'trace rsc is truncated', 1);
  });

  test('trace rsc has non zero reserved bytes', () => {
    fatalAt(tableBytes((v) => v.setUint32(TRACE + 12, 7, true)), 'trace-reserved-nonzero', 'trace rsc has non zero reserved bytes', 1);
  });
});

describe('vdev entries', () => {
  test('vdev rsc is truncated: config_len runs past the table end', () => {
    fatalAt(tableBytes((v) => v.setUint32(VDEV + 20, 0x1000, true)), 'vdev-truncated', 'vdev rsc is truncated', 0);
  });

  test('vdev rsc is truncated: vrings past the table end', () => {
    fatalAt(tableBytes(undefined, [ST_TRACE, ST_VDEV]).subarray(0, 0x8c - 4), 'vdev-truncated', 'vdev rsc is truncated', 1);
  });

  test('vdev rsc has non zero reserved bytes', () => {
    fatalAt(tableBytes((_v, b) => (b[VDEV + 27] = 1)), 'vdev-reserved-nonzero', 'vdev rsc has non zero reserved bytes', 0);
  });

  test('too many vrings: %d', () => {
    fatalAt(tableBytes((_v, b) => (b[VDEV + 25] = 3)), 'vdev-too-many-vrings', 'too many vrings: 3', 0);
  });

  test('invalid qsz (%d) or alignment (%d)', () => {
    fatalAt(tableBytes((v) => v.setUint32(VDEV + 28 + 8, 0, true)), 'vring-invalid', 'invalid qsz (0) or alignment (16)', 0);
    fatalAt(tableBytes((v) => v.setUint32(VDEV + 48 + 4, 0, true)), 'vring-invalid', 'invalid qsz (16) or alignment (0)', 0);
  });

  test("vring larger than vdev0vring0: Registered carveout doesn't fit len request (ENOMEM)", () => {
    fatalAt(tableBytes((v) => v.setUint32(VDEV + 28 + 8, 256, true)), 'vring-carveout-len-too-big', "Registered carveout doesn't fit len request", 0, 12);
  });

  test('vring da fixed inside its carveout is accepted; outside it is not', () => {
    expect(analyze(withTable(tableBytes((v) => v.setUint32(VDEV + 28, 0x10040000, true))), DK2).verdict).toEqual(BOOTS_FULL);
    fatalAt(tableBytes((v) => v.setUint32(VDEV + 48, 0x10040000, true)), 'vring-carveout-da-before-region', "Registered carveout doesn't fit da request", 0, 12);
  });

  test('vringCheck probe: a bad vring leaves the core up without rpmsg, traces still there', () => {
    const r = analyze(withTable(tableBytes((v) => v.setUint32(VDEV + 28 + 8, 0, true))), DK2_PROBE);
    expect(only(r, 'vring-invalid')).toMatchObject({ severity: 'fatal', phase: 'vdev', message: 'invalid qsz (0) or alignment (16)' });
    expect(r.verdict).toEqual({ boots: true, rpmsg: false, traces: ['trace0'], errno: null });
  });

  test('vringCheck probe: carveout fit failure also costs only rpmsg', () => {
    const r = analyze(withTable(tableBytes((v) => v.setUint32(VDEV + 28 + 8, 256, true))), DK2_PROBE);
    expect(only(r, 'vring-carveout-len-too-big').phase).toBe('vdev');
    expect(r.verdict).toEqual({ boots: true, rpmsg: false, traces: ['trace0'], errno: null });
  });

  test('rpmsg buffers (2 x num x 512) larger than vdev0buffer: boots, no rpmsg (derived)', () => {
    const b = tableBytes((v) => {
      v.setUint32(VDEV + 28 + 8, 32, true);
      v.setUint32(VDEV + 48 + 8, 32, true);
    });
    const r = analyze(withTable(b), DK2);
    expect(only(r, 'vdev-buffers-exceed-carveout')).toEqual({
      severity: 'fatal', code: 'vdev-buffers-exceed-carveout', message: 'rpmsg needs 0x8000 bytes of buffers (2 x 32 x 512) but vdev0buffer holds 0x4000',
      entry: 0, phase: 'vdev', kernelPrints: false,
    });
    expect(r.verdict).toEqual({ boots: true, rpmsg: false, traces: ['trace0'], errno: null });
  });

  test('64-entry vrings fit the 4 KiB ring carveouts, but their 64 KiB of buffers exceed vdev0buffer', () => {
    const b = tableBytes((v) => v.setUint32(VDEV + 28 + 8, 64, true));
    expect(analyze(withTable(b), DK2).findings.map((f) => f.code)).toEqual(['vdev-buffers-exceed-carveout']);
  });

  test('without a board no carveout checks run', () => {
    const b = tableBytes((v) => v.setUint32(VDEV + 28 + 8, 256, true));
    expect(analyze(withTable(b)).verdict).toEqual(BOOTS_FULL);
  });

  test('the trace da itself is not checked at boot', () => {
    const b = tableBytes((v) => v.setUint32(TRACE + 4, 0x20000000, true));
    expect(analyze(withTable(b), DK2).verdict).toEqual(BOOTS_FULL);
  });
});
