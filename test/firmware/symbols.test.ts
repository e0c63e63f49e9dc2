// symbolAt names a trace buffer after the ELF symbol at its da (DESIGN §4.1 `symbol`), preferring data objects.
import { symbolAt } from '../../harness/firmware/symbols';
import type { ElfSymbol } from '../../harness/firmware/types';

const sym = (name: string, value: number, type: ElfSymbol['type'], bind = 1): ElfSymbol => ({ name, value, size: 0, type, bind, sectionIndex: 1 });

describe('symbolAt', () => {
  test('an object symbol wins over notype symbols at the same address', () => {
    expect(symbolAt([sym('_sbss', 0x100, 'notype'), sym('system_log_buf', 0x100, 'object')], 0x100)).toBe('system_log_buf');
  });

  test('without an object: a global notype symbol, then a local one', () => {
    expect(symbolAt([sym('local_lbl', 0x100, 'notype', 0), sym('__log_start', 0x100, 'notype', 1)], 0x100)).toBe('__log_start');
    expect(symbolAt([sym('local_lbl', 0x100, 'notype', 0)], 0x100)).toBe('local_lbl');
  });

  test('functions, sections, Arm mapping symbols and unnamed symbols never count', () => {
    expect(symbolAt([sym('main', 0x100, 'func'), sym('$d', 0x100, 'notype', 0), sym('', 0x100, 'object'), sym('.bss', 0x100, 'section')], 0x100)).toBeNull();
  });

  test('only an exact address matches', () => {
    expect(symbolAt([sym('system_log_buf', 0x100, 'object')], 0x104)).toBeNull();
  });
});
