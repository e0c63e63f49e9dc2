// dmesg cursor: lines since a mark, robust to the ring dropping old lines and to `dmesg -c` (timestamps decide).
import { linesSince, markOf, parseDmesg } from '../../harness/remoteproc';

const before = parseDmesg('[    2.345678] remoteproc remoteproc0: m4 is available\n[    2.940243] remoteproc remoteproc0: powering up m4\n');

test('timestamps are parsed; lines after the mark are returned with their text', () => {
  const now = parseDmesg('[    2.345678] remoteproc remoteproc0: m4 is available\n[    2.940243] remoteproc remoteproc0: powering up m4\n[   10.000001] remoteproc remoteproc0: stopped remote processor m4\n');
  expect(linesSince(now, markOf(before))).toEqual([{ time: 10.000001, text: 'remoteproc remoteproc0: stopped remote processor m4', raw: '[   10.000001] remoteproc remoteproc0: stopped remote processor m4' }]);
});

test('ring wrap: the marked line left the ring, only the later lines count', () => {
  const wrapped = parseDmesg('[    9.000000] a later line\n[   11.500000] newest\n');
  expect(linesSince(wrapped, markOf(before)).map((l) => l.text)).toEqual(['a later line', 'newest']);
});

test('dmesg -c between mark and read: everything now in the ring is new', () => {
  expect(linesSince(parseDmesg('[   12.000000] after clear\n'), markOf(before)).map((l) => l.text)).toEqual(['after clear']);
});

test('two lines in the same microsecond as the mark: the one logged after the mark is new', () => {
  const at = parseDmesg('[    5.000000] first\n');
  const later = parseDmesg('[    5.000000] first\n[    5.000000] second\n');
  expect(linesSince(later, markOf(at)).map((l) => l.text)).toEqual(['second']);
});

test('continuation lines without a stamp inherit the previous time', () => {
  expect(parseDmesg('[    1.000000] head\n  continued\n')[1]).toEqual({ time: 1, text: '  continued', raw: '  continued' });
});
