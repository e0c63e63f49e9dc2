// analyzeFirmware end to end on the ST-default firmware: report shape (DESIGN §4.1), symbols, verdicts with and without a board.
import { createHash } from 'node:crypto';
import { analyzeFirmware } from '../../harness/firmware/analyze';
import { DK2, LOG_BUF, TABLE_ADDR, firmwareWith, stFirmware, ST_VDEV } from './fixtures';

describe('analyzeFirmware on ST-default firmware (remoteproc.md §3.4)', () => {
  const bytes = stFirmware();

  test('boots with rpmsg and one trace file on a DK2, without findings', () => {
    const r = analyzeFirmware(bytes, { file: 'fw.elf', board: DK2 });
    expect(r.findings).toEqual([]);
    expect(r.verdict).toEqual({ boots: true, rpmsg: true, traces: ['trace0'], errno: null });
  });

  test('reports file, sha256 and ELF facts', () => {
    const r = analyzeFirmware(bytes, { file: 'build/OpenAMP_TTY_echo_CM4.elf' });
    expect(r.file).toBe('build/OpenAMP_TTY_echo_CM4.elf');
    expect(r.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(r.elf).toEqual({ class: 32, machine: 40, entry: 0x10000101 });
  });

  test('decodes the table with kernel field names and the trace symbol', () => {
    const r = analyzeFirmware(bytes, { file: 'fw.elf' });
    expect(r.table).toMatchObject({ address: TABLE_ADDR, size: 0x8c, version: 1, num: 2, reserved: [0, 0], offsets: [0x18, 0x5c] });
    expect(r.table?.entries[0]).toMatchObject({ index: 0, offset: 0x18, type: 'vdev', typeId: 3, id: 7, dfeatures: 1, numOfVrings: 2 });
    expect(r.table?.entries[1]).toEqual({
      index: 1, offset: 0x5c, type: 'trace', typeId: 2, da: LOG_BUF, len: 2048, reserved: 0, name: 'cm4_log', symbol: 'system_log_buf',
    });
  });

  test('the trace symbol is null when no data symbol sits at its da', () => {
    const fw = firmwareWith([ST_VDEV, { type: 'trace', da: 0x10030000, len: 64, reserved: 0, name: 'log' }]);
    const r = analyzeFirmware(fw, { file: 'fw.elf' });
    expect(r.table?.entries[1]).toMatchObject({ type: 'trace', symbol: null });
  });

  test('without a board: STM32 driver rules only, same verdict', () => {
    const r = analyzeFirmware(bytes, { file: 'fw.elf' });
    expect(r.verdict).toEqual({ boots: true, rpmsg: true, traces: ['trace0'], errno: null });
  });

  test('firmware without .resource_table boots without rpmsg and traces (STM32: table optional)', () => {
    const r = analyzeFirmware(stFirmware({ table: null }), { file: 'fw.elf', board: DK2 });
    expect(r.table).toBeNull();
    expect(r.findings).toEqual([
      { severity: 'no-table', code: 'no-resource-table', message: 'no resource table found for this firmware', entry: null, phase: 'table', kernelPrints: true },
    ]);
    expect(r.verdict).toEqual({ boots: true, rpmsg: false, traces: [], errno: null });
  });

  test('a vdev-only table boots with rpmsg and no trace files', () => {
    const r = analyzeFirmware(firmwareWith([ST_VDEV]), { file: 'fw.elf', board: DK2 });
    expect(r.verdict).toEqual({ boots: true, rpmsg: true, traces: [], errno: null });
  });

  test('two trace entries become trace0 and trace1 in table order', () => {
    const fw = firmwareWith([ST_VDEV, { type: 'trace', da: LOG_BUF, len: 1024, reserved: 0, name: 'a' }, { type: 'trace', da: LOG_BUF + 1024, len: 1024, reserved: 0, name: 'b' }]);
    expect(analyzeFirmware(fw, { file: 'f', board: DK2 }).verdict.traces).toEqual(['trace0', 'trace1']);
  });

  test('ELF64 firmware is analysed the same way', () => {
    const r = analyzeFirmware(stFirmware({ class: 64 }), { file: 'f', board: DK2 });
    expect(r.elf.class).toBe(64);
    expect(r.verdict).toEqual({ boots: true, rpmsg: true, traces: ['trace0'], errno: null });
  });

  test('bytes that are not an ELF give a fatal finding, zeroed ELF facts and errno 22, never a throw', () => {
    const r = analyzeFirmware(new TextEncoder().encode('this is a signed .bin, not an ELF file at all, really not one'), { file: 'x.bin' });
    expect(r.elf).toEqual({ class: 32, machine: 0, entry: 0 });
    expect(r.table).toBeNull();
    expect(r.findings.map((f) => f.message)).toEqual(['Image is corrupted (bad magic)']);
    expect(r.verdict).toEqual({ boots: false, rpmsg: false, traces: [], errno: 22 });
  });

  test('a structurally broken ELF (section headers past the end) is fatal with the reader\'s message', () => {
    const fw = stFirmware();
    const view = new DataView(fw.buffer);
    view.setUint16(48, 200, true); // e_shnum: 200 headers cannot fit
    const r = analyzeFirmware(fw, { file: 'f' });
    expect(r.elf).toEqual({ class: 32, machine: 40, entry: 0x10000101 });
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ severity: 'fatal', code: 'elf-malformed', kernelPrints: false });
    expect(r.findings[0]?.message).toMatch(/^section header table extends past end of file: offset 0x[0-9a-f]+ \+ 200 x 0x28 = 0x[0-9a-f]+ > file size 0x[0-9a-f]+$/);
    expect(r.verdict.errno).toBe(22);
  });
});
