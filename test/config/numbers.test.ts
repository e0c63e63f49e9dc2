// Profile integers: YAML ints, hex strings and binary-suffixed sizes; anything else is "not a number", never a guess.
import { hex, parseIntLike } from '../../harness/config';

describe('parseIntLike', () => {
  test.each([
    [0x10000000, 0x10000000],
    ['0x10000000', 0x10000000],
    ['0X4_000', 0x4000],
    ['65536', 65536],
    ['64K', 0x10000],
    ['16M', 0x1000000],
    ['16MiB', 0x1000000],
    ['1G', 0x40000000],
    [' 8k ', 8192],
  ])('%p reads as %p', (input, expected) => {
    expect(parseIntLike(input)).toBe(expected);
  });

  test.each([[-1], [1.5], [NaN], [Infinity], ['abc'], ['0x'], ['16 MB extra'], ['-4K'], [''], [null], [true], [[1]], [{}], ['0x' + 'f'.repeat(20)], ['9'.repeat(30)]])(
    '%p is not an integer',
    (input) => {
      expect(parseIntLike(input)).toBeUndefined();
    },
  );

  test('hex() writes upper-case 0x form for messages', () => {
    expect(hex(0x812fa000)).toBe('0x812FA000');
  });
});
