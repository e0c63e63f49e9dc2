// DESIGN §6 on the behavioural coprocessor: echo, control commands, log buffer, watchdog, flow control, memory.
import { boardRulesOf, loadProfile } from '../../../harness/config';
import { buildElf, encodeResourceTable, parseElf, type ResourceTable } from '../../../harness/firmware';
import { ModelCoprocessor } from '../../../harness/virtual/coprocessor/model';
import type { BootImage, RpmsgMessage } from '../../../harness/virtual/coprocessor/types';
import { MP15, MP25, firmwareImage, stTable } from '../kernel/fixtures';

const cops: ModelCoprocessor[] = [];
afterAll(async () => {
  for (const c of cops) await c.dispose();
});

function image(opts: { info?: string; map?: typeof MP15; ns?: boolean; board?: string; table?: ResourceTable | null } = {}): BootImage {
  const map = opts.map ?? MP15;
  const table = opts.table === undefined ? stTable(map) : opts.table;
  const bytes = firmwareImage({ map, table, ...(opts.info !== undefined ? { info: opts.info } : {}) });
  const vring0 = map === MP15 ? 0x10040000 : 0x812f8000;
  return {
    firmwareName: 'fw.elf',
    elf: parseElf(bytes),
    table,
    vrings: table ? [{ da: vring0, num: 16, align: 16, notifyId: 0 }, { da: vring0 + 0x1000, num: 16, align: 16, notifyId: 1 }] : [],
    bufferDa: table ? vring0 + 0x2000 : null,
    nameService: opts.ns ?? table !== null,
    board: boardRulesOf(loadProfile(opts.board ?? 'virtual-mp157')),
  };
}

function model(board = 'virtual-mp157'): ModelCoprocessor {
  const c = new ModelCoprocessor({ memory: loadProfile(board).coprocessor.memory, watchdogMs: 5 });
  cops.push(c);
  return c;
}

function collect(c: ModelCoprocessor) {
  const messages: RpmsgMessage[] = [];
  const announced: string[] = [];
  c.on('message', (m) => messages.push(m));
  c.on('announce', (a) => announced.push(`${a.name}@${a.addr}`));
  return { messages, announced };
}

const settle = (ms = 10) => new Promise((r) => setTimeout(r, ms));

/** polls until cond holds (no timing assertion: the limit only bounds a broken model) */
async function until(cond: () => boolean, what: string): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > 5000) throw new Error(`waited for ${what}`);
    await settle(2);
  }
}
const text = (m: RpmsgMessage | undefined) => (m ? Buffer.from(m.payload).toString('latin1') : '');

