// Bad profiles give one ConfigError whose lines name the file, the key path, what was expected and what was found (DESIGN §3).
import { ConfigError } from '../../harness/errors';
import { loadProfile } from '../../harness/config';
import { dk2Body, thrown, tmpBoards, type TmpBoards } from './tmp-boards';

const FIX_HINT = 'Fix the profile; the format is described in docs/profiles.md.';

let boards: TmpBoards;
beforeEach(() => {
  boards = tmpBoards();
});
afterEach(() => boards.cleanup());

function errorOf(name: string, text: string): ConfigError {
  boards.write(`${name}.yaml`, text);
  const e = thrown(() => loadProfile(name, { boardsDir: boards.dir }));
  expect(e).toBeInstanceOf(ConfigError);
  return e as ConfigError;
}

describe('profile errors', () => {
  test('a bad size names file, key path with index, expectation and the value found', () => {
    const e = errorOf('bad-size', dk2Body(boards).replace('size: 0x4000 }', 'size: abc }'));
    expect(e.message).toBe(
      `${boards.dir}/bad-size.yaml: coprocessor.memory[5].size: expected a positive integer (bytes; YAML int, "0x..." hex or a size like "64K"), found "abc"\n${FIX_HINT}`,
    );
    expect(e.code).toBe('E_CONFIG');
    expect(e.details).toMatchObject({ file: `${boards.dir}/bad-size.yaml`, keyPath: 'coprocessor.memory[5].size' });
  });

  test('an unknown key is an error that suggests the right spelling', () => {
    const e = errorOf('typo', dk2Body(boards).replace('  watchdogCrash:', '  watchdogCrsh:'));
    expect(e.message).toBe(
      `${boards.dir}/typo.yaml: capabilities.watchdogCrash: expected true or false, found nothing (the key is missing)\n` +
        `${boards.dir}/typo.yaml: capabilities.watchdogCrsh: expected a known key (trace, watchdogCrash, coredump, detach, recovery), found unknown key "watchdogCrsh" (did you mean "watchdogCrash"?)\n${FIX_HINT}`,
    );
  });

  test('a missing required key says so', () => {
    const e = errorOf('no-model', dk2Body(boards).replace(/^model:.*\n/m, ''));
    expect(e.message).toContain(`${boards.dir}/no-model.yaml: model: expected the board model string, e.g. "STMicroelectronics STM32MP157F-DK2 Discovery Board", found nothing (the key is missing)`);
  });

  test('an enum value lists the allowed words', () => {
    const e = errorOf('bad-format', dk2Body(boards).replace('format: elf', 'format: bin'));
    expect(e.message).toContain(`bad-format.yaml: firmware.format: expected one of 'elf', 'tee-signed', found "bin"`);
  });

  test('tee-signed without a signing command is refused', () => {
    const e = errorOf('tee', dk2Body(boards).replace('format: elf', 'format: tee-signed'));
    expect(e.message).toContain('tee.yaml: firmware.signCommand: expected a signing command because format is tee-signed');
  });

  test('overlapping regions are refused, showing addresses in hex', () => {
    const e = errorOf('overlap', dk2Body(boards).replace('da: 0x10041000', 'da: 0x10040800'));
    expect(e.message).toContain(
      'overlap.yaml: coprocessor.memory[4].da: expected a device-address range that does not overlap "vdev0vring0" (0x10040000..0x10040FFF), found 268699648 (0x10040800)',
    );
  });

  test('duplicate region names are refused', () => {
    const e = errorOf('dup', dk2Body(boards).replace('name: vdev0vring1,', 'name: vdev0vring0,'));
    expect(e.message).toContain('dup.yaml: coprocessor.memory[4].name: expected a name not used before (memory[3] is already "vdev0vring0"), found "vdev0vring0"');
  });

  test('a core that does not match the SoC is refused', () => {
    const e = errorOf('core', dk2Body(boards).replace('core: cortex-m4', 'core: cortex-m33'));
    expect(e.message).toContain(`core.yaml: coprocessor.core: expected 'cortex-m4' (the coprocessor of stm32mp15), found "cortex-m33"`);
  });

  test('a region past 4 GiB is refused', () => {
    const e = errorOf('big', dk2Body(boards).replace('{ name: retram,      da: 0x00000000', '{ name: retram,      da: 0xFFFFF000'));
    expect(e.message).toContain('big.yaml: coprocessor.memory[0].size: expected a size that keeps the region below 4 GiB');
  });

  test('a name that differs from the file name is refused', () => {
    const e = errorOf('renamed', boards.read('stm32mp157f-dk2.yaml'));
    expect(e.message).toBe(`${boards.dir}/renamed.yaml: name: expected "renamed" (the file name without .yaml) or no name key, found "stm32mp157f-dk2"\n${FIX_HINT}`);
  });

  test('a YAML syntax error gives line and column', () => {
    const e = errorOf('syntax', dk2Body(boards).replace('soc: stm32mp15', 'soc: [stm32mp15'));
    expect(e.message).toMatch(new RegExp(`^${boards.dir}/syntax\\.yaml:\\d+:\\d+: YAML syntax error: `));
    expect(e.details).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
  });

  test('a duplicate key is a YAML error, not a silent override', () => {
    const e = errorOf('dupkey', `${dk2Body(boards)}soc: stm32mp25\n`);
    expect(e.message).toMatch(/dupkey\.yaml:\d+:\d+: YAML syntax error: Map keys must be unique/);
  });

  test('a file that is not a mapping says what a profile is', () => {
    const e = errorOf('list', '- a\n- b\n');
    expect(e.message).toBe(`${boards.dir}/list.yaml: (top level): expected a mapping (key: value lines) describing a board profile, found a list of 2 items\n${FIX_HINT}`);
  });

  test('an unparsable kernel release without explicit rules is refused', () => {
    const e = errorOf('kernel', dk2Body(boards).replace('release: 6.6.48-stm32mp-r1', 'release: custom'));
    expect(e.message).toContain('kernel.yaml: kernel.release: expected a release starting with MAJOR.MINOR');
  });

  test('an unknown profile name lists the available ones and suggests the closest', () => {
    const e = thrown(() => loadProfile('stm32mp157f-dk3', { boardsDir: boards.dir }));
    expect(e.message).toBe(
      `unknown board profile "stm32mp157f-dk3" (did you mean "stm32mp157f-dk2"?); profiles in ${boards.dir}: ` +
        'stm32mp157c-ev1, stm32mp157f-dk2, stm32mp257f-dk, stm32mp257f-ev1, twin-mp157, twin-mp257, virtual-mp157, virtual-mp257. ' +
        'Give one of these names or the path of a profile file.',
    );
  });

  test('a missing file given by path says it is missing', () => {
    const e = thrown(() => loadProfile(`${boards.dir}/nope.yaml`, { boardsDir: boards.dir }));
    expect(e.message).toBe(`${boards.dir}/nope.yaml: cannot read: no such file`);
  });
});

