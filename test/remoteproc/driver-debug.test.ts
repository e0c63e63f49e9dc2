// Traces, settings, resource table, crash and devcoredump through the driver, on the virtual kernel model in-process.
import { RemoteprocDriver, RpmsgTty, openChannels, rebuildTraceLog } from '../../harness/remoteproc';
import { disposeBoards, firmwareImage, makeBoard, MP15 } from '../virtual/kernel/fixtures';
import { InProcessRunner } from './in-process-runner';

afterAll(disposeBoards);

async function running() {
  const b = await makeBoard();
  const runner = new InProcessRunner(b);
  const driver = new RemoteprocDriver({ runner, profile: b.profile, board: 'virtual-mp157', pollMs: 5 });
  await driver.deploy(firmwareImage(), 'fw.elf');
  await driver.setFirmware('fw.elf');
  const mark = await driver.mark();
  await driver.start();
  return { b, runner, driver, mark };
}

test('remoteproc.md §1.3 dmesg since the mark: the boot lines of this start', async () => {
  const { driver, mark } = await running();
  const lines = (await driver.since(mark)).map((l) => l.text);
  expect(lines).toContain('remoteproc remoteproc0: powering up m4');
  expect(lines).toContain('remoteproc remoteproc0: remote processor m4 is now up');
  expect(lines).not.toContain('remoteproc remoteproc0: m4 is available');
});

test('remoteproc.md §2, §4 the live resource table and the trace it declares', async () => {
  const { driver } = await running();
  const table = await driver.resourceTable();
  expect(table.map((e) => e.type)).toEqual(['vdev', 'trace']);
  expect(table[1]).toMatchObject({ type: 'trace', da: MP15.log, len: MP15.logSize, name: 'cm4_log' });
  expect(await driver.listTraces()).toEqual(['/sys/kernel/debug/remoteproc/remoteproc0/trace0']);
  expect(await driver.readTrace(0)).toMatch(/^\[\d{5}\.\d{3}\]\[INFO \] rproc-hil test firmware variant=/);
});

test('remoteproc.md §1.5, §1.6 recovery and coredump settings read back what was set; bad words are refused locally', async () => {
  const { driver, runner } = await running();
  expect(await driver.getRecovery()).toBe('enabled');
  expect(await driver.getCoredump()).toBe('disabled');
  await driver.setRecovery('disabled');
  await driver.setCoredump('inline');
  expect([await driver.getRecovery(), await driver.getCoredump()]).toEqual(['disabled', 'inline']);
  const n = runner.commands.length;
  await expect(driver.setCoredump('on' as 'enabled')).rejects.toThrow('coredump mode "on" refused: use disabled, enabled or inline');
  await expect(driver.crash(-1)).rejects.toThrow(/crash type -1 refused/);
  expect(runner.commands.length).toBe(n);
});

test('remoteproc.md §1.6 coredump setting while crashed: EBUSY with "can\'t change coredump configuration"', async () => {
  const { driver } = await running();
  await driver.setRecovery('disabled');
  await driver.crash(1);
  await driver.waitForState('crashed', { phase: 'crash', timeoutMs: 3000 });
  const e = await driver.setCoredump('enabled').catch((x: unknown) => x);
  expect(e).toMatchObject({ errno: 16, errnoName: 'EBUSY', operation: 'set coredump', state: 'crashed' });
  expect((e as { dmesg: string[] }).dmesg.some((l) => l.endsWith("can't change coredump configuration"))).toBe(true);
  expect((e as Error).message).toMatch(/what to do: the coredump mode cannot change while crashed: recover first/);
});

test('remoteproc.md §5.2 crash with coredump enabled: fetch the devcoredump, find the trace segment, rebuild the pre-crash log', async () => {
  const { b, runner, driver } = await running();
  const ttys = await driver.waitForTtys(2, { timeoutMs: 3000 });
  const ch = await openChannels(runner, ttys, { timeoutMs: 3000, board: 'virtual-mp157' });
  try {
    expect(await ch.control?.command('log before the crash', { timeoutMs: 3000 })).toBe('ok');
  } finally {
    ch.close();
  }
  await driver.setCoredump('enabled');
  await driver.crash(1);
  const dump = await driver.fetchCoredump({ timeoutMs: 5000 });
  expect(dump.path).toBe('/sys/class/devcoredump/devcd1/data');
  expect(dump.core.entry).toBe(MP15.entry);
  const trace = (await driver.resourceTable()).find((e) => e.type === 'trace');
  if (trace?.type !== 'trace') throw new Error('no trace entry');
  const log = rebuildTraceLog(driver.segmentAt(dump.core, trace.da, trace.len));
  expect(log).toMatch(/\[INFO \] before the crash\n/);
  // released: the devcd directory is gone
  expect(await driver.listCoredumps()).toEqual([]);
  await driver.waitForState('running', { phase: 'recovery', timeoutMs: 5000 });
  expect(b.kernel.dmesgLines().some((l) => l.endsWith('crash detected in m4: type watchdog'))).toBe(true);
});

test('RpmsgTty refuses a path that is not an RPMsg tty before running anything', async () => {
  const { runner } = await running();
  await expect(RpmsgTty.open(runner, '/dev/ttyS0; reboot')).rejects.toThrow('"/dev/ttyS0; reboot" is not an RPMsg tty: use /dev/ttyRPMSG<n>');
});

test('remoteproc.md §5.2 inline coredump: recovery waits until the dump is read and released, then runs again', async () => {
  const { driver } = await running();
  await driver.setCoredump('inline');
  await driver.crash(2);
  const paths = await new Promise<string[]>((resolve, reject) => {
    const t0 = Date.now();
    const tick = async (): Promise<void> => {
      const p = await driver.listCoredumps();
      if (p.length) resolve(p);
      else if (Date.now() - t0 > 5000) reject(new Error('no devcoredump'));
      else setTimeout(() => void tick(), 10);
    };
    void tick();
  });
  expect(paths).toEqual(['/sys/class/devcoredump/devcd1/data']);
  expect(await driver.state()).not.toBe('running');
  const dump = await driver.fetchCoredump({ timeoutMs: 5000 });
  expect(dump.core.segments.length).toBeGreaterThan(0);
  expect(await driver.waitForState('running', { phase: 'recovery', timeoutMs: 5000 })).toBe('running');
});
