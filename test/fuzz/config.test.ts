// Fuzz (10k cases in CI): loadProfile and loadInventory on generated and damaged YAML give a valid result or a ConfigError naming the file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { loadInventory, loadProfile } from '../../harness/config';
import { tmpBoards, type TmpBoards } from '../config/tmp-boards';
import { HangWatchdog, must, params, runs, Tally, typedOnly } from './fuzz-kit';
import { damaged } from './remote-text';

let boards: TmpBoards;
const watchdog = new HangWatchdog();
beforeAll(() => {
  boards = tmpBoards();
});
afterEach(() => watchdog.disarm());
afterAll(() => boards.cleanup());

type Tree = unknown;
const PROFILES = fs.readdirSync(path.resolve(__dirname, '../../boards')).filter((f) => f.endsWith('.yaml') && !f.startsWith('farm'));
const profileTrees = (): Tree[] => PROFILES.map((f) => parse(boards.read(f).replace(/^name:.*\n/m, '')) as Tree);
const inventoryTree = (): Tree => parse(boards.read('farm.example.yaml')) as Tree;

/** Replacement values that stress a schema: wrong types, edge numbers, size strings, YAML-special words, secrets. */
const leaf = fc.oneof(
  fc.integer({ min: -5, max: 2 ** 33 }),
  fc.constantFrom(0, -1, 0.5, 1e308, Number.NaN, Infinity, 2 ** 53, 65536, 0xffffffff),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
  fc.constantFrom('0x10000000', '0xffffffffff', '64K', '16M', '4G', '-1K', 'stm32mp15', 'stm32mp25', 'cortex-m4', 'm4', 'elf', 'tee-signed', 'twin', 'model', '__proto__', 'constructor', 'prototype', '~/.ssh/id', '$(reboot)', '-----BEGIN OPENSSH PRIVATE KEY-----', 'SHA256:Zk5o8v2qJm1lHq3m0cD9yR4Xw7tB6nV2uP8sL1aK0eE', '../../etc/passwd', 'virtual-mp157', 'stm32mp157f-dk2'),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.oneof(fc.constantFrom('type', 'ssh', 'host', 'port', 'da', 'size', 'name', 'extends', 'password', 'key', '__proto__'), fc.string({ maxLength: 8 })), tie('v'), { maxKeys: 4 })),
})).v;

/** Every path to a node of a tree, so an edit can land anywhere in a real profile. */
function pathsOf(tree: Tree): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  const walk = (v: unknown, p: Array<string | number>): void => {
    out.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  walk(tree, []);
  return out;
}

type TreeEdit = { k: 'set'; at: number; v: unknown } | { k: 'delete'; at: number } | { k: 'add'; at: number; key: string; v: unknown };
const treeEdit: fc.Arbitrary<TreeEdit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('set' as const), at: fc.nat(), v: value }) },
  fc.record({ k: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ k: fc.constant('add' as const), at: fc.nat(), key: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('password', 'extends', 'timeouts', 'memory', '<<')), v: value }),
);