describe('profile values', () => {
  test('sizes as "64K"/"16M" strings and decimal ints are accepted', () => {
    boards.write('sizes.yaml', dk2Body(boards).replace('size: 0x10000 }', 'size: 64K }').replace('size: 0x4000 }', 'size: 16384 }'));
    const p = loadProfile('sizes', { boardsDir: boards.dir });
    expect(p.coprocessor.memory[0]?.size).toBe(0x10000);
    expect(p.coprocessor.memory[5]?.size).toBe(0x4000);
  });

  test('a 5.15 kernel derives the EBUSY era and boot-time vring checks (remoteproc.md §1.3)', () => {
    boards.write('old.yaml', 'extends: virtual-mp157\nkernel: { release: 5.15.118-stm32mp-r2 }\n');
    const k = loadProfile('old', { boardsDir: boards.dir }).kernel;
    expect([k.stateRules, k.vringCheck]).toEqual(['ebusy', 'boot']);
  });

  test('a profile loads by path too', () => {
    const file = boards.write('mine.yaml', dk2Body(boards));
    expect(loadProfile(file, { boardsDir: boards.dir }).name).toBe('mine');
  });

  test('timeouts default per phase and can be overridden one by one', () => {
    boards.write('slow.yaml', 'extends: stm32mp157f-dk2\ntimeouts: { start: 60000 }\n');
    const t = loadProfile('slow', { boardsDir: boards.dir }).timeouts;
    expect(t).toEqual({ connect: 10000, exec: 10000, upload: 30000, start: 60000, stop: 5000, tty: 5000, crash: 10000, recovery: 15000, coredump: 10000, console: 10000, reboot: 60000 });
  });
});

describe('hostile keys', () => {
  test('a __proto__ key is an unknown key and pollutes nothing', () => {
    const e = errorOf('proto', `${dk2Body(boards)}__proto__: { polluted: true }\n`);
    expect(e.message).toContain('proto.yaml: __proto__: expected a known key (');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('a child __proto__ mapping merged over a parent pollutes nothing', () => {
    const e = errorOf('proto-kid', 'extends: stm32mp157f-dk2\ncoprocessor: { __proto__: { name: m33 } }\n');
    expect(e.message).toContain('proto-kid.yaml: coprocessor.__proto__: expected a known key (name, core, firmwarePort, memory)');
    expect(({} as Record<string, unknown>).name).toBeUndefined();
  });
});

describe('hostile files', () => {
  test('nesting just past the limit is refused too (the depth check, not the parser)', () => {
    const e = errorOf('deep70', `soc: ${'['.repeat(70)}${']'.repeat(70)}\n`);
    expect(e.message).toBe(`${boards.dir}/deep70.yaml: lists and mappings are nested more than 64 levels deep; a config file never needs that`);
  });

  test('deep nesting is refused with a ConfigError, not a stack overflow', () => {
    const e = errorOf('deep', `soc: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    expect(e.message).toBe(`${boards.dir}/deep.yaml: lists and mappings are nested more than 64 levels deep; a config file never needs that`);
  });

  test('an alias bomb is refused', () => {
    let text = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 0; i < 10; i++) text += `b${i}: &b${i} [${Array(9).fill(i === 0 ? '*a' : `*b${i - 1}`).join(', ')}]\n`;
    const e = errorOf('bomb', text);
    expect(e.message).toMatch(/bomb\.yaml: cannot use this YAML: Excessive alias count/);
  });

  test('a file over 1 MiB is refused before parsing', () => {
    const e = errorOf('huge', `# ${'x'.repeat(1024 * 1024)}\n`);
    expect(e.message).toMatch(/huge\.yaml: 1048579 bytes is too large for a config file \(limit 1048576\); check the path/);
  });
});
