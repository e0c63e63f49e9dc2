// Twin facts from the board profiles: machine, window, hidden regions; a mismatched window is a config error.
import { loadProfile } from '../../../../harness/config';
import { ConfigError } from '../../../../harness/errors';
import { twinFactsOf } from '../../../../harness/virtual/coprocessor/twin/twin-profile';

describe('twinFactsOf', () => {
  test('twin-mp157: an386 window at 0x21000000, RETRAM is the only region QEMU does not share', () => {
    const f = twinFactsOf(loadProfile('twin-mp157'));
    expect([f.machine, f.windowBase, f.windowSize, f.stopAckMs]).toEqual(['mps2-an386', 0x21000000, 16 * 1024 * 1024, 3000]);
    expect(f.hiddenRegions.map((r) => r.name)).toEqual(['retram']);
  });

  test('twin-mp257: an505 window at 0x80000000, code and data SSRAMs are hidden regions', () => {
    const f = twinFactsOf(loadProfile('twin-mp257'));
    expect([f.machine, f.windowBase]).toEqual(['mps2-an505', 0x80000000]);
    expect(f.hiddenRegions.map((r) => r.name)).toEqual(['twin_code', 'twin_data']);
  });

  test('a non-twin board and a window off the machine RAM are refused with the key to fix', () => {
    expect(() => twinFactsOf(loadProfile('virtual-mp157'))).toThrow('board virtual-mp157 is not a twin board: set virtual.coprocessor: twin');
    const p = loadProfile('twin-mp157');
    const moved = { ...p, virtual: { ...(p.virtual ?? ({} as never)), window: { da: 0x20000000, size: 0x1000000 } } };
    let err: unknown;
    try {
      twinFactsOf(moved);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(
      'board twin-mp157: virtual.window must be { da: 0x21000000, size: 16M } on mps2-an386 (the machine\'s file-backed RAM, qemu-twin.md §1.1); found { da: 0x20000000, size: 0x1000000 }',
    );
    expect((err as ConfigError).details.keyPath).toBe('virtual.window');
  });
});
