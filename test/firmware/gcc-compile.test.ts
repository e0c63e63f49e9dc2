// A real arm-none-eabi-gcc build with ST's table layout (firmware.md §1.2, toolchain.md §5) read back by `rsc inspect`.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../harness/cli/rsc';
import { runMain, type CliIO } from '../../harness/cli/run';
import type { FirmwareReport } from '../../harness/firmware/types';
import { describeWithTools, TOOLS } from '../helpers/tools';

/** ST's shared_resource_table (firmware.md §1.2): vdev id 7 + 2 vrings (da -1, align 16, 16 buffers) + cm4_log trace. */
const FIRMWARE_C = `
#include <stdint.h>
#include <stddef.h>

struct fw_rsc_vdev_vring { uint32_t da, align, num, notifyid, reserved; };
struct fw_rsc_vdev {
  uint32_t type, id, notifyid, dfeatures, gfeatures, config_len;
  uint8_t status, num_of_vrings, reserved[2];
};
struct fw_rsc_trace { uint32_t type, da, len, reserved; uint8_t name[32]; };
struct shared_resource_table {
  uint32_t version, num, reserved[2], offset[2];
  struct fw_rsc_vdev vdev;
  struct fw_rsc_vdev_vring vring0, vring1;
  struct fw_rsc_trace cm_trace;
};

char system_log_buf[2048];

__attribute__((used, section(".resource_table")))
const struct shared_resource_table resource_table = {
  .version = 1, .num = 2, .reserved = {0, 0},
  .offset = { offsetof(struct shared_resource_table, vdev), offsetof(struct shared_resource_table, cm_trace) },
  .vdev = { 3, 7, 0, 1, 0, 0, 0, 2, {0, 0} },
  .vring0 = { 0xFFFFFFFFu, 16, 16, 0, 0 },
  .vring1 = { 0xFFFFFFFFu, 16, 16, 1, 0 },
  .cm_trace = { 2, (uint32_t)system_log_buf, sizeof system_log_buf, 0, "cm4_log" },
};

void Reset_Handler(void) {
  system_log_buf[0] = 'x';
  for (;;) { }
}

extern uint32_t _estack;
__attribute__((used, section(".isr_vector")))
const void *const vectors[2] = { &_estack, (const void *)Reset_Handler };
`;

/** MP15 placement (firmware.md §1.6): code in SRAM1 at 0x10000000, data + table + .bss in SRAM2 at 0x10020000. */
const LINKER_SCRIPT = `
MEMORY {
  m_text (rx) : ORIGIN = 0x10000000, LENGTH = 128K
  m_data (rw) : ORIGIN = 0x10020000, LENGTH = 128K
}
ENTRY(Reset_Handler)
_estack = ORIGIN(m_data) + LENGTH(m_data);
SECTIONS {
  .isr_vector : { KEEP(*(.isr_vector)) } > m_text
  .text : { *(.text*) *(.rodata*) } > m_text
  .data : { *(.data*) } > m_data
  .resource_table : ALIGN(4) { KEEP(*(.resource_table*)) } > m_data
  .bss (NOLOAD) : ALIGN(4) { *(.bss*) *(COMMON) } > m_data
}
`;

async function rsc(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), cwd };
  const code = await runMain(main, argv, io);
  return { code, stdout, stderr };
}

describeWithTools([TOOLS.armGcc], 'rsc reads a firmware built by arm-none-eabi-gcc (firmware.md §1.2)', () => {
  let dir = '';
  let symbols = new Map<string, number>();

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rsc-gcc-'));
    fs.writeFileSync(path.join(dir, 'fw.c'), FIRMWARE_C);
    fs.writeFileSync(path.join(dir, 'm4.ld'), LINKER_SCRIPT);
    execFileSync(
      'arm-none-eabi-gcc',
      ['-mcpu=cortex-m4', '-mthumb', '-O2', '-ffreestanding', '-nostdlib', '-Wall', '-Wextra', '-Werror', '-T', 'm4.ld', 'fw.c', '-o', 'fw.elf'],
      { cwd: dir, stdio: 'pipe' },
    );
    const nm = execFileSync('arm-none-eabi-nm', ['fw.elf'], { cwd: dir, encoding: 'utf8' });
    symbols = new Map(
      nm.trim().split('\n').map((line) => {
        const [value, , name] = line.trim().split(/\s+/);
        return [name ?? '', Number.parseInt(value ?? '', 16)];
      }),
    );
  });

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('inspect --json decodes the table field by field, trace da at system_log_buf', async () => {
    const r = await rsc(['inspect', 'fw.elf', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as FirmwareReport;
    expect(report.file).toBe('fw.elf');
    expect(report.elf).toEqual({ class: 32, machine: 40, entry: (symbols.get('Reset_Handler') ?? -1) | 1 });
    const table = report.table;
    expect(table).not.toBeNull();
    expect(table?.address).toBe(symbols.get('resource_table'));
    expect(table?.address).toBe(0x10020000);
    expect(table).toMatchObject({ size: 0x8c, version: 1, num: 2, reserved: [0, 0], offsets: [0x18, 0x5c] });
    expect(table?.entries[0]).toEqual({
      index: 0, offset: 0x18, type: 'vdev', typeId: 3, id: 7, notifyId: 0, dfeatures: 1, gfeatures: 0, configLen: 0,
      status: 0, numOfVrings: 2, reserved: [0, 0], config: '',
      vrings: [
        { da: 0xffffffff, align: 16, num: 16, notifyId: 0, pa: 0 },
        { da: 0xffffffff, align: 16, num: 16, notifyId: 1, pa: 0 },
      ],
    });
    const trace = table?.entries[1];
    expect(trace).toEqual({
      index: 1, offset: 0x5c, type: 'trace', typeId: 2, da: symbols.get('system_log_buf'), len: 2048, reserved: 0,
      name: 'cm4_log', symbol: 'system_log_buf',
    });
  });

  test('lint with the DK2 profile: boots with rpmsg and trace0, exit 0', async () => {
    const r = await rsc(['lint', 'fw.elf', '--board', 'stm32mp157f-dk2', '--json'], dir);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as FirmwareReport;
    expect(report.verdict).toEqual({ boots: true, rpmsg: true, traces: ['trace0'], errno: null });
    expect(report.findings.filter((f) => f.severity !== 'warning')).toEqual([]);
    expect(r.code).toBe(0);
  });

  test('inspect text shows the trace with its symbol and the verdict line', async () => {
    const r = await rsc(['inspect', 'fw.elf'], dir);
    const da = (symbols.get('system_log_buf') ?? 0).toString(16);
    expect(r.stdout).toContain(`    da          0x${da} <system_log_buf>\n`);
    expect(r.stdout).toContain('verdict: boots with rpmsg; traces: trace0\n');
  });
});
