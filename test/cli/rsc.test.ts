// `rsc inspect|lint|mutate` run in-process on buildElf fixtures (DESIGN §4.1), plus one run through scripts/run-cli.js.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../harness/cli/rsc';
import { runMain, type CliIO } from '../../harness/cli/run';
import { buildElf, buildResourceTable, encodeResourceTable, FW_RSC_ADDR_ANY, MUTATIONS } from '../../harness/firmware';
import type { FirmwareReport } from '../../harness/firmware/types';

const ROOT = path.resolve(__dirname, '..', '..');
/** MP15 placement (firmware.md §1.6): code in SRAM1, table then the trace buffer in SRAM2 */
const TEXT = 0x10000000;
const TABLE = 0x10020000;
const LOG = 0x1002008c;

/** ST's default table (firmware.md §1.2): vdev id 7, 2 vrings of 16 (da -1, align 16), trace cm4_log on system_log_buf. */
function stFirmware(opts: { table?: boolean } = {}): Uint8Array {
  const table = buildResourceTable({
    address: TABLE,
    entries: [
      {
        type: 'vdev', id: 7, dfeatures: 1,
        vrings: [
          { da: FW_RSC_ADDR_ANY, align: 16, num: 16, notifyId: 0, pa: 0 },
          { da: FW_RSC_ADDR_ANY, align: 16, num: 16, notifyId: 1, pa: 0 },
        ],
      },
      { type: 'trace', da: LOG, len: 2048, reserved: 0, name: 'cm4_log' },
    ],
  });
  const withTable = opts.table ?? true;
  return buildElf({
    entry: TEXT + 1,
    sections: [
      { name: '.text', addr: TEXT, data: Uint8Array.from({ length: 256 }, (_, i) => i), flags: 6 },
      ...(withTable ? [{ name: '.resource_table', addr: TABLE, data: encodeResourceTable(table) }] : []),
      { name: '.bss', addr: LOG, size: 2048, type: 8, flags: 3 },
    ],
    segments: [{ sections: ['.text'] }, { sections: withTable ? ['.resource_table', '.bss'] : ['.bss'] }],
    symbols: [
      { name: 'Reset_Handler', value: TEXT + 1, type: 'func', section: '.text' },
      { name: 'system_log_buf', value: LOG, size: 2048, section: '.bss' },
    ],
  });
}

let dir = '';

async function rsc(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), cwd: dir };
  const code = await runMain(main, argv, io, {});
  return { code, stdout, stderr };
}