describe('DESIGN §6 behavioural coprocessor', () => {
  test('DESIGN §6 announces channel 0 (echo) then channel 1 (control), both rpmsg-tty', async () => {
    const c = model();
    const { announced } = collect(c);
    await c.start(image());
    expect(announced).toEqual([]);
    await until(() => announced.length === 2, 'announcements');
    expect(announced).toEqual(['rpmsg-tty@0', 'rpmsg-tty@1']);
  });

  test('DESIGN §6 control=0 in .fw_info: only the echo channel; no NS feature: nothing announced', async () => {
    const a = model();
    const ca = collect(a);
    await a.start(image({ info: 'variant=plain control=0' }));
    const b = model();
    const cb = collect(b);
    await b.start(image({ ns: false }));
    await until(() => ca.announced.length > 0, 'echo announcement');
    await settle(20);
    expect(ca.announced).toEqual(['rpmsg-tty@0']);
    expect(cb.announced).toEqual([]);
  });

  test('DESIGN §6 echo returns every message unchanged to the sender', async () => {
    const c = model();
    const { messages } = collect(c);
    await c.start(image());
    const payload = Uint8Array.from([0, 1, 2, 255, 10]);
    expect(c.send({ src: 0x400, dst: 0, payload })).toBe(true);
    await until(() => messages.length > 0, 'echo');
    expect(messages).toEqual([{ src: 0, dst: 0x400, payload }]);
  });

  test('DESIGN §6 control: ping -> pong, info, log -> ok, unknown -> an error line', async () => {
    const c = model();
    const { messages } = collect(c);
    await c.start(image({ info: 'variant=echo-trace build=b42 control=1' }));
    for (const line of ['ping\n', 'info\n', 'log hello\n', 'frobnicate\n']) c.send({ src: 0x401, dst: 1, payload: Buffer.from(line) });
    await until(() => messages.length === 4, 'four replies');
    expect(messages.map(text)).toEqual([
      'pong\n',
      'info variant=echo-trace build=b42 soc=stm32mp15 vrings=16 trace=1\n',
      'ok\n',
      'error unknown command: frobnicate\n',
    ]);
    expect(messages.every((m) => m.src === 1 && m.dst === 0x401)).toBe(true);
  });

  test('DESIGN §6 crash: logs at ERR, replies ok, stops serving, and the watchdog fires', async () => {
    const c = model();
    const { messages } = collect(c);
    const crashes: string[] = [];
    c.on('crash', (e) => crashes.push(e.type));
    const { announced } = collect(c);
    await c.start(image());
    await until(() => announced.length === 2, 'announcements');
    c.send({ src: 0x401, dst: 1, payload: Buffer.from('crash hardfault\n') });
    await until(() => crashes.length > 0, 'the watchdog');
    expect(messages.map(text)).toEqual(['ok\n']);
    expect(crashes).toEqual(['watchdog']);
    c.send({ src: 0x400, dst: 0, payload: Buffer.from('x') });
    await settle();
    expect(messages).toHaveLength(1);
    const log = Buffer.from(c.readMemory(MP15.log, MP15.logSize) ?? []).toString('latin1').split('\0')[0];
    expect(log).toMatch(/\n\[\d{5}\.\d{3}\]\[ERR {2}\] crash hardfault requested\n$/);
  });

  test('remoteproc.md §6.1 at most vring-num messages wait for a hung firmware; send() is false beyond', async () => {
    const c = model();
    await c.start(image());
    c.injectCrash('watchdog');
    const accepted = Array.from({ length: 20 }, () => c.send({ src: 0x400, dst: 0, payload: Buffer.from('x') }));
    expect(accepted.filter(Boolean)).toHaveLength(16);
    expect(accepted[16]).toBe(false);
  });

  test('DESIGN §6 readMemory serves the loaded PT_LOAD contents and null outside the profile regions', async () => {
    const c = model();
    const img = image();
    await c.start(img);
    const text = img.elf.sections.find((s) => s.name === '.text');
    const expected = img.elf.bytes.subarray(text?.offset ?? 0, (text?.offset ?? 0) + 256);
    expect(Buffer.from(c.readMemory(MP15.text, 256) ?? []).equals(Buffer.from(expected))).toBe(true);
    expect(c.readMemory(0x60000000, 4)).toBeNull();
    // da_to_va works inside one region: a range crossing a region end is not backed
    expect(c.readMemory(0x1003fff8, 8)).not.toBeNull();
    expect(c.readMemory(0x1003fffc, 8)).toBeNull();
    expect(c.readMemory(0x10045ffc, 8)).toBeNull();
  });

  test('DESIGN §6 memory is allocated lazily: an MP25 model with 16 MiB of regions holds only touched pages', async () => {
    const c = model('virtual-mp257');
    await c.start(image({ map: MP25, board: 'virtual-mp257' }));
    expect(c.allocatedBytes()).toBeLessThanOrEqual(8 * 4096);
    expect(c.readMemory(0x80a00000, 0x800000)?.length).toBe(0x800000);
  });

  test('firmware.md §2.1 the first log line names the variant and build; the buffer is zeroed at each start', async () => {
    const c = model();
    await c.start(image({ info: 'variant=v1 build=1 control=1' }));
    const replies: RpmsgMessage[] = [];
    c.on('message', (m) => replies.push(m));
    c.send({ src: 0x401, dst: 1, payload: Buffer.from('log first run\n') });
    await until(() => replies.length > 0, 'ok');
    await c.stop();
    await c.start(image({ info: 'variant=v2 build=2 control=1' }));
    const log = Buffer.from(c.readMemory(MP15.log, MP15.logSize) ?? []).toString('latin1').split('\0')[0];
    expect(log).toMatch(/^\[00000\.\d{3}\]\[INFO \] rproc-hil test firmware variant=v2 build=2 port=stm32mp15 soc=stm32mp15\n/);
    expect(log).not.toContain('first run');
  });

  test('DESIGN §6 a stopped core accepts nothing', async () => {
    const c = model();
    await c.start(image());
    await c.stop();
    expect(c.send({ src: 0x400, dst: 0, payload: Buffer.from('x') })).toBe(false);
  });
});

