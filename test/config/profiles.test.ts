// The shipped board profiles: all validate, and their facts match reference/firmware.md §4 and §6 exactly.
import { boardRulesOf, listProfiles, loadProfile, type BoardProfile } from '../../harness/config';
import { REAL_BOARDS } from './tmp-boards';

const load = (name: string): BoardProfile => loadProfile(name, { boardsDir: REAL_BOARDS });
const map = (p: BoardProfile) => p.coprocessor.memory.map((r) => [r.name, r.da, r.pa, r.size]);

describe('shipped profiles', () => {
  test('boards/ holds the four board types, two virtual and two twin boards (DESIGN §2)', () => {
    expect(listProfiles(REAL_BOARDS)).toEqual([
      'stm32mp157c-ev1', 'stm32mp157f-dk2', 'stm32mp257f-dk', 'stm32mp257f-ev1',
      'twin-mp157', 'twin-mp257', 'virtual-mp157', 'virtual-mp257',
    ]);
  });

  test.each(listProfiles(REAL_BOARDS))('%s loads, validates and keeps its file name as name', (name) => {
    const p = load(name);
    expect(p.name).toBe(name);
    expect(p.coprocessor.memory.length).toBeGreaterThan(0);
  });

  test('DK2 memory map is firmware.md §4.1 in DT memory-region order', () => {
    expect(map(load('stm32mp157f-dk2'))).toEqual([
      ['retram', 0x0, 0x38000000, 0x10000],
      ['mcuram', 0x30000000, 0x30000000, 0x40000],
      ['mcuram2', 0x10000000, 0x10000000, 0x40000],
      ['vdev0vring0', 0x10040000, 0x10040000, 0x1000],
      ['vdev0vring1', 0x10041000, 0x10041000, 0x1000],
      ['vdev0buffer', 0x10042000, 0x10042000, 0x4000],
    ]);
  });

  test('EV1 has the same M4 map as the DK2 and its own compatible list (firmware.md §6)', () => {
    const ev1 = load('stm32mp157c-ev1');
    expect(map(ev1)).toEqual(map(load('stm32mp157f-dk2')));
    expect(ev1.compatible).toEqual(['st,stm32mp157c-ev1', 'st,stm32mp157c-ed1', 'st,stm32mp157']);
  });

  test.each(['stm32mp257f-ev1', 'stm32mp257f-dk'])('%s memory map is firmware.md §4.2 with the ELF code/data regions', (name) => {
    expect(map(load(name))).toEqual([
      ['cm33_cube_fw', 0x80100000, 0x80100000, 0x800000],
      ['cm33_cube_data', 0x80a00000, 0x80a00000, 0x800000],
      ['ipc_shmem_1', 0x81200000, 0x81200000, 0xf8000],
      ['vdev0vring0', 0x812f8000, 0x812f8000, 0x1000],
      ['vdev0vring1', 0x812f9000, 0x812f9000, 0x1000],
      ['vdev0buffer', 0x812fa000, 0x812fa000, 0x6000],
      ['cm33_sram2', 0x0a060000, 0x0a060000, 0x20000],
    ]);
  });

  test('compatible strings and rproc names per firmware.md §6', () => {
    expect(load('stm32mp157f-dk2').compatible).toEqual(['st,stm32mp157f-dk2', 'st,stm32mp157']);
    expect(load('stm32mp257f-ev1').compatible).toEqual(['st,stm32mp257f-ev1', 'st,stm32mp257']);
    expect(load('stm32mp257f-dk').compatible).toEqual(['st,stm32mp257f-dk', 'st,stm32mp257']);
    expect(load('stm32mp157f-dk2').coprocessor.name).toBe('m4');
    expect(load('stm32mp257f-ev1').coprocessor.name).toBe('m33');
    expect(load('stm32mp257f-ev1').firmware.defaultName).toBe('rproc-m33-fw');
  });

  test('MP25 has no detach mailbox and no wired watchdog; MP15 has both (firmware.md §4.2, §5.1, §5.4)', () => {
    expect(load('stm32mp257f-ev1').capabilities).toEqual({ trace: true, watchdogCrash: false, coredump: true, detach: false, recovery: true });
    expect(load('stm32mp157f-dk2').capabilities).toEqual({ trace: true, watchdogCrash: true, coredump: true, detach: true, recovery: true });
  });

  test('kernel 6.6 derives refcount state rules and probe-time vring checks (remoteproc.md §1.3)', () => {
    const k = load('stm32mp157f-dk2').kernel;
    expect([k.release, k.stateRules, k.vringCheck, k.ttyNames, k.recoveryDefault, k.coredumpDefault])
      .toEqual(['6.6.48-stm32mp-r1', 'refcount', 'probe', ['rpmsg-tty'], 'enabled', 'disabled']);
  });

  test.each([
    ['virtual-mp157', 'stm32mp157f-dk2'],
    ['virtual-mp257', 'stm32mp257f-ev1'],
  ])('%s emulates %s exactly: memory map, compatible, rproc name, firmware port', (virtualName, realName) => {
    const v = load(virtualName);
    const real = load(realName);
    expect(v.coprocessor).toEqual(real.coprocessor);
    expect([v.compatible, v.model, v.soc, v.capabilities, v.kernel]).toEqual([real.compatible, real.model, real.soc, real.capabilities, real.kernel]);
    expect(real.virtual).toBeUndefined();
    expect(v.virtual).toMatchObject({ coprocessor: 'model', ttyDelayMs: 50, firmwareQuotaBytes: 64 * 1024 * 1024, coredumpTimeoutMs: 300000 });
  });

  test('twin-mp157 uses the qemu-m4 port and the TWIN-PROTOCOL.md map in the an386 window', () => {
    const t = load('twin-mp157');
    expect([t.coprocessor.name, t.coprocessor.firmwarePort, t.compatible]).toEqual(['m4', 'qemu-m4', ['st,stm32mp157f-dk2', 'st,stm32mp157']]);
    expect(map(t)).toEqual([
      ['retram', 0x0, 0x0, 0x10000],
      ['mcuram2', 0x21000000, 0x21000000, 0x40000],
      ['vdev0vring0', 0x21040000, 0x21040000, 0x1000],
      ['vdev0vring1', 0x21041000, 0x21041000, 0x1000],
      ['vdev0buffer', 0x21042000, 0x21042000, 0x4000],
    ]);
    expect(t.virtual).toMatchObject({ coprocessor: 'twin', machine: 'mps2-an386', window: { da: 0x21000000, size: 0x1000000 } });
  });

  test('twin-mp257 uses the qemu-m33 port and the TWIN-PROTOCOL.md map in the an505 window', () => {
    const t = load('twin-mp257');
    expect([t.coprocessor.name, t.coprocessor.firmwarePort]).toEqual(['m33', 'qemu-m33']);
    expect(map(t)).toEqual([
      ['twin_code', 0x10000000, 0x10000000, 0x400000],
      ['twin_data', 0x38000000, 0x38000000, 0x400000],
      ['ipc_shmem_1', 0x80200000, 0x80200000, 0xf8000],
      ['vdev0vring0', 0x802f8000, 0x802f8000, 0x1000],
      ['vdev0vring1', 0x802f9000, 0x802f9000, 0x1000],
      ['vdev0buffer', 0x802fa000, 0x802fa000, 0x6000],
    ]);
    expect(t.virtual).toMatchObject({ coprocessor: 'twin', machine: 'mps2-an505', window: { da: 0x80000000, size: 0x1000000 } });
  });

  test('every shared twin region lies inside the twin window', () => {
    for (const name of ['twin-mp157', 'twin-mp257']) {
      const t = load(name);
      const w = t.virtual?.window;
      if (!w) throw new Error(`${name} has no window`);
      const shared = t.coprocessor.memory.filter((r) => /^(vdev|ipc|mcuram)/.test(r.name));
      expect(shared.length).toBeGreaterThan(0);
      for (const r of shared) expect(r.da >= w.da && r.da + r.size <= w.da + w.size).toBe(true);
    }
  });
});

