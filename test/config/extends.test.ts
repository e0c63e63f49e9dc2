// `extends`: deep merge of mappings, lists replaced whole, cycles detected, errors blamed on the file that holds the key.
import { loadProfile } from '../../harness/config';
import { thrown, tmpBoards, type TmpBoards } from './tmp-boards';

let boards: TmpBoards;
beforeEach(() => {
  boards = tmpBoards();
});
afterEach(() => boards.cleanup());

describe('extends', () => {
  test('mappings merge key by key: a child overrides one capability and keeps the rest', () => {
    boards.write('nodetach.yaml', 'extends: stm32mp157f-dk2\ncapabilities: { detach: false }\n');
    const p = loadProfile('nodetach', { boardsDir: boards.dir });
    expect(p.capabilities).toEqual({ trace: true, watchdogCrash: true, coredump: true, detach: false, recovery: true });
    expect(p.extends).toBe('stm32mp157f-dk2');
    expect(p.compatible).toEqual(['st,stm32mp157f-dk2', 'st,stm32mp157']);
  });

  test('lists replace the parent list: a child memory map is the whole map', () => {
    boards.write('small.yaml', 'extends: stm32mp157f-dk2\ncoprocessor:\n  memory:\n    - { name: vdev0buffer, da: 0x10042000, size: 0x4000 }\n');
    const p = loadProfile('small', { boardsDir: boards.dir });
    expect(p.coprocessor.memory).toEqual([{ name: 'vdev0buffer', da: 0x10042000, pa: 0x10042000, size: 0x4000 }]);
    expect(p.coprocessor.name).toBe('m4');
  });

  test('three levels: twin-mp157 -> virtual-mp157 -> stm32mp157f-dk2', () => {
    const p = loadProfile('twin-mp157', { boardsDir: boards.dir });
    expect([p.extends, p.model, p.virtual?.hostname, p.virtual?.coprocessor]).toEqual([
      'virtual-mp157', 'STMicroelectronics STM32MP157F-DK2 Discovery Board', 'stm32mp1', 'twin',
    ]);
  });

  test('a cycle is reported with the chain', () => {
    boards.write('loop-a.yaml', 'extends: loop-b\n');
    boards.write('loop-b.yaml', 'extends: loop-a\n');
    const e = thrown(() => loadProfile('loop-a', { boardsDir: boards.dir }));
    expect(e.message).toBe(
      `${boards.dir}/loop-b.yaml: extends: expected a profile that does not (indirectly) extend itself, found "loop-a", a cycle: loop-a -> loop-b -> loop-a\n` +
        'Fix the profile; the format is described in docs/profiles.md.',
    );
  });

  test('a profile extending itself is a cycle', () => {
    boards.write('self.yaml', 'extends: self\n');
    expect(thrown(() => loadProfile('self', { boardsDir: boards.dir })).message).toContain('a cycle: self -> self');
  });

  test('an unknown parent lists the profiles', () => {
    boards.write('orphan.yaml', 'extends: stm32mp157x-dk9\n');
    expect(thrown(() => loadProfile('orphan', { boardsDir: boards.dir })).message).toBe(
      `${boards.dir}/orphan.yaml: extends: expected the name of a profile in ${boards.dir} (orphan, stm32mp157c-ev1, stm32mp157f-dk2, stm32mp257f-dk, stm32mp257f-ev1, twin-mp157, twin-mp257, virtual-mp157, virtual-mp257), found "stm32mp157x-dk9"\n` +
        'Fix the profile; the format is described in docs/profiles.md.',
    );
  });

  test('an error in the parent is blamed on the parent file, one in the child on the child', () => {
    boards.write('base.yaml', boards.read('stm32mp157f-dk2.yaml').replace('name: stm32mp157f-dk2', 'name: base').replace('baud: 115200', 'baud: fast'));
    boards.write('kid.yaml', 'extends: base\nfirmware: { autoBoot: "bad name" }\n');
    const e = thrown(() => loadProfile('kid', { boardsDir: boards.dir }));
    expect(e.message).toContain(`${boards.dir}/kid.yaml: firmware.autoBoot: expected a firmware file name (letters, digits, . _ + - /; no spaces, no ".."), found "bad name"`);
    expect(e.message).toContain(`${boards.dir}/base.yaml: console.baud: expected a positive integer (baud rate), found "fast"`);
  });

  test('a child fixing the parent\'s invalid value validates: only the merged profile is checked', () => {
    boards.write('half.yaml', 'soc: stm32mp15\n');
    boards.write('whole.yaml', `extends: half\n${boards.read('stm32mp157f-dk2.yaml').replace(/^(name|soc):.*\n/gm, '')}`);
    expect(loadProfile('whole', { boardsDir: boards.dir }).soc).toBe('stm32mp15');
    expect(thrown(() => loadProfile('half', { boardsDir: boards.dir })).message).toContain('half.yaml: compatible: expected a list of compatible strings');
  });
});
