// firmware.md §2.1–2.2: the log_buff algorithm and ST's line format, as the behavioural firmware writes them.
import { SparseMemory } from '../../../harness/virtual/coprocessor/memory';
import { TraceLog, formatLogLine } from '../../../harness/virtual/coprocessor/trace-log';

const region = [{ name: 'ram', da: 0x1000, size: 0x1000 }];
const cstr = (m: SparseMemory, da: number, len: number) => Buffer.from(m.read(da, len) ?? []).toString('latin1').split('\0')[0];

describe('firmware.md §2 log buffer', () => {
  test('firmware.md §2.2 lines are `[sssss.mmm][LEVEL] text` with the padded level tags', () => {
    expect(formatLogLine(1234, 'INFO', 'hi')).toBe('[00001.234][INFO ] hi\n');
    expect(formatLogLine(99_999_999, 'ERR', 'x')).toBe('[99999.999][ERR  ] x\n');
    expect(formatLogLine(5, 'WARN', 'w')).toBe('[00000.005][WARN ] w\n');
    expect(formatLogLine(0, 'DBG', 'd')).toBe('[00000.000][DBG  ] d\n');
  });

  test('firmware.md §2.1 the buffer is NUL-terminated right after the newest character', () => {
    const m = new SparseMemory(region);
    const log = new TraceLog(m, 0x1100, 16);
    log.write('abc');
    expect(Array.from(m.read(0x1100, 5) ?? [])).toEqual([0x61, 0x62, 0x63, 0, 0]);
  });

  test('firmware.md §2.1 wrap when offset+1 >= size: at most SZ-1 characters, the last byte only ever NUL', () => {
    const m = new SparseMemory(region);
    const log = new TraceLog(m, 0x1100, 8);
    log.write('0123456');
    expect(cstr(m, 0x1100, 8)).toBe('0123456');
    log.write('AB');
    // after the wrap only the text since the wrap is visible; the old tail stays in RAM past the NUL
    expect(cstr(m, 0x1100, 8)).toBe('AB');
    expect(Buffer.from(m.read(0x1100, 8) ?? []).toString('latin1')).toBe('AB\x003456\0');
  });

  test('firmware.md §2.1 reset zeroes the buffer (.bss at start-up)', () => {
    const m = new SparseMemory(region);
    const log = new TraceLog(m, 0x1100, 8);
    log.write('hello');
    log.reset();
    expect(Array.from(m.read(0x1100, 8) ?? [])).toEqual(Array(8).fill(0));
    log.write('x');
    expect(cstr(m, 0x1100, 8)).toBe('x');
  });
});
