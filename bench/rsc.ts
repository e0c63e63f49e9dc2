// Benchmark rsc_1mib_ms: decode + lint (analyzeFirmware with a board's rules) of a 1 MiB firmware ELF.
import { boardRulesOf, loadProfile } from '../harness/config';
import { analyzeFirmware, buildElf, buildResourceTable, encodeResourceTable, FW_RSC_ADDR_ANY } from '../harness/firmware';
import { round, timeRuns } from './stats';
import type { Benchmark } from './types';

const MIB = 1024 * 1024;
/** STM32MP257F-EV1 (firmware.md §4.2): 8 MiB cm33_cube_fw holds a 1 MiB image; the table sits in ipc_shmem_1. */
const BOARD = 'stm32mp257f-ev1';
const CODE_DA = 0x80100000;
const DATA_DA = 0x80a00000;
const TABLE_DA = 0x81200000;
const TRACE_LEN = 1048; // SYSTEM_TRACE_BUF_SZ on MP25 (firmware.md §1.4)

/** A 1 MiB image shaped like ST's M33 build: one large code PT_LOAD, the ST-default table, the trace buffer in .bss. */
export function buildLargeFirmware(): Uint8Array {
  const table = buildResourceTable({
    address: TABLE_DA,
    entries: [
      {
        type: 'vdev', id: 7, dfeatures: 1,
        vrings: [
          { da: FW_RSC_ADDR_ANY, align: 16, num: 16, notifyId: 0, pa: 0 },
          { da: FW_RSC_ADDR_ANY, align: 16, num: 16, notifyId: 1, pa: 0 },
        ],
      },
      { type: 'trace', da: DATA_DA, len: TRACE_LEN, reserved: 0, name: 'cm33_log' },
    ],
  });
  const code = new Uint8Array(MIB);
  // not all zeros, so sha256 and any scan see realistic bytes
  for (let i = 0; i < code.length; i++) code[i] = (i * 2654435761) >>> 24;
  return buildElf({
    entry: CODE_DA + 1,
    sections: [
      { name: '.isr_vectors', addr: CODE_DA, data: code.subarray(0, 0x600) },
      { name: '.text', addr: CODE_DA + 0x600, data: code.subarray(0x600), flags: 6 },
      { name: '.bss', addr: DATA_DA, size: TRACE_LEN + 4096, type: 8, flags: 3 },
      { name: '.resource_table', addr: TABLE_DA, data: encodeResourceTable(table) },
    ],
    segments: [{ sections: ['.isr_vectors', '.text'] }, { sections: ['.bss'] }, { sections: ['.resource_table'] }],
    symbols: [
      { name: 'Reset_Handler', value: CODE_DA + 1, type: 'func', section: '.text' },
      { name: 'system_log_buf', value: DATA_DA, size: TRACE_LEN, section: '.bss' },
      { name: 'resource_table', value: TABLE_DA, size: table.size, section: '.resource_table' },
    ],
  });
}

export const rscBenchmark: Benchmark = {
  name: 'rsc',
  description: `decode + lint of a 1 MiB ELF with the ${BOARD} rules (median of 50)`,
  async run(ctx) {
    const runs = ctx.runs ?? (ctx.quick ? 5 : 50);
    const board = boardRulesOf(loadProfile(BOARD));
    const bytes = buildLargeFirmware();
    const check = analyzeFirmware(bytes, { file: 'bench-1mib.elf', board });
    // a benchmark of a firmware that fails early would measure less work than a real lint
    if (!check.verdict.boots || !check.verdict.rpmsg) {
      throw new Error(`bench fixture does not boot cleanly on ${BOARD}: ${check.findings.map((f) => f.code).join(', ')}`);
    }
    ctx.log(`${bytes.length} bytes, ${check.findings.length} findings, verdict boots with rpmsg`);
    const t = await timeRuns(() => analyzeFirmware(bytes, { file: 'bench-1mib.elf', board }), runs);
    return [
      {
        key: 'rsc_1mib_ms',
        value: round(t.medianMs),
        unit: 'ms',
        target: 5,
        detail: `median of ${t.runs}, p90 ${round(t.p90Ms)} ms, min ${round(t.minMs)} ms`,
      },
    ];
  },
};
