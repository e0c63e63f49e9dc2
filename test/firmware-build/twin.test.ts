// The qemu-m4 / qemu-m33 firmware boots in QEMU and speaks virtio-rpmsg, echo and control (DESIGN §6, TWIN-PROTOCOL.md).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describeWithTools, TOOLS } from '../helpers/tools';
import { cString, symbol } from './elf-peek';
import { TWIN_MACHINES, TwinHost, type RpmsgMessage } from './twin-host';

const FIRMWARE = resolve(__dirname, '../../firmware');
const TWIN_PORTS = ['qemu-m4', 'qemu-m33'] as const;
type TwinPort = (typeof TWIN_PORTS)[number];

interface VariantDoc {
  name: string;
  ports: string[];
}
const variants = (parse(readFileSync(join(FIRMWARE, 'variants.yaml'), 'utf8')) as { variants: VariantDoc[] }).variants;

let out = '';
let hostCount = 0;

async function boot(port: TwinPort, variant: string): Promise<{ host: TwinHost; elf: string }> {
  const elf = join(out, port, `${variant}.elf`);
  const host = new TwinHost(elf, TWIN_MACHINES[port], `/dev/shm/rproc-hil-fwtest-${process.pid}-${hostCount++}`);
  await host.ready();
  return { host, elf };
}

function text(messages: RpmsgMessage[]): string[] {
  return messages.map((m) => m.payload.toString('latin1'));
}