describe('boardRulesOf', () => {
  test('DK2 rules: m4, memory = carveouts = the DT regions, no IOMMU', () => {
    const rules = boardRulesOf(load('stm32mp157f-dk2'));
    const regions = [
      { name: 'retram', da: 0x0, size: 0x10000 },
      { name: 'mcuram', da: 0x30000000, size: 0x40000 },
      { name: 'mcuram2', da: 0x10000000, size: 0x40000 },
      { name: 'vdev0vring0', da: 0x10040000, size: 0x1000 },
      { name: 'vdev0vring1', da: 0x10041000, size: 0x1000 },
      { name: 'vdev0buffer', da: 0x10042000, size: 0x4000 },
    ];
    expect(rules).toEqual({
      name: 'stm32mp157f-dk2', soc: 'stm32mp15', rprocName: 'm4', memory: regions, carveouts: regions,
      iommu: false, vringCheck: 'probe', ttyNames: ['rpmsg-tty'],
    });
  });

  test('twin-mp257 rules carry the twin map, so the verdict matches what the twin board loads', () => {
    const rules = boardRulesOf(load('twin-mp257'));
    expect(rules.rprocName).toBe('m33');
    expect(rules.carveouts.find((c) => c.name === 'vdev0buffer')).toEqual({ name: 'vdev0buffer', da: 0x802fa000, size: 0x6000 });
  });

  test('rules are a copy: changing them does not change the profile', () => {
    const p = load('virtual-mp157');
    const rules = boardRulesOf(p);
    rules.carveouts.pop();
    rules.ttyNames.push('x');
    expect(p.coprocessor.memory).toHaveLength(6);
    expect(p.kernel.ttyNames).toEqual(['rpmsg-tty']);
  });
});
