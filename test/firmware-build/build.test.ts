// `make -C firmware` builds every port x variant of variants.yaml, reproducibly, with tables where each port says.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { boardRulesOf, loadProfile } from '../../harness/config';
import { analyzeFirmware } from '../../harness/firmware';
import { describeWithTools, TOOLS } from '../helpers/tools';
import { bytesAt, sections, symbol } from './elf-peek';

const FIRMWARE = resolve(__dirname, '../../firmware');

interface Expect {
  verdict: string;
  errno: number | null;
  boots: boolean;
  rpmsg: boolean;
  traces: string[];
  traceNames: string[];
  logSize: number;
  vringNum: number;
  channels: number;
  ttys: number;
  control: boolean;
}
interface VariantDoc {
  name: string;
  ports: string[];
  defines: string[];
  expect: Record<string, Expect>;
}
const doc = parse(readFileSync(join(FIRMWARE, 'variants.yaml'), 'utf8')) as {
  ports: Record<string, { soc: string }>;
  variants: VariantDoc[];
};
const PORTS = Object.keys(doc.ports);
const builds = doc.variants.flatMap((v) => v.ports.map((port) => ({ port, variant: v.name, v })));

// Where each port must put the table and the trace buffer (firmware.md §1.6, §4; TWIN-PROTOCOL.md).
const TABLE_WINDOW: Record<string, [number, number]> = {
  stm32mp15: [0x10000000, 0x10040000], // mcuram2
  stm32mp25: [0x81200000, 0x812f8000], // ipc_shmem_1
  'qemu-m4': [0x21000000, 0x21040000], // twin mcuram2 in the shared window
  'qemu-m33': [0x80200000, 0x802f8000], // twin ipc_shmem_1 in the shared window
};

interface Decoded {
  entries: Array<{ type: number; off: number }>;
  bytes: Buffer;
}

function decodeTable(elf: string): Decoded | null {
  const s = sections(elf).find((x) => x.name === '.resource_table');
  if (!s) return null;
  const bytes = bytesAt(elf, s.addr, s.size);
  const num = bytes.readUInt32LE(4);
  const entries = Array.from({ length: num }, (_, i) => {
    const off = bytes.readUInt32LE(16 + 4 * i);
    return { type: bytes.readUInt32LE(off), off };
  });
  return { entries, bytes };
}

function cName(b: Buffer, off: number): string {
  const raw = b.subarray(off, off + 32);
  return raw.subarray(0, raw.indexOf(0)).toString('latin1');
}

function make(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync('make', ['-C', FIRMWARE, ...args], { encoding: 'utf8', env });
}