describe('DESIGN §6 what the model reads from the test firmware image (firmware/common)', () => {
  /** an image laid out like the test firmware: fw_variant/fw_build_id strings, reply_buf, system_log_buf/system_diag_buf */
  function testFirmware(opts: { control: boolean; legacy?: boolean; diag?: boolean }): BootImage {
    const rodata = Buffer.from(`st-default\0b-1234\0${opts.legacy ? 'rpmsg-tty-channel\0' : 'rpmsg-tty\0'}`, 'latin1');
    const table = stTable(MP15);
    const bytes = buildElf({
      entry: MP15.entry,
      sections: [
        { name: '.text', addr: MP15.text, data: new Uint8Array(64) },
        { name: '.rodata', addr: MP15.text + 0x100, data: rodata },
        { name: '.resource_table', addr: MP15.table, data: encodeResourceTable(table) },
        { name: '.bss', addr: MP15.log, size: MP15.logSize + 0x400 },
      ],
      segments: [{ sections: ['.text', '.rodata'] }, { sections: ['.resource_table', '.bss'] }],
      symbols: [
        { name: 'fw_variant', value: MP15.text + 0x100, size: 11, type: 'object', section: '.rodata' },
        { name: 'fw_build_id', value: MP15.text + 0x10b, size: 7, type: 'object', section: '.rodata' },
        { name: 'system_log_buf', value: MP15.log, size: MP15.logSize, type: 'object', section: '.bss' },
        ...(opts.diag ? [{ name: 'system_diag_buf', value: MP15.log + MP15.logSize, size: 0x200, type: 'object' as const, section: '.bss' }] : []),
        ...(opts.control ? [{ name: 'reply_buf', value: MP15.log + MP15.logSize + 0x200, size: 496, type: 'object' as const, bind: 0, section: '.bss' }] : []),
      ],
    });
    return { ...image(), elf: parseElf(bytes), table };
  }

  test('DESIGN §6 variant and build come from the fw_variant / fw_build_id strings; control from reply_buf', async () => {
    const c = model();
    const { messages, announced } = collect(c);
    await c.start(testFirmware({ control: true }));
    await until(() => announced.length === 2, 'two channels');
    c.send({ src: 0x401, dst: 1, payload: Buffer.from('info\n') });
    await until(() => messages.length === 1, 'info');
    expect(text(messages[0])).toBe('info variant=st-default build=b-1234 soc=stm32mp15 vrings=16 trace=1\n');
  });

  test('DESIGN §6 without reply_buf the image has no control channel', async () => {
    const c = model();
    const { announced } = collect(c);
    await c.start(testFirmware({ control: false }));
    await until(() => announced.length === 1, 'echo channel');
    await settle(20);
    expect(announced).toEqual(['rpmsg-tty@0']);
  });

  test('remoteproc.md §6.3 an image holding "rpmsg-tty-channel" announces the legacy name', async () => {
    const c = model();
    const { announced } = collect(c);
    await c.start(testFirmware({ control: true, legacy: true }));
    await until(() => announced.length === 2, 'channels');
    expect(announced).toEqual(['rpmsg-tty-channel@0', 'rpmsg-tty-channel@1']);
  });

  test('DESIGN §6 several command lines in one message get their replies in one message; usage errors', async () => {
    const c = model();
    const { messages } = collect(c);
    await c.start(image());
    c.send({ src: 0x401, dst: 1, payload: Buffer.from('ping\r\nlog\ncrash now\nping') });
    await until(() => messages.length === 1, 'reply');
    expect(text(messages[0])).toBe('pong\nerror usage: log <text>\nerror usage: crash hardfault|watchdog\npong\n');
  });

  test('DESIGN §6 system_diag_buf receives only the WARN and ERR lines', async () => {
    const c = model();
    const { messages, announced } = collect(c);
    await c.start(testFirmware({ control: true, diag: true }));
    await until(() => announced.length === 2, 'channels');
    c.send({ src: 0x401, dst: 1, payload: Buffer.from('log plain\ncrash watchdog\n') });
    await until(() => messages.length === 1, 'reply');
    const diag = Buffer.from(c.readMemory(MP15.log + MP15.logSize, 0x200) ?? []).toString('latin1').split('\0')[0];
    expect(diag).toMatch(/^\[\d{5}\.\d{3}\]\[ERR {2}\] crash watchdog requested\n$/);
  });
});
