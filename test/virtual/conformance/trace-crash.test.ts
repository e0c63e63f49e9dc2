// remoteproc.md §4 trace0, §5 crash/recovery and coredump through /sys/class/devcoredump, over SSH.
import { firmwareImage } from '../kernel/fixtures';
import { deploy, dmesgText, startBoard, stopBoards } from './board-fixture';
import { pollExec } from './ssh-client';

afterAll(stopBoards);

describe('remoteproc.md §4 trace buffer over SSH', () => {
  test('remoteproc.md §4 trace0 exists while running, holds ST-format log lines, and is removed on stop', async () => {
    const t = await startBoard('virtual-mp157');
    await deploy(t, 'fw.elf', firmwareImage({ info: 'variant=echo-trace build=abc123 control=1' }));
    await t.remote.exec(`echo start > ${t.sys}/state`);
    const trace = await pollExec(t.remote, `cat ${t.dbg}/trace0`, /echo-trace/);
    // DESIGN §6: `[sssss.mmm][INFO ] text`, first line names variant and build id
    expect(trace.stdout.split('\n')[0]).toMatch(/^\[\d{5}\.\d{3}\]\[INFO \] .*echo-trace.*abc123/);
    await t.remote.exec(`echo stop > ${t.sys}/state`);
    expect((await t.remote.exec(`ls ${t.dbg}`)).stdout).not.toContain('trace0');
  });
});

describe('remoteproc.md §5 crash, recovery and coredump over SSH', () => {
  test('remoteproc.md §5.1 a debugfs crash with recovery enabled: crash lines, recovering, running again, ttys re-created', async () => {
    const t = await startBoard('virtual-mp157');
    await deploy(t, 'fw.elf', firmwareImage({ info: 'control=1' }));
    await t.remote.exec(`echo start > ${t.sys}/state`);
    await pollExec(t.remote, 'ls /dev', /ttyRPMSG1/);
    expect((await t.remote.exec(`echo 1 > ${t.dbg}/crash`)).code).toBe(0);
    await pollExec(t.remote, 'dmesg', /remote processor m4 is now up[\s\S]*remote processor m4 is now up/);
    const log = await dmesgText(t);
    expect(log).toEqual(expect.arrayContaining([
      'remoteproc remoteproc0: crash detected in m4: type watchdog',
      'remoteproc remoteproc0: handling crash #1 in m4',
      'remoteproc remoteproc0: recovering m4',
    ]));
    expect((await t.remote.exec(`cat ${t.sys}/state`)).stdout).toBe('running\n');
    await pollExec(t.remote, 'ls /dev', /ttyRPMSG0\nttyRPMSG1/);
  });

  test('remoteproc.md §5.1 recovery disabled: the core stays crashed and stop is EINVAL', async () => {
    const t = await startBoard('virtual-mp157');
    await deploy(t, 'fw.elf', firmwareImage({ info: 'control=1' }));
    await t.remote.exec(`echo disabled > ${t.sys}/recovery; echo start > ${t.sys}/state; echo 1 > ${t.dbg}/crash`);
    await pollExec(t.remote, `cat ${t.sys}/state`, /^crashed\n$/);
    const res = await t.remote.exec(`echo stop > ${t.sys}/state`);
    expect(res).toEqual({ stdout: '', stderr: 'bash: echo: write error: Invalid argument\n', code: 1 });
    expect((await t.remote.exec(`echo recover > ${t.sys}/recovery`)).code).toBe(0);
    await pollExec(t.remote, `cat ${t.sys}/state`, /^running\n$/);
  });

  test('remoteproc.md §5.2 coredump enabled: /sys/class/devcoredump/devcdN/data is an ELF core; writing to data frees it', async () => {
    const t = await startBoard('virtual-mp157');
    await deploy(t, 'fw.elf', firmwareImage({ info: 'control=1' }));
    await t.remote.exec(`echo enabled > ${t.sys}/coredump; echo start > ${t.sys}/state; echo 1 > ${t.dbg}/crash`);
    const list = await pollExec(t.remote, 'ls /sys/class/devcoredump', /devcd\d+/);
    const dev = (/devcd\d+/.exec(list.stdout) ?? [''])[0];
    const dump = await t.remote.exec(`cat /sys/class/devcoredump/${dev}/data`);
    const bytes = Buffer.from(dump.stdout, 'latin1');
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(bytes[4]).toBe(1); // ELFCLASS32 (remoteproc.md §5.2)
    expect(bytes.readUInt16LE(16)).toBe(4); // ET_CORE
    expect(bytes.readUInt16LE(18)).toBe(0); // EM_NONE on STM32
    expect(bytes.readUInt32LE(28)).toBe(52); // program headers right after the ELF header
    expect((await t.remote.exec(`echo 1 > /sys/class/devcoredump/${dev}/data`)).code).toBe(0);
    expect((await t.remote.exec('ls /sys/class/devcoredump')).stdout).not.toContain(dev);
  });
});
