// The QEMU process and its QMP client on their own: hold boot, command errors, stderr filter, death with the parent (qemu-twin.md §0, §5.5).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWithTools, TOOLS } from '../../../helpers/tools';
import { QemuProcess } from '../../../../harness/virtual/coprocessor/twin/qemu';
import { buildFirmware, pgrep } from './twin-rig';

jest.setTimeout(60000);

describeWithTools([TOOLS.qemu, TOOLS.armGcc, TOOLS.make], 'QemuProcess + QmpClient', () => {
  let fwDir = '';
  let elf = '';
  const shm = `/dev/shm/rproc-hil-qemu-test-${process.pid}`;
  let proc: QemuProcess | null = null;

  beforeAll(() => {
    fwDir = buildFirmware(['qemu-m4'], ['st-default']);
    elf = path.join(fwDir, 'qemu-m4', 'st-default.elf');
  }, 180000);

  afterEach(async () => {
    await proc?.kill();
    proc = null;
    fs.rmSync(shm, { force: true });
  });

  afterAll(() => fs.rmSync(fwDir, { recursive: true, force: true }));

  test('spawned with -S, the CPU is held (prelaunch) until cont, and the table is already loaded in the shared file', async () => {
    proc = QemuProcess.spawn({ qemuBinary: 'qemu-system-arm', machine: 'mps2-an386', kernelPath: elf, shmPath: shm });
    await proc.qmp.handshake(20000);
    const held = await proc.qmp.execute<{ status: string; running: boolean }>('query-status', undefined, { phase: 'test', timeoutMs: 20000 });
    expect([held.status, held.running]).toEqual(['prelaunch', false]);
    const head = Buffer.alloc(4);
    const fd = fs.openSync(shm, 'r');
    fs.readSync(fd, head, 0, 4, 0); // resource_table.ver at window + 0 (qemu-m4 link.ld)
    fs.closeSync(fd);
    expect(head.readUInt32LE(0)).toBe(1);
    await proc.qmp.execute('cont', undefined, { phase: 'test', timeoutMs: 20000 });
    const run = await proc.qmp.execute<{ status: string }>('query-status', undefined, { phase: 'test', timeoutMs: 20000 });
    expect(run.status).toBe('running');
  });

  test('a failing command names itself and its phase; the harmless nic warning is filtered from stderr', async () => {
    proc = QemuProcess.spawn({ qemuBinary: 'qemu-system-arm', machine: 'mps2-an386', kernelPath: elf, shmPath: shm });
    await proc.qmp.handshake(20000);
    await expect(proc.qmp.execute('no-such-command', undefined, { phase: 'probe', timeoutMs: 20000 })).rejects.toThrow(
      'QMP no-such-command failed (phase probe): The command no-such-command has not been found',
    );
    await proc.quit(5000);
    expect(proc.stderrTail()).not.toContain('lan9118');
    await expect(proc.qmp.execute('cont', undefined, { phase: 'after-quit', timeoutMs: 1000 })).rejects.toThrow(
      "QEMU's QMP connection closed during cont (phase after-quit)",
    );
  });

  test('QEMU dies with its parent (setpriv --pdeathsig KILL) even when the parent is SIGKILLed', async () => {
    const probe = QemuProcess.spawn({ qemuBinary: 'qemu-system-arm', machine: 'mps2-an386', kernelPath: elf, shmPath: shm });
    const argv = probe.commandLine;
    await probe.kill();
    expect(path.basename(argv[0] ?? '')).toBe('setpriv');
    // a parent process that starts the same command line, then is killed without any clean-up
    const script = `const c=require('child_process').spawn(${JSON.stringify(argv[0])},${JSON.stringify(argv.slice(1))},{stdio:['ignore','ignore','ignore','pipe','pipe','pipe']});c.on('spawn',()=>process.stdout.write('up\\n'));setInterval(()=>{},1000);`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const qemuOnly = `qemu-system-arm -M .*${shm}`; // not the parent, whose -e script names the same file
    await new Promise<void>((resolve) => parent.stdout.once('data', () => resolve()));
    for (let i = 0; i < 800 && pgrep(qemuOnly) === ''; i++) await new Promise((r) => setTimeout(r, 25));
    expect(pgrep(qemuOnly)).not.toBe('');
    parent.kill('SIGKILL');
    await new Promise((r) => parent.once('exit', r));
    for (let i = 0; i < 800 && pgrep(qemuOnly) !== ''; i++) await new Promise((r) => setTimeout(r, 25));
    expect(pgrep(qemuOnly)).toBe('');
  });
});