describeWithTools([TOOLS.armGcc, TOOLS.make, TOOLS.qemu], 'firmware on the QEMU twin', () => {
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'rproc-hil-fw-twin-'));
    execFileSync('make', ['-C', FIRMWARE, '-j2', `O=${out}`, `PORTS=${TWIN_PORTS.join(' ')}`], { stdio: 'pipe' });
  }, 600_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  describe.each(TWIN_PORTS)('%s', (port) => {
    const names = variants.filter((v) => v.ports.includes(port)).map((v) => v.name);

    test.each(names)('variant %s prints its boot line naming variant and build id on the console', async (variant) => {
      const { host, elf } = await boot(port, variant);
      try {
        await host.start(variant === 'no-table' ? null : symbol(elf, 'resource_table'));
        const buildId = cString(elf, 'fw_build_id');
        expect(buildId).toMatch(/^[0-9a-f]{8}$/);
        const seen = await host.waitFor(() => host.console.length >= 1, 15000);
        expect(seen).toBe(true);
        expect(host.console[0]).toMatch(
          new RegExp(`^\\[\\d{5}\\.\\d{3}\\]\\[INFO \\] rproc-hil test firmware variant=${variant} build=${buildId} port=${port} soc=stm32mp(15|25)$`),
        );
      } finally {
        await host.close();
      }
    }, 30_000);

    test('st-default announces two rpmsg-tty channels, echoes, answers control commands and logs to trace0', async () => {
      const { host, elf } = await boot(port, 'st-default');
      try {
        const table = symbol(elf, 'resource_table');
        await host.start(table);
        const ns = await host.waitMessages(2);
        expect(ns.map((m) => [m.src, m.dst, m.payload.length])).toEqual([[0, 0x35, 40], [1, 0x35, 40]]);
        expect(ns.map((m) => m.payload.subarray(0, 32).toString('latin1').replace(/\0+$/, ''))).toEqual(['rpmsg-tty', 'rpmsg-tty']);
        expect(ns.map((m) => m.payload.readUInt32LE(32))).toEqual([0, 1]);

        const big = Buffer.alloc(496, 0x5a);
        host.send(0, Buffer.from('hello twin'));
        host.send(0, big);
        const echoes = await host.waitMessages(2);
        expect(echoes.map((m) => [m.src, m.dst])).toEqual([[0, 0x400], [0, 0x400]]);
        expect(echoes[0]?.payload.toString('latin1')).toBe('hello twin');
        expect(echoes[1]?.payload.equals(big)).toBe(true);

        const buildId = cString(elf, 'fw_build_id');
        const soc = port === 'qemu-m4' ? 'stm32mp15' : 'stm32mp25';
        host.send(1, Buffer.from('ping\n'));
        host.send(1, Buffer.from('info\r\n'));
        host.send(1, Buffer.from('log hello from the test\n'));
        host.send(1, Buffer.from('frobnicate'));
        host.send(1, Buffer.from('ping\nping\n'));
        const replies = await host.waitMessages(5);
        expect(replies.every((m) => m.src === 1 && m.dst === 0x400)).toBe(true);
        expect(text(replies)).toEqual([
          'pong\n',
          `info variant=st-default build=${buildId} soc=${soc} vrings=16 trace=1\n`,
          'ok\n',
          'error unknown command: frobnicate\n',
          'pong\npong\n',
        ]);
        expect(await host.waitFor(() => host.txReturned() === 7, 15000)).toBe(true);

        const logDa = symbol(elf, 'system_log_buf');
        const log = host.read(logDa, port === 'qemu-m4' ? 2048 : 1048);
        const lines = log.subarray(0, log.indexOf(0)).toString('latin1').split('\n');
        expect(lines[0]).toMatch(/^\[\d{5}\.\d{3}\]\[INFO \] rproc-hil test firmware variant=st-default /);
        expect(lines).toContainEqual(expect.stringMatching(/^\[\d{5}\.\d{3}\]\[INFO \] hello from the test$/));
        const logged = lines.find((l) => l.endsWith('hello from the test'));
        expect(await host.waitFor(() => host.console.includes(logged ?? ''), 15000)).toBe(true);
      } finally {
        await host.close();
      }
    }, 30_000);

    test('shutdown is acked with byte 2 and the parked firmware keeps its watchdog quiet; detach is acked with 3', async () => {
      const { host, elf } = await boot(port, 'st-default');
      try {
        await host.start(symbol(elf, 'resource_table'));
        await host.waitMessages(2);
        host.ring(3);
        expect(await host.waitFor(() => host.kicks.includes(3), 15000)).toBe(true);
        host.send(0, Buffer.from('still here'));
        expect(text(await host.waitMessages(1))).toEqual(['still here']);
        host.ring(2);
        expect(await host.waitFor(() => host.kicks.includes(2), 15000)).toBe(true);
        expect(await host.waitFor(() => host.console.some((l) => l.endsWith('[INFO ] shutdown requested')), 15000)).toBe(true);
        const beat = host.controlBlock()[2] ?? 0;
        // the watchdog would act 2 s after the last refresh (TWIN-PROTOCOL.md); the parked loop keeps refreshing
        await new Promise((r) => setTimeout(r, 2500));
        expect(host.events).not.toContain('WATCHDOG');
        expect(host.controlBlock()[2]).toBeGreaterThan(beat);
      } finally {
        await host.close();
      }
    }, 30_000);

    test('no-ns announces nothing but still echoes on address 0; legacy-tty-name announces rpmsg-tty-channel', async () => {
      const noNs = await boot(port, 'no-ns');
      try {
        await noNs.host.start(symbol(noNs.elf, 'resource_table'));
        noNs.host.send(0, Buffer.from('quiet'));
        expect(text(await noNs.host.waitMessages(1))).toEqual(['quiet']);
      } finally {
        await noNs.host.close();
      }
      const legacy = await boot(port, 'legacy-tty-name');
      try {
        await legacy.host.start(symbol(legacy.elf, 'resource_table'));
        const ns = await legacy.host.waitMessages(2);
        expect(ns.map((m) => m.payload.subarray(0, 32).toString('latin1').replace(/\0+$/, ''))).toEqual([
          'rpmsg-tty-channel',
          'rpmsg-tty-channel',
        ]);
      } finally {
        await legacy.host.close();
      }
    }, 30_000);

    test('vring-4 echoes 12 messages through 4-entry rings, wrapping the ring indexes', async () => {
      const { host, elf } = await boot(port, 'vring-4');
      try {
        await host.start(symbol(elf, 'resource_table'));
        expect(await host.waitMessages(2)).toHaveLength(2);
        const echoed: string[] = [];
        for (let batch = 0; batch < 3; batch++) {
          for (let i = 0; i < 4; i++) host.send(0, Buffer.from(`m${batch * 4 + i}`));
          echoed.push(...text(await host.waitMessages(4)));
          expect(await host.waitFor(() => host.txReturned() === (batch + 1) * 4, 15000)).toBe(true);
        }
        expect(echoed).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`));
      } finally {
        await host.close();
      }
    }, 30_000);

    test('vdev-only announces one channel and drops messages for the absent control address', async () => {
      const { host, elf } = await boot(port, 'vdev-only');
      try {
        await host.start(symbol(elf, 'resource_table'));
        expect((await host.waitMessages(2, 1000)).map((m) => m.payload.readUInt32LE(32))).toEqual([0]);
        host.send(1, Buffer.from('ping\n'));
        host.send(0, Buffer.from('after'));
        expect(text(await host.waitMessages(2, 1000))).toEqual(['after']);
        expect(await host.waitFor(() => host.console.some((l) => l.endsWith('[WARN ] rpmsg: no endpoint 0x1 (from 0x400)')), 15000)).toBe(true);
      } finally {
        await host.close();
      }
    }, 30_000);

    test('small-log wraps: the buffer holds only text since the wrap, NUL after the newest line (firmware.md §2.1)', async () => {
      const { host, elf } = await boot(port, 'small-log');
      try {
        await host.start(symbol(elf, 'resource_table'));
        await host.waitMessages(2);
        for (let i = 0; i < 6; i++) host.send(1, Buffer.from(`log line number ${i} of the wrap test\n`));
        expect(text(await host.waitMessages(6))).toEqual(Array(6).fill('ok\n'));
        expect(await host.waitFor(() => host.console.some((l) => l.endsWith('number 5 of the wrap test')), 15000)).toBe(true);
        const written = `${host.console.join('\n')}\n`; // the console carries the same characters as the log
        const buf = host.read(symbol(elf, 'system_log_buf'), 256);
        const nul = buf.indexOf(0);
        const newer = buf.subarray(0, nul).toString('latin1');
        const older = buf.subarray(nul + 1, 255).toString('latin1');
        expect(buf[255]).toBe(0); // the last byte is only ever a NUL
        expect(written.length).toBeGreaterThan(2 * 256);
        expect(newer.endsWith('wrap test\n')).toBe(true);
        expect(newer.length).toBeLessThan(written.length);
        expect(written.endsWith(older + newer)).toBe(true); // reconstruction: older part, then newer part
      } finally {
        await host.close();
      }
    }, 30_000);

    test('two-traces writes the boot line and WARN/ERR lines, not INFO lines, to the second trace', async () => {
      const { host, elf } = await boot(port, 'two-traces');
      try {
        await host.start(symbol(elf, 'resource_table'));
        await host.waitMessages(2);
        host.send(1, Buffer.from('log just info\n'));
        host.send(7, Buffer.from('nobody'));
        host.send(0, Buffer.from('sync'));
        expect(text(await host.waitMessages(2))).toEqual(['ok\n', 'sync']);
        const buf = host.read(symbol(elf, 'system_diag_buf'), 512);
        const lines = buf.subarray(0, buf.indexOf(0)).toString('latin1').trim().split('\n');
        expect(lines).toHaveLength(2);
        expect(lines[0]).toMatch(/\[INFO \] rproc-hil test firmware variant=two-traces /);
        expect(lines[1]).toMatch(/\[WARN \] rpmsg: no endpoint 0x7 \(from 0x400\)$/);
      } finally {
        await host.close();
      }
    }, 30_000);

    test('the control-block fault knob crashes a variant without a control channel (vdev-only)', async () => {
      const { host, elf } = await boot(port, 'vdev-only');
      try {
        await host.start(symbol(elf, 'resource_table'));
        expect(await host.waitMessages(1)).toHaveLength(1);
        host.requestCrash(1);
        expect(await host.waitFor(() => host.events.includes('WATCHDOG'), 15000)).toBe(true);
        const ctl = host.controlBlock();
        expect([ctl[4], ctl[6], ctl[8]]).toEqual([1, 0x10000, 0]); // HardFault recorded, knob cleared
        expect(host.console.some((l) => l.endsWith('[ERR  ] crash hardfault requested'))).toBe(true);
      } finally {
        await host.close();
      }
    }, 30_000);

    test.each(['watchdog', 'hardfault'])('crash %s replies ok, logs at ERR, and the watchdog fires', async (kind) => {
      const { host, elf } = await boot(port, 'st-default');
      try {
        await host.start(symbol(elf, 'resource_table'));
        await host.waitMessages(2);
        host.send(1, Buffer.from(`crash ${kind}\n`));
        expect(text(await host.waitMessages(1))).toEqual(['ok\n']);
        expect(await host.waitFor(() => host.events.includes('WATCHDOG'), 15000)).toBe(true);
        const ctl = host.controlBlock();
        expect(ctl[0]).toBe(0x4e495754);
        expect(ctl[3]).toBe(1);
        expect(ctl[4]).toBe(kind === 'hardfault' ? 1 : 2);
        if (kind === 'hardfault') expect(ctl[6]).toBe(0x10000); // CFSR UNDEFINSTR (udf)
        const requested = new RegExp(`^\\[\\d{5}\\.\\d{3}\\]\\[ERR  \\] crash ${kind} requested$`);
        expect(await host.waitFor(() => host.console.some((l) => requested.test(l)), 15000)).toBe(true);
        expect(await host.waitFor(() => host.console.some((l) => l.endsWith('[WARN ] watchdog early warning')), 15000)).toBe(true);
      } finally {
        await host.close();
      }
    }, 30_000);
  });
});