async function json(...argv: string[]): Promise<{ code: number; report: FirmwareReport }> {
  const r = await rsc(...argv, '--json');
  expect(r.stderr).toBe('');
  return { code: r.code, report: JSON.parse(r.stdout) as FirmwareReport };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rsc-cli-'));
  fs.writeFileSync(path.join(dir, 'good.elf'), stFirmware());
  fs.writeFileSync(path.join(dir, 'notable.elf'), stFirmware({ table: false }));
  fs.writeFileSync(path.join(dir, 'garbage.elf'), Buffer.from('this is not an ELF file at all, just text\n'));
  // the kernel generation the mutation catalogue is written for: vrings checked at boot (remoteproc.md §3.3 vdev)
  fs.writeFileSync(path.join(dir, 'dk2-boot-vrings.yaml'), 'extends: stm32mp157f-dk2\nname: dk2-boot-vrings\nkernel:\n  vringCheck: boot\n');
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('rsc inspect', () => {
  test('text output has the header, the table, one block per entry, the findings and the verdict', async () => {
    const r = await rsc('inspect', 'good.elf');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('File:     good.elf');
    expect(lines[1]).toMatch(/^SHA-256: {2}[0-9a-f]{64}$/);
    expect(lines[2]).toBe('ELF:      ELF32, machine 40 (ARM), entry 0x10000001');
    expect(r.stdout).toContain('Resource table at 0x10020000, size 0x8c (140 bytes):\n  ver 1  num 2  reserved [0, 0]\n  offsets [0x18, 0x5c]\n');
    expect(r.stdout).toContain('  Entry 0 at offset 0x18: vdev (type 3)\n    id          7 (rpmsg)\n');
    expect(r.stdout).toContain('    vring1      da 0xffffffff (FW_RSC_ADDR_ANY)  align 16  num 16  notifyId 1  pa 0x0\n');
    expect(r.stdout).toContain('  Entry 1 at offset 0x5c: trace (type 2)\n    da          0x1002008c <system_log_buf>\n');
    expect(r.stdout).toContain('    name        "cm4_log"\n');
    expect(r.stdout.endsWith('verdict: boots with rpmsg; traces: trace0\n')).toBe(true);
  });

  test('--json prints exactly one object of the DESIGN §4.1 shape, integers as numbers', async () => {
    const r = await rsc('inspect', 'good.elf', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as FirmwareReport;
    expect(Object.keys(report).sort()).toEqual(['elf', 'file', 'findings', 'sha256', 'table', 'verdict']);
    expect(report.file).toBe('good.elf');
    expect(report.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.elf).toEqual({ class: 32, machine: 40, entry: 0x10000001 });
    expect(report.table).toMatchObject({ address: TABLE, size: 0x8c, version: 1, num: 2, reserved: [0, 0], offsets: [0x18, 0x5c] });
    expect(report.table?.entries.map((e) => [e.index, e.offset, e.type, e.typeId])).toEqual([
      [0, 0x18, 'vdev', 3],
      [1, 0x5c, 'trace', 2],
    ]);
    expect(report.table?.entries[1]).toMatchObject({ da: LOG, len: 2048, reserved: 0, name: 'cm4_log', symbol: 'system_log_buf' });
    expect(report.table?.entries[0]).toMatchObject({ id: 7, notifyId: 0, dfeatures: 1, gfeatures: 0, configLen: 0, status: 0, numOfVrings: 2, reserved: [0, 0] });
    expect(report.verdict).toEqual({ boots: true, rpmsg: true, traces: ['trace0'], errno: null });
    for (const f of report.findings) {
      expect(['fatal', 'no-table', 'warning']).toContain(f.severity);
      expect(f.code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
    expect(r.stdout).not.toMatch(/"[0-9]+n"|"0x/);
  });

  test('bad bytes are a report with a fatal finding, not a crash', async () => {
    const { code, report } = await json('inspect', 'garbage.elf');
    expect(code).toBe(0);
    expect(report.table).toBeNull();
    expect(report.verdict.boots).toBe(false);
    expect(report.findings[0]?.severity).toBe('fatal');
  });
});

describe('rsc lint exit codes (DESIGN §4.1)', () => {
  test('0: the ST-default firmware on a DK2 boots with its table', async () => {
    const r = await rsc('lint', 'good.elf', '--board', 'stm32mp157f-dk2');
    expect(r.stdout).toBe('good.elf: board stm32mp157f-dk2\nFindings: none\nverdict: boots with rpmsg; traces: trace0\nlint: pass\n');
    expect(r.code).toBe(0);
  });

  test('1: a firmware without a table boots, but not with its table', async () => {
    const r = await rsc('lint', 'notable.elf', '--board', 'stm32mp157f-dk2');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('verdict: boots without a resource table (no rpmsg, no traces)\n');
    expect(r.stdout).toMatch(/lint: FAIL \(/);
  });

  test('1: a mutated firmware that fails to boot, and the JSON says why', async () => {
    const m = await rsc('mutate', 'good.elf', '--mutation', 'devmem-entry', '--out', 'devmem.elf');
    expect(m.code).toBe(0);
    const { code, report } = await json('lint', 'devmem.elf', '--board', 'stm32mp157f-dk2');
    expect(code).toBe(1);
    expect(report.verdict).toEqual({ boots: false, rpmsg: false, traces: [], errno: 22 });
    expect(report.findings.some((f) => f.code === 'devmem-no-iommu' && f.severity === 'fatal')).toBe(true);
  });

  test('1: unreadable bytes', async () => {
    expect((await rsc('lint', 'garbage.elf')).code).toBe(1);
  });

  test('2: a missing file, with the path in the message', async () => {
    const r = await rsc('lint', 'missing.elf', '--board', 'stm32mp157f-dk2');
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: cannot read firmware missing.elf: no such file (${path.join(dir, 'missing.elf')})\nCheck the path and its permissions.\n`,
    });
  });

  test('2: a directory instead of a file', async () => {
    const r = await rsc('inspect', '.');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`error: cannot read firmware .: it is a directory, not an ELF file (${dir})`);
  });

  test('2: an unknown board names the profiles there are', async () => {
    const r = await rsc('lint', 'good.elf', '--board', 'stm32mp157f-dk3');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown board profile "stm32mp157f-dk3" \(did you mean "stm32mp157f-dk2"\?\)/);
  });

  test('--board changes the rules: a zero-sized vring fails the boot before 6.1, and only rpmsg from 6.1 (remoteproc.md §3.3)', async () => {
    expect((await rsc('mutate', 'good.elf', '--mutation', 'vring-num-zero', '--out', 'vring0.elf')).code).toBe(0);
    const old = await json('lint', 'vring0.elf', '--board', './dk2-boot-vrings.yaml');
    expect(old.report.verdict).toEqual({ boots: false, rpmsg: false, traces: [], errno: 22 });
    const current = await json('lint', 'vring0.elf', '--board', 'stm32mp157f-dk2');
    expect(current.report.verdict).toEqual({ boots: true, rpmsg: false, traces: ['trace0'], errno: null });
    expect(current.code).toBe(1);
  });

  test('--json with a board is the inspect object computed with that board', async () => {
    const a = await json('lint', 'good.elf', '--board', 'stm32mp157f-dk2');
    const b = await json('inspect', 'good.elf', '--board', 'stm32mp157f-dk2');
    expect(a.report).toEqual(b.report);
    expect(a.code).toBe(0);
  });
});

describe('rsc mutate', () => {
  test('--list names every mutation with its expected verdict', async () => {
    const r = await rsc('mutate', '--list');
    expect(r.code).toBe(0);
    for (const m of MUTATIONS) expect(r.stdout).toMatch(new RegExp(`^${m.name} +(fails to boot|boots)`, 'm'));
    expect(r.stdout).toMatch(/^devmem-entry +fails to boot \(-22\), finding devmem-no-iommu$/m);
    expect(r.stdout).toContain('Verdicts are for the ST-default firmware on STM32MP157F-DK2 rules with vrings checked at boot (kernels before 6.1);\n');
    const listed = JSON.parse((await rsc('mutate', '--list', '--json')).stdout) as { mutations: { name: string }[] };
    expect(listed.mutations.map((m) => m.name)).toEqual(MUTATIONS.map((m) => m.name));
  });

  test.each(MUTATIONS.map((m) => [m.name, m] as const))('%s: the written file draws the expected verdict', async (name, m) => {
    const out = `mut-${name}.elf`;
    const w = await rsc('mutate', 'good.elf', '--mutation', name, '--out', out);
    expect(w.stderr).toBe('');
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(new RegExp(`^wrote ${out} \\(${name}; expected: `));
    const { code, report } = await json('lint', out, '--board', 'dk2-boot-vrings.yaml');
    expect({ boots: report.verdict.boots, rpmsg: report.verdict.rpmsg, errno: report.verdict.errno }).toEqual({
      boots: m.expect.boots,
      rpmsg: m.expect.rpmsg,
      errno: m.expect.errno,
    });
    expect(report.findings.map((f) => f.code)).toContain(m.expect.code);
    if (!m.expect.boots) expect(code).toBe(1);
  });

  test('refuses to overwrite its input, which stays unchanged', async () => {
    const before = fs.readFileSync(path.join(dir, 'good.elf'));
    const r = await rsc('mutate', 'good.elf', '--mutation', 'bad-version', '--out', './good.elf');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: --out ./good.elf is the input file; write the mutated ELF to another path\n' +
        'usage: rsc mutate <elf> --mutation NAME --out FILE | rsc mutate --list [--json]\n',
    );
    expect(fs.readFileSync(path.join(dir, 'good.elf')).equals(before)).toBe(true);
  });

  test('a failing mutation leaves an existing --out file as it was', async () => {
    fs.writeFileSync(path.join(dir, 'keep.elf'), 'previous contents');
    const r = await rsc('mutate', 'notable.elf', '--mutation', 'bad-version', '--out', 'keep.elf');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: cannot apply mutation bad-version to notable\.elf: /);
    expect(fs.readFileSync(path.join(dir, 'keep.elf'), 'utf8')).toBe('previous contents');
  });

  test('an unwritable --out says so and leaves no temporary file', async () => {
    const r = await rsc('mutate', 'good.elf', '--mutation', 'bad-version', '--out', 'no-such-dir/out.elf');
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: cannot write no-such-dir/out.elf: its directory does not exist\nCheck the path and its permissions.\n' });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('an unknown mutation is refused with the valid names', async () => {
    const r = await rsc('mutate', 'good.elf', '--mutation', 'nope', '--out', 'x.elf');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown mutation "nope"; valid names: bad-version,');
    expect(fs.existsSync(path.join(dir, 'x.elf'))).toBe(false);
  });
});

describe('rsc usage errors exit 2 with the message and usage line', () => {
  test.each([
    [[], 'error: missing command (inspect, lint or mutate)\nusage: rsc <inspect|lint|mutate> ... (rsc <command> --help for details)\n'],
    [['frob'], 'error: unknown command frob (expected inspect, lint or mutate)\nusage: rsc <inspect|lint|mutate> ... (rsc <command> --help for details)\n'],
    [['toString'], 'error: unknown command toString (expected inspect, lint or mutate)\nusage: rsc <inspect|lint|mutate> ... (rsc <command> --help for details)\n'],
    [['inspect'], 'error: missing argument <elf>\nusage: rsc inspect <elf> [--board B] [--json]\n'],
    [['lint', 'good.elf', '--bogus'], 'error: unknown option --bogus\nusage: rsc lint <elf> [--board B] [--json]\n'],
    [['lint', 'good.elf', '--board'], 'error: option --board needs a value (B)\nusage: rsc lint <elf> [--board B] [--json]\n'],
    [['mutate', 'good.elf', '--out', 'x.elf'], 'error: missing option --mutation NAME (rsc mutate --list names them)\nusage: rsc mutate <elf> --mutation NAME --out FILE | rsc mutate --list [--json]\n'],
    [['mutate', 'good.elf', '--mutation', 'bad-version'], 'error: missing option --out FILE\nusage: rsc mutate <elf> --mutation NAME --out FILE | rsc mutate --list [--json]\n'],
    [['mutate', 'good.elf', '--list'], 'error: --list takes no <elf>, --mutation or --out\nusage: rsc mutate <elf> --mutation NAME --out FILE | rsc mutate --list [--json]\n'],
  ])('rsc %j', async (argv, stderr) => {
    expect(await rsc(...argv)).toEqual({ code: 2, stdout: '', stderr });
  });

  test('--help prints the command help and exits 0', async () => {
    const r = await rsc('lint', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: rsc lint <elf> [--board B] [--json]\n');
    expect(r.stdout).toContain('  --board B');
  });
});

describe('as a user runs it', () => {
  test('node scripts/run-cli.js rsc inspect <file> --json', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'run-cli.js'), 'rsc', 'inspect', path.join(dir, 'good.elf'), '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as FirmwareReport;
    expect(report.verdict).toEqual({ boots: true, rpmsg: true, traces: ['trace0'], errno: null });
    expect(report.file).toBe(path.join(dir, 'good.elf'));
  }, 300_000);
});
