// Modelled board latencies (harness/virtual/timing.ts): knob parsing, what is counted as imposed time, message order.
import { BoardTiming, BOARD_TIMING, DelayLine, NO_TIMING, parseTiming, timingFromEnv } from '../../harness/virtual/timing';

/** a clock the test moves by hand, so the accounting is checked without measuring time */
function manualClock(): { now: () => number; advance(ms: number): void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('timing knobs', () => {
  test('start=300,exec=5,rpmsg=0.2 is the board of issue 7 (b); any subset parses; empty means none', () => {
    expect(parseTiming('start=300,exec=5,rpmsg=0.2')).toEqual(BOARD_TIMING);
    expect(parseTiming(' exec=5 ')).toEqual({ execMs: 5 });
    expect(parseTiming('')).toEqual({});
    expect(timingFromEnv({})).toEqual({});
    expect(timingFromEnv({ HIL_VIRTUAL_TIMING: 'rpmsg=0.5' })).toEqual({ rpmsgMs: 0.5 });
  });

  test('a wrong name, a unit or a huge value is refused with the form that works', () => {
    expect(() => parseTiming('boot=300')).toThrow(
      'timing: "boot=300" is not NAME=MS with NAME one of start, exec, rpmsg (e.g. start=300,exec=5,rpmsg=0.2)',
    );
    expect(() => timingFromEnv({ HIL_VIRTUAL_TIMING: 'exec=5ms' })).toThrow('HIL_VIRTUAL_TIMING: "exec=5ms" is not NAME=MS');
    expect(() => parseTiming('start=99999')).toThrow('timing: startMs must be a number of milliseconds from 0 to 60000, not 99999');
    expect(() => new BoardTiming().set({ execMs: -1 })).toThrow('timing: execMs must be a number of milliseconds from 0 to 60000, not -1');
  });

  test('a board without knobs imposes nothing and counts nothing', async () => {
    const t = new BoardTiming();
    expect(t.current).toEqual(NO_TIMING);
    await t.wait('exec');
    await t.wait('start');
    expect(t.messageDue()).toBeNull();
    let delivered = 0;
    t.carry(new DelayLine(), () => delivered++);
    expect(delivered).toBe(1); // at once, not on a later tick
    expect(t.totals()).toEqual({ busyMs: 0, start: { count: 0, ms: 0 }, exec: { count: 0, ms: 0 }, rpmsg: { count: 0, ms: 0 } });
  });
});

describe('imposed board time', () => {
  test('commands one after the other add up; overlapping ones count once (the union of intervals)', () => {
    const c = manualClock();
    const t = new BoardTiming({ rpmsgMs: 2 }, c.now);
    t.messageDue(); // [1000, 1002]
    c.advance(5);
    t.messageDue(); // [1005, 1007]
    expect(t.totals().busyMs).toBe(4);
    c.advance(1);
    t.messageDue(); // [1006, 1008] overlaps the previous one by 1 ms
    const totals = t.totals();
    expect(totals.rpmsg).toEqual({ count: 3, ms: 6 });
    expect(totals.busyMs).toBe(5);
  });

  test('a message arrives rpmsgMs after it was sent', () => {
    const c = manualClock();
    const t = new BoardTiming({ rpmsgMs: 0.2 }, c.now);
    expect(t.messageDue()).toBeCloseTo(1000.2, 9);
  });

  test('wait() counts a start and a command with their knob values, and resetTotals starts from zero', async () => {
    const t = new BoardTiming({ startMs: 3, execMs: 1 });
    await t.wait('start');
    await Promise.all([t.wait('exec'), t.wait('exec')]);
    const totals = t.totals();
    expect(totals.start).toEqual({ count: 1, ms: 3 });
    expect(totals.exec).toEqual({ count: 2, ms: 2 });
    // two concurrent commands overlap: less than the 5 ms summed
    expect(totals.busyMs).toBeLessThan(5);
    expect(totals.busyMs).toBeGreaterThanOrEqual(4);
    t.resetTotals();
    expect(t.totals().busyMs).toBe(0);
    expect(t.current).toEqual({ startMs: 3, execMs: 1, rpmsgMs: 0 });
  });
});

describe('DelayLine', () => {
  test('messages on the way arrive in the order sent, none before its due time', async () => {
    const t = new BoardTiming({ rpmsgMs: 0.5 });
    const line = new DelayLine();
    const got: Array<{ n: number; late: boolean }> = [];
    const done = new Promise<void>((resolve) => {
      for (let n = 0; n < 20; n++) {
        const due = performance.now() + 0.5;
        t.carry(line, () => {
          got.push({ n, late: performance.now() >= due });
          if (got.length === 20) resolve();
        });
      }
    });
    expect(got).toEqual([]); // none delivered synchronously
    await done;
    expect(got.map((g) => g.n)).toEqual([...Array(20).keys()]);
    expect(got.every((g) => g.late)).toBe(true);
    expect(t.totals().rpmsg.count).toBe(20);
  });

  test('after the knob is set back to 0 a new message still waits behind the ones on the way', async () => {
    const t = new BoardTiming({ rpmsgMs: 1 });
    const line = new DelayLine();
    const order: string[] = [];
    const done = new Promise<void>((resolve) => {
      t.carry(line, () => order.push('first'));
      t.set({ rpmsgMs: 0 });
      t.carry(line, () => {
        order.push('second');
        resolve();
      });
    });
    expect(order).toEqual([]);
    await done;
    expect(order).toEqual(['first', 'second']);
  });

  test('drop() loses what is on the way (a stopped core, a reboot)', async () => {
    const t = new BoardTiming({ rpmsgMs: 1 });
    const line = new DelayLine();
    let delivered = 0;
    t.carry(line, () => delivered++);
    line.drop();
    expect(line.size).toBe(0);
    await new Promise((r) => setTimeout(r, 5));
    expect(delivered).toBe(0);
  });
});
