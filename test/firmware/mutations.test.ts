// Every mutation applied to the ST-default firmware draws its declared verdict under DK2 rules (vringCheck 'boot').
import { InputError } from '../../harness/errors';
import { analyzeFirmware } from '../../harness/firmware/analyze';
import { parseElf } from '../../harness/firmware/elf';
import { MUTATIONS, applyMutation } from '../../harness/firmware/mutations';
import { DK2, ST_TRACE, ST_VDEV, firmwareWith, stFirmware } from './fixtures';

const original = stFirmware();

describe('MUTATIONS catalogue', () => {
  test('offers at least the mutations the issue names, each described', () => {
    const names = MUTATIONS.map((m) => m.name);
    for (const required of [
      'bad-version', 'reserved-nonzero', 'num-overflow', 'offset-out-of-range', 'entry-truncated', 'vdev-reserved', 'too-many-vrings',
      'vring-num-zero', 'vring-num-not-pow2', 'vring-too-large', 'buffers-exceed-carveout', 'trace-outside-memory', 'trace-reserved',
      'devmem-entry', 'vendor-entry', 'unknown-type', 'no-section', 'section-truncated',
    ]) {
      expect(names).toContain(required);
    }
    expect(new Set(names).size).toBe(names.length);
    for (const m of MUTATIONS) expect(m.description.length).toBeGreaterThan(10);
  });

  test.each(MUTATIONS.map((m) => [m.name, m] as const))('%s draws its declared verdict on a DK2', (_name, m) => {
    const mutated = applyMutation(original, m.name);
    expect(mutated).not.toEqual(original);
    const r = analyzeFirmware(mutated, { file: `${m.name}.elf`, board: DK2 });
    expect(r.findings.map((f) => f.code)).toContain(m.expect.code);
    expect({ boots: r.verdict.boots, rpmsg: r.verdict.rpmsg, errno: r.verdict.errno }).toEqual({
      boots: m.expect.boots,
      rpmsg: m.expect.rpmsg,
      errno: m.expect.errno,
    });
  });

  test.each(MUTATIONS.map((m) => [m.name, m] as const))('%s draws the same verdict on ELF64 firmware', (_name, m) => {
    const r = analyzeFirmware(applyMutation(stFirmware({ class: 64 }), m.name), { file: 'f64', board: DK2 });
    expect(r.findings.map((f) => f.code)).toContain(m.expect.code);
    expect([r.verdict.boots, r.verdict.rpmsg, r.verdict.errno]).toEqual([m.expect.boots, m.expect.rpmsg, m.expect.errno]);
  });

  test('the original firmware is left untouched', () => {
    const copy = Uint8Array.from(original);
    applyMutation(original, 'bad-version');
    expect(original).toEqual(copy);
  });

  test('mutations that do not target the file layout keep a valid ELF', () => {
    for (const m of MUTATIONS.filter((x) => x.name !== 'section-truncated')) {
      expect(() => parseElf(applyMutation(original, m.name))).not.toThrow();
    }
  });
});

describe('applyMutation refuses what it cannot do', () => {
  test('an unknown name lists the valid names', () => {
    expect(() => applyMutation(original, 'flip-bits')).toThrow(InputError);
    expect(() => applyMutation(original, 'flip-bits')).toThrow(/unknown mutation "flip-bits"; valid names: bad-version, reserved-nonzero, .*section-truncated/);
  });

  test('firmware without a table cannot take a table mutation', () => {
    expect(() => applyMutation(stFirmware({ table: null }), 'bad-version')).toThrow('mutation bad-version needs firmware with a .resource_table section');
  });

  test('firmware without a vdev cannot take a vdev mutation', () => {
    expect(() => applyMutation(firmwareWith([ST_TRACE]), 'vring-num-zero')).toThrow('mutation vring-num-zero needs firmware with a vdev entry');
  });

  test('firmware without a trace cannot take a trace mutation', () => {
    expect(() => applyMutation(firmwareWith([ST_VDEV]), 'trace-reserved')).toThrow('mutation trace-reserved needs firmware with a trace entry');
  });

  test('too-many-vrings needs room for a third vring', () => {
    expect(() => applyMutation(firmwareWith([ST_TRACE, ST_VDEV]), 'too-many-vrings')).toThrow('mutation too-many-vrings needs firmware with room for 3 vrings after the vdev');
  });

  test('a mutation expecting rpmsg to survive needs an rpmsg vdev', () => {
    expect(() => applyMutation(firmwareWith([ST_TRACE]), 'unknown-type')).toThrow(/needs firmware with an rpmsg vdev/);
  });

  test('bytes that are not an ELF give an InputError, not a crash', () => {
    expect(() => applyMutation(new Uint8Array(10), 'bad-version')).toThrow(InputError);
  });
});
