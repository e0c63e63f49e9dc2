// What the benchmarks read from a virtual board: modelled time per start, command and rpmsg message, and bytes put in /lib/firmware.
import { openChannels, type RpmsgChannels } from '../../harness/remoteproc';
import { startBenchBoard, type BenchBoard } from '../../bench/board-fixture';
import { builtinFirmware } from '../../bench/repo';

const FW = 'rproc-hil-bench-test.elf';
let b: BenchBoard;
let ch: RpmsgChannels | undefined;

beforeAll(async () => {
  // small knobs: the test checks what is counted, not how long it takes
  b = await startBenchBoard({ name: 'bench-model-test', timing: { startMs: 20, execMs: 1, rpmsgMs: 0.2 } });
});
afterAll(async () => {
  ch?.close();
  await b?.close();
});

describe('a virtual board with modelled latencies, driven over SSH', () => {
  test('each command line the board runs counts once with the exec knob', async () => {
    const before = b.board.kernel.timing.totals().exec.count;
    for (let i = 0; i < 3; i++) expect((await b.transport.exec('cat /sys/class/remoteproc/remoteproc0/state')).stdout).toBe('offline\n');
    // one exec line may hold several commands: it is still one command line for sshd
    await b.transport.exec('true; true && echo x > /dev/null');
    expect(b.board.kernel.timing.totals().exec).toEqual({ count: before + 4, ms: before + 4 });
  });

  test('the first deploy writes the ELF into /lib/firmware once; deploying the same bytes again writes nothing', async () => {
    const elf = builtinFirmware(b.profile.coprocessor.firmwarePort, 'st-default');
    b.board.kernel.firmwareWrites.reset();
    const first = await b.driver.deploy(elf, FW);
    expect(first.skipped).toBe(false);
    expect(b.board.kernel.firmwareWrites.bytes).toBe(elf.length);
    const again = await b.driver.deploy(elf, FW);
    expect(again.skipped).toBe(true);
    expect(b.board.kernel.firmwareWrites.bytes).toBe(elf.length);
  });

  test('a start counts once with the start knob; an echo is two rpmsg messages (there and back)', async () => {
    await b.driver.setFirmware(FW);
    await b.driver.start();
    expect(b.board.kernel.timing.totals().start).toEqual({ count: 1, ms: 20 });
    ch = await openChannels(b.runner, await b.driver.waitForTtys(2), { board: b.name, timeoutMs: 5000 });
    const before = b.board.kernel.timing.totals().rpmsg.count;
    await ch.echo.echo('hello rpmsg', { timeoutMs: 5000 });
    expect(b.board.kernel.timing.totals().rpmsg.count).toBe(before + 2);
    const burst = await ch.echo.burst(50, 496, 16, { timeoutMs: 5000 });
    expect([burst.received, burst.lost, burst.outOfOrder, burst.corrupted]).toEqual([50, 0, 0, 0]);
    expect(b.board.kernel.timing.totals().rpmsg.count).toBe(before + 2 + 100);
  });
});