function applyTreeEdits(tree: Tree, edits: TreeEdit[]): Tree {
  const copy = structuredClone(tree) as Record<string | number, unknown>;
  for (const e of edits) {
    const paths = pathsOf(copy).filter((p) => p.length > 0);
    const p = paths[e.at % Math.max(1, paths.length)];
    if (!p) continue;
    let parent: Record<string | number, unknown> = copy;
    for (const part of p.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
    const last = p[p.length - 1] as string | number;
    if (e.k === 'set') parent[last] = e.v;
    else if (e.k === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else {
      const target = parent[last];
      if (target && typeof target === 'object' && !Array.isArray(target)) Object.defineProperty(target, e.key, { value: e.v, enumerable: true, writable: true, configurable: true });
    }
  }
  return copy;
}

/** JSON is YAML 1.2 flow style, and 100x cheaper to write than block YAML (the loader parses both the same way) */
function asYaml(tree: Tree): string {
  return JSON.stringify(tree, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

/** YAML that only text can express: anchors and alias bombs, tags, merge keys, duplicate keys, deep nesting, tabs. */
const yamlOddities = fc.constantFrom(
  'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
  'soc: !!js/function "function(){}"\n',
  'soc: !custom x\n',
  'base: &b { soc: stm32mp15 }\nx:\n  <<: *b\n',
  'soc: stm32mp15\nsoc: stm32mp25\n',
  `${'['.repeat(200)}${']'.repeat(200)}\n`,
  `${'- '.repeat(300)}x\n`,
  'boards:\n\tx: 1\n',
  'boards: !!binary aGVsbG8=\n',
  '%YAML 1.1\n---\nboards: {}\n...\n---\nboards: {}\n',
  'boards:\n  x: &x { type: stm32mp157f-dk2, ssh: *x }\n',
  '\ufeffboards: {}\n',
  'extends: stm32mp157f-dk2\nextends: twin-mp157\n',
  'extends: ../../../../etc/passwd\n',
  'extends: fuzz-self\n',
);

/** one file name, rewritten per case: a boards/ directory that grew by a file per case would make every lookup slower */
function writeProfile(text: string): string {
  const name = 'fuzz-0';
  boards.write(`${name}.yaml`, text.replace(/fuzz-self/g, name));
  return name;
}

function configOutcome(fn: () => unknown, tally: Tally): void {
  watchdog.beat();
  const o = typedOnly(() => {
    try {
      fn();
    } catch (e) {
      // the message names the file (DESIGN §3: an error names the file, the key path, what was expected and found)
      if (e instanceof Error && 'code' in e && e.code === 'E_CONFIG') must(/fuzz-\d+\.yaml|inv-\d+\.yaml|\.yaml/.test(e.message), `ConfigError names the file: ${e.message.slice(0, 200)}`);
      throw e;
    }
  }, ['E_CONFIG']);
  tally.add(o);
}

describe('board profiles', () => {
  test(`edits of the real profiles (set, delete, add anywhere in the tree) (${runs(4_000)} cases)`, () => {
    watchdog.arm('profile tree edits');
    const trees = profileTrees();
    const tally = new Tally();
    fc.assert(
      fc.property(fc.nat({ max: trees.length - 1 }), fc.array(treeEdit, { minLength: 1, maxLength: 4 }), (i, edits) => {
        const name = writeProfile(asYaml(applyTreeEdits(trees[i], edits)));
        configOutcome(() => {
          const p = loadProfile(name, { boardsDir: boards.dir });
          // what loads is usable: every region fits the 32-bit device address space (remoteproc.md §3)
          must(p.coprocessor.memory.every((m) => Number.isInteger(m.da) && m.da >= 0 && m.da + m.size <= 2 ** 32), 'memory regions inside 32-bit space');
        }, tally);
      }),
      params(4_000),
    );
    expect([tally.has('ok'), tally.has('E_CONFIG')]).toEqual([true, true]);
  });

  test(`damaged profile text and YAML oddities (${runs(2_000)} cases)`, () => {
    watchdog.arm('profile text');
    const texts = PROFILES.map((f) => boards.read(f).replace(/^name:.*\n/m, ''));
    const tally = new Tally();
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: damaged(fc.constantFrom(...texts)) }, { weight: 1, arbitrary: yamlOddities }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...texts), yamlOddities).map(([t, odd]) => `${t}${odd}`) }, { weight: 2, arbitrary: fc.string({ maxLength: 300 }) }), (text) => {
        const name = writeProfile(text);
        configOutcome(() => loadProfile(name, { boardsDir: boards.dir }), tally);
      }),
      params(2_000),
    );
    expect(tally.has('E_CONFIG')).toBe(true);
  });
});

describe('farm inventories', () => {
  test(`edits of farm.example.yaml and damaged inventory text (${runs(4_000)} cases)`, () => {
    watchdog.arm('inventories');
    const tree = inventoryTree();
    const text = boards.read('farm.example.yaml');
    const tally = new Tally();
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 3, arbitrary: fc.array(treeEdit, { minLength: 1, maxLength: 4 }).map((edits) => asYaml(applyTreeEdits(tree, edits))) },
          damaged(fc.constant(text)),
          yamlOddities,
        ),
        (yamlText) => {
          const file = boards.write('inv-0.yaml', yamlText);
          configOutcome(() => {
            const inv = loadInventory(file, { boardsDir: boards.dir });
            for (const i of inv.instances) {
              // no secret ever survives validation: passwords only by variable NAME, keys only by path
              must(!/BEGIN|PRIVATE KEY/.test(JSON.stringify(i)), 'no key material in a loaded instance');
              must(i.ssh.port >= 1 && i.ssh.port <= 65535, 'a TCP port');
            }
          }, tally);
        },
      ),
      params(4_000),
    );
    expect([tally.has('ok'), tally.has('E_CONFIG')]).toEqual([true, true]);
  });
});
