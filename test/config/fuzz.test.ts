// Property: whatever a profile or inventory file holds, the loaders return a valid result or throw a ConfigError, nothing else.
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { loadInventory, loadProfile, profileSchema } from '../../harness/config';
import { ConfigError } from '../../harness/errors';
import { tmpBoards, type TmpBoards } from './tmp-boards';

let boards: TmpBoards;
beforeAll(() => {
  boards = tmpBoards();
});
afterAll(() => boards.cleanup());

function outcome(fn: () => unknown): 'ok' | 'config-error' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    expect(e.message.length).toBeGreaterThan(0);
    expect(e.message).not.toMatch(/\[object Object\]|undefined/);
    return 'config-error';
  }
}

const PROFILE_KEYS = ['soc', 'compatible', 'model', 'coprocessor', 'firmware', 'capabilities', 'kernel', 'console', 'timeouts', 'virtual', 'extends', 'memory', 'da', 'size', 'name'];
const leaf = fc.oneof(
  fc.integer({ min: -5, max: 2 ** 33 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('0x10000000', '64K', '16M', 'stm32mp15', 'cortex-m4', 'm4', 'elf', 'twin', '__proto__', 'constructor'),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.oneof(fc.constantFrom(...PROFILE_KEYS), fc.string({ maxLength: 8 })), tie('v'), { maxKeys: 5 })),
})).v;

describe('loaders never crash', () => {
  test('random mappings as profiles give a valid profile or a ConfigError', () => {
    let n = 0;
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...PROFILE_KEYS), value, { maxKeys: 8 }), (obj) => {
        delete (obj as Record<string, unknown>).name;
        boards.write(`fuzz-${n}.yaml`, stringify(obj));
        outcome(() => loadProfile(`fuzz-${n++}`, { boardsDir: boards.dir }));
      }),
      { numRuns: 150 },
    );
  });

  test('one random change to a valid DK2 profile gives a valid profile or a ConfigError', () => {
    const base = parse(boards.read('stm32mp157f-dk2.yaml').replace(/^name:.*\n/m, '')) as Record<string, unknown>;
    const paths: Array<Array<string | number>> = [];
    const walk = (v: unknown, p: Array<string | number>) => {
      paths.push(p);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
    };
    walk(base, []);
    let n = 0;
    const results = new Set<string>();
    fc.assert(
      fc.property(fc.constantFrom(...paths.filter((p) => p.length > 0)), value, (p, replacement) => {
        const copy = structuredClone(base);
        let cur: Record<string | number, unknown> = copy;
        for (const part of p.slice(0, -1)) cur = cur[part] as Record<string | number, unknown>;
        cur[p[p.length - 1] as string | number] = replacement;
        boards.write(`mut-${n}.yaml`, stringify(copy));
        const r = outcome(() => {
          const profile = loadProfile(`mut-${n++}`, { boardsDir: boards.dir });
          expect(profile.coprocessor.memory.every((m) => m.da + m.size <= 2 ** 32)).toBe(true);
        });
        results.add(r);
      }),
      { numRuns: 200 },
    );
    expect(results.has('config-error')).toBe(true);
  });

  test('random text as a profile or inventory file gives a result or a ConfigError', () => {
    let n = 0;
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('a: &x [1]\nb: *x\n', ': :\n', '{', '- - -', '0x1', 'boards: 5', 'boards:\n  x: {}\n')), (text) => {
        const file = boards.write(`text-${n}.yaml`, text);
        outcome(() => loadProfile(`text-${n++}`, { boardsDir: boards.dir }));
        outcome(() => loadInventory(file, { boardsDir: boards.dir }));
      }),
      { numRuns: 150 },
    );
  });

  test('a valid result re-validates: the output of the schema is a fixed point', () => {
    const p = loadProfile('twin-mp257', { boardsDir: boards.dir });
    const again = profileSchema.parse({ ...p, virtual: p.virtual });
    expect(again).toEqual(p);
  });
});
