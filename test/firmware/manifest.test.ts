// firmware/variants.yaml → typed manifest; every mistake a ConfigError naming the file, the key and what was expected.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseVariantManifest, variantsForPort } from '../../harness/firmware';

const FILE = path.resolve(__dirname, '..', '..', 'firmware', 'variants.yaml');
const EXPECT = '{ verdict: ok, errno: null, boots: true, rpmsg: true, channels: 2, ttys: 2, control: true, traces: [trace0], traceNames: [cm4_log], logSize: 2048, vringNum: 16 }';

function manifest(variants: string, ports = 'ports:\n  stm32mp15: { soc: stm32mp15, core: cortex-m4, runsOn: silicon }\n'): string {
  return `${ports}variants:\n${variants}`;
}

function variant(name: string, extra = ''): string {
  return `  - name: ${name}\n    ports: [stm32mp15]\n    defines: []\n    expect:\n      stm32mp15: ${EXPECT}\n${extra}`;
}

function errorOf(text: string): { code?: string; message: string } {
  try {
    parseVariantManifest(text, 'v.yaml');
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error('expected a ConfigError');
}

describe('the checked-in firmware/variants.yaml', () => {
  const m = parseVariantManifest(fs.readFileSync(FILE, 'utf8'), FILE);

  test('every port and variant is read, in file order', () => {
    expect(m.ports.map((p) => `${p.name}:${p.soc}`)).toEqual(['stm32mp15:stm32mp15', 'stm32mp25:stm32mp25', 'qemu-m4:stm32mp15', 'qemu-m33:stm32mp25']);
    expect(m.variants[0]?.name).toBe('no-table');
    expect(m.variants.map((v) => v.name)).toContain('st-default');
  });

  test('st-default on MP15 expects the ST table: two ttys, control, cm4_log of 2048 bytes (firmware.md §1.2)', () => {
    const st = m.variants.find((v) => v.name === 'st-default');
    expect(st?.expect.stm32mp15).toEqual({ verdict: 'ok', errno: null, boots: true, rpmsg: true, channels: 2, ttys: 2, control: true, traces: ['trace0'], traceNames: ['cm4_log'], logSize: 2048, vringNum: 16 });
  });

  test('a port gets only the variants built for it (carveout is MP15-only)', () => {
    expect(variantsForPort(m, 'stm32mp15').map((v) => v.name)).toContain('carveout');
    expect(variantsForPort(m, 'qemu-m33').map((v) => v.name)).not.toContain('carveout');
  });
});

describe('mistakes in a manifest', () => {
  test('a variant name that cannot become rproc-hil-<name>.elf', () => {
    const e = errorOf(manifest(variant('Bad Name')));
    expect(e.code).toBe('E_CONFIG');
    expect(e.message).toBe(
      'v.yaml: variants[0].name: expected a variant name of lower-case letters, digits, . _ - (at most 64, starting with a letter or digit), because it becomes the file name rproc-hil-<name>.elf, found "Bad Name". Fix that key in v.yaml.',
    );
  });

  test('a name with ".." (the loader refuses path walking)', () => {
    expect(errorOf(manifest(variant('a..b'))).message).toBe(
      'v.yaml: variants[0].name: expected a variant name without ".." (the firmware loader refuses path walking, so rproc-hil-<name>.elf could never load), found "a..b". Fix that key in v.yaml.',
    );
  });

  test('a port that is not declared', () => {
    expect(errorOf(manifest(variant('a').replace('[stm32mp15]', '[stm32mp15, qemu-m9]'))).message).toBe(
      'v.yaml: variants[0] (a).ports[1]: expected a port declared under ports: (stm32mp15), found "qemu-m9". Fix that key in v.yaml.',
    );
  });

  test('a port whose SoC has no expectations', () => {
    const text = manifest(variant('a').replace('[stm32mp15]', '[stm32mp15, m33]'), 'ports:\n  stm32mp15: { soc: stm32mp15, core: cortex-m4, runsOn: silicon }\n  m33: { soc: stm32mp25, core: cortex-m33, runsOn: silicon }\n');
    expect(errorOf(text).message).toBe('v.yaml: variants[0] (a).expect.stm32mp25: expected the expectations of stm32mp25, because the variant is built for port m33, found nothing (the key is missing). Fix that key in v.yaml.');
  });

  test('a wrong value inside expect, and an unknown key there', () => {
    expect(errorOf(manifest(variant('a').replace('verdict: ok', 'verdict: maybe'))).message).toContain('variants[0] (a).expect.stm32mp15.verdict: expected ok, no-table or fatal, found "maybe"');
    expect(errorOf(manifest(variant('a').replace('ttys: 2', 'ttys: -1'))).message).toContain('expect.stm32mp15.ttys: expected a non-negative integer, found -1');
    expect(errorOf(manifest(variant('a').replace('logSize: 2048', 'logsize: 2048'))).message).toContain('expect.stm32mp15.logsize: expected one of the keys verdict, errno');
  });

  test('a duplicate variant', () => {
    expect(errorOf(manifest(variant('a') + variant('a'))).message).toBe('v.yaml: variants[1].name: expected a name not used by an earlier variant, found "a". Fix that key in v.yaml.');
  });

  test('YAML syntax errors name the line', () => {
    expect(errorOf('ports: {\nvariants: [').message).toMatch(/^v\.yaml:\d+:\d+: YAML syntax error: .+ Fix the YAML at that line\.$/);
  });

  test('a document that is not a manifest', () => {
    expect(errorOf('- just\n- a list\n').message).toBe('v.yaml: (top level): expected a mapping with ports: and variants:, found ["just","a list"]. Fix that key in v.yaml.');
    expect(errorOf(manifest('')).message).toBe('v.yaml: variants: expected a list of variants (- name: ...), found null. Fix that key in v.yaml.');
  });
});