describeWithTools([TOOLS.armGcc, TOOLS.make], 'firmware build', () => {
  let out = '';

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'rproc-hil-fw-build-'));
    const r = make(['-j2', `O=${out}`]);
    if (r.status !== 0) throw new Error(`make failed:\n${r.stdout}\n${r.stderr}`);
  }, 900_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  test('every variant is built for every port it lists, and nothing else', () => {
    const built = PORTS.flatMap((p) =>
      existsSync(join(out, p)) ? readdirSync(join(out, p)).filter((f) => f.endsWith('.elf')).map((f) => `${p}/${f}`) : [],
    );
    expect(built.sort()).toEqual(builds.map((b) => `${b.port}/${b.variant}.elf`).sort());
    expect(builds.length).toBeGreaterThanOrEqual(50);
  });

  test('st-default carries ST\'s 140-byte table byte for byte (firmware.md §1.2)', () => {
    for (const port of ['stm32mp15', 'qemu-m4']) {
      const elf = join(out, port, 'st-default.elf');
      const t = decodeTable(elf);
      const expected = Buffer.alloc(0x8c);
      const words: Array<[number, number]> = [
        [0x00, 1], [0x04, 2], [0x10, 0x18], [0x14, 0x5c],
        [0x18, 3], [0x1c, 7], [0x24, 1], // vdev: type, id, notifyid 0, dfeatures 1
        [0x34, 0xffffffff], [0x38, 16], [0x3c, 16], [0x40, 0], // vring0
        [0x48, 0xffffffff], [0x4c, 16], [0x50, 16], [0x54, 1], // vring1
        [0x5c, 2], [0x60, symbol(elf, 'system_log_buf')], [0x64, 2048],
      ];
      for (const [off, value] of words) expected.writeUInt32LE(value, off);
      expected[0x31] = 2; // num_of_vrings
      expected.write('cm4_log', 0x6c, 'latin1');
      expect(t?.bytes.toString('hex')).toBe(expected.toString('hex'));
    }
  });

  test.each(builds)('$port/$variant: table, trace and vectors where the port puts them', ({ port, variant }) => {
    const elf = join(out, port, `${variant}.elf`);
    const secs = sections(elf);
    const [lo, hi] = TABLE_WINDOW[port] ?? [0, 0];
    const table = secs.find((s) => s.name === '.resource_table');
    if (variant === 'no-table') {
      expect(table).toBeUndefined();
    } else {
      expect(table && table.addr >= lo && table.addr + table.size <= hi).toBe(true);
    }
    const log = symbol(elf, 'system_log_buf');
    expect(log >= lo && log < hi).toBe(true);
    const vectors = secs.find((s) => s.name === (port.endsWith('m33') || port === 'stm32mp25' ? '.isr_vectors' : '.isr_vector'));
    expect(vectors?.addr).toBe({ stm32mp15: 0, 'qemu-m4': 0, stm32mp25: 0x80100000, 'qemu-m33': 0x10000000 }[port]);
  });

  test.each(builds)('$port/$variant: the table matches the expectations in variants.yaml', ({ port, v }) => {
    const soc = doc.ports[port]?.soc ?? '';
    const e = v.expect[soc];
    expect(e).toBeDefined();
    if (!e) return;
    const elf = join(out, port, `${v.name}.elf`);
    const t = decodeTable(elf);
    expect(t === null).toBe(e.verdict === 'no-table');
    if (!t) return;
    const traces = t.entries.filter((x) => x.type === 2);
    expect(traces.map((x) => cName(t.bytes, x.off + 16))).toEqual(e.traceNames);
    expect(traces[0] ? t.bytes.readUInt32LE(traces[0].off + 8) : 0).toBe(e.logSize);
    const vdev = t.entries.find((x) => x.type === 3);
    expect(vdev ? t.bytes.readUInt32LE(vdev.off + 28 + 8) : 0).toBe(e.vringNum);
    if (vdev && (t.bytes.readUInt32LE(vdev.off + 12) & 1) === 0) expect(e.channels).toBe(0);
    if (e.control) expect(e.ttys).toBe(2);
  });

  test.each(builds)('$port/$variant: .fw_info names variant, build, port and control without being loaded', ({ port, v }) => {
    const elf = join(out, port, `${v.name}.elf`);
    const info = sections(elf).find((x) => x.name === '.fw_info');
    expect(info?.addr).toBe(0); // not SHF_ALLOC: in no PT_LOAD segment
    if (!info) return;
    const text = readFileSync(elf).subarray(info.offset, info.offset + info.size - 1).toString('latin1');
    const buildId = bytesAt(elf, symbol(elf, 'fw_build_id'), 8).toString('latin1');
    const control = v.defines.includes('FW_CONTROL=1') ? 1 : 0;
    const tty = v.defines.includes('FW_TTY_LEGACY=1') ? 'rpmsg-tty-channel' : 'rpmsg-tty';
    expect(text).toMatch(new RegExp(`^variant=${v.name} build=${buildId} port=${port} soc=${doc.ports[port]?.soc} control=${control} tty=${tty} vrings=\\d+ trace=[01]$`));
  });

  // The board each port is judged on: a real board profile for silicon ports, the twin profile for QEMU ports.
  const JUDGE: Record<string, string> = {
    stm32mp15: 'stm32mp157f-dk2',
    stm32mp25: 'stm32mp257f-ev1',
    'qemu-m4': 'twin-mp157',
    'qemu-m33': 'twin-mp257',
  };

  test.each(builds)('$port/$variant: `rsc lint` draws the verdict variants.yaml states', ({ port, v }) => {
    const e = v.expect[doc.ports[port]?.soc ?? ''];
    if (!e) throw new Error(`no expectations for ${port}`);
    const file = join(out, port, `${v.name}.elf`);
    const report = analyzeFirmware(readFileSync(file), { file, board: boardRulesOf(loadProfile(JUDGE[port] ?? '')) });
    const worst = report.findings.some((f) => f.severity === 'fatal')
      ? 'fatal'
      : report.findings.some((f) => f.severity === 'no-table') ? 'no-table' : 'ok';
    expect({ verdict: worst, ...report.verdict }).toEqual({
      verdict: e.verdict, boots: e.boots, rpmsg: e.rpmsg, traces: e.traces, errno: e.errno,
    });
  });

  test('a second build into another directory is byte-identical (reproducible)', () => {
    const again = mkdtempSync(join(tmpdir(), 'rproc-hil-fw-again-'));
    try {
      const subset = ['st-default', 'no-table', 'two-traces'];
      const r = make(['-j2', `O=${again}`, `VARIANTS=${subset.join(' ')}`]);
      expect(r.status).toBe(0);
      for (const port of PORTS) {
        for (const variant of subset) {
          const a = readFileSync(join(out, port, `${variant}.elf`));
          const b = readFileSync(join(again, port, `${variant}.elf`));
          expect(a.equals(b)).toBe(true);
        }
      }
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  }, 600_000);

  test('build ids differ between variants and ports and are 8 hex digits', () => {
    const ids = builds.map((b) => {
      const elf = join(out, b.port, `${b.variant}.elf`);
      const bytes = bytesAt(elf, symbol(elf, 'fw_build_id'), 9);
      return bytes.subarray(0, 8).toString('latin1');
    });
    ids.forEach((id) => expect(id).toMatch(/^[0-9a-f]{8}$/));
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('without arm-none-eabi-gcc, make prints one line naming the Debian package and exits 2', () => {
    const bin = mkdtempSync(join(tmpdir(), 'rproc-hil-fw-path-'));
    try {
      for (const tool of ['make', 'sh', 'awk', 'cat', 'sha256sum', 'cut', 'mkdir', 'mv', 'rm']) {
        const path = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
        symlinkSync(path, join(bin, tool));
      }
      const env = { ...process.env, PATH: bin };
      const r = spawnSync(join(bin, 'make'), ['-C', FIRMWARE, `O=${join(bin, 'out')}`], { encoding: 'utf8', env });
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('arm-none-eabi-gcc not found: apt-get install --no-install-recommends gcc-arm-none-eabi');

      mkdirSync(join(bin, 'out'));
      const clean = spawnSync(join(bin, 'make'), ['-C', FIRMWARE, `O=${join(bin, 'out')}`, 'clean'], { encoding: 'utf8', env });
      expect(clean.status).toBe(0);
      expect(existsSync(join(bin, 'out'))).toBe(false);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test('a variants.yaml define that is not FW_NAME=<number> is rejected with file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rproc-hil-fw-yaml-'));
    try {
      const bad = join(dir, 'variants.yaml');
      writeFileSync(bad, 'ports:\n  qemu-m4: { soc: stm32mp15 }\nvariants:\n  - name: x\n    ports: [qemu-m4]\n    defines: [FW_TRACE="yes"]\n');
      const r = spawnSync('awk', ['-f', join(FIRMWARE, 'tools/variants.awk'), bad], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe(`${bad}:6: define must be FW_NAME=<number>: FW_TRACE="yes"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
