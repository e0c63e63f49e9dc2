// Test fixtures for the kernel model: ST-style firmware images built with buildElf, and a board (MemFs + kernel + model).
import { buildElf, buildResourceTable, encodeResourceTable, FW_RSC_ADDR_ANY, type EntrySpec, type ResourceTable } from '../../../harness/firmware';
import { loadProfile, type BoardProfile } from '../../../harness/config';
import { MemFs } from '../../../harness/virtual/fs/memfs';
import { FsError } from '../../../harness/virtual/fs/types';
import { KernelModel } from '../../../harness/virtual/kernel';
import { ModelCoprocessor } from '../../../harness/virtual/coprocessor/model';

/** where the MP15 test image puts things (firmware.md §1.6: table and log in m_data = SRAM2) */
export const MP15 = { vectors: 0x0, text: 0x10000000, table: 0x10020000, log: 0x100200e4, logSize: 2048, entry: 0x10000101 };
/** MP25: code in cm33_cube_fw, table and log in ipc_shmem_1 (firmware.md §1.6) */
export const MP25 = { vectors: 0x80100000, text: 0x80100600, table: 0x81200000, log: 0x81200400, logSize: 1048, entry: 0x80100601 };

export function vdevEntry(over: Partial<{ dfeatures: number; num: number; align: number; da: number }> = {}): EntrySpec {
  const ring = (notifyId: number) => ({ da: over.da ?? FW_RSC_ADDR_ANY, align: over.align ?? 16, num: over.num ?? 16, notifyId, pa: 0 });
  return { type: 'vdev', id: 7, dfeatures: over.dfeatures ?? 1, vrings: [ring(0), ring(1)] } as EntrySpec;
}

export function traceEntry(da: number, len: number, name = 'cm4_log'): EntrySpec {
  return { type: 'trace', da, len, reserved: 0, name } as EntrySpec;
}

/** STM32Cube's default table: vdev (rpmsg, NS, 2 x 16 buffers) + trace (firmware.md §1.2) */
export function stTable(map = MP15, extra: EntrySpec[] = []): ResourceTable {
  return buildResourceTable({
    address: map.table,
    entries: [vdevEntry(), traceEntry(map.log, map.logSize, map === MP15 ? 'cm4_log' : 'cm33_log'), ...extra],
  });
}

export interface ImageOptions {
  /** a table, raw table bytes, or null for no `.resource_table` section */
  table?: ResourceTable | Uint8Array | null;
  /** contents of `.fw_info` (default `control=1`: the protocol's control channel); null for no section */
  info?: string | null;
  map?: typeof MP15;
  /** code bytes written into .text (default: a recognisable pattern) */
  code?: Uint8Array;
}

export function firmwareImage(opts: ImageOptions = {}): Uint8Array {
  const map = opts.map ?? MP15;
  const table = opts.table === undefined ? stTable(map) : opts.table;
  const tableBytes = table === null ? null : table instanceof Uint8Array ? table : encodeResourceTable(table);
  const info = opts.info === undefined ? 'control=1' : opts.info;
  const code = opts.code ?? Uint8Array.from({ length: 256 }, (_, i) => (i * 7 + 3) & 0xff);
  const sections = [
    { name: '.isr_vector', addr: map.vectors, data: Uint8Array.from({ length: 64 }, (_, i) => i) },
    { name: '.text', addr: map.text, data: code },
    ...(tableBytes ? [{ name: '.resource_table', addr: map.table, data: tableBytes }] : []),
    { name: '.bss', addr: map.log, size: map.logSize },
    ...(info !== null ? [{ name: '.fw_info', flags: 0, data: Buffer.from(`${info}\0`, 'latin1') }] : []),
  ];
  const segments = [
    { sections: ['.isr_vector'] },
    { sections: ['.text'] },
    { sections: tableBytes ? ['.resource_table', '.bss'] : ['.bss'] },
  ];
  return buildElf({
    entry: map.entry,
    sections,
    segments,
    symbols: [{ name: 'system_log_buf', value: map.log, size: map.logSize, type: 'object', section: '.bss' }],
  });
}

export type ProfileTweak = (p: BoardProfile) => BoardProfile;

/** pre-5.19 rules (remoteproc.md §1.3 old rules), vrings checked at boot */
export const oldEra: ProfileTweak = (p) => ({ ...p, kernel: { ...p.kernel, release: '5.15.118-stm32mp-r2', stateRules: 'ebusy', vringCheck: 'boot' } });

export interface TestBoard {
  fs: MemFs;
  kernel: KernelModel;
  cop: ModelCoprocessor;
  profile: BoardProfile;
  sys: string;
  dbg: string;
}

const boards: TestBoard[] = [];

export async function makeBoard(name = 'virtual-mp157', tweak: ProfileTweak = (p) => p): Promise<TestBoard> {
  const profile = tweak(loadProfile(name));
  const fs = new MemFs();
  const cop = new ModelCoprocessor({ memory: profile.coprocessor.memory, watchdogMs: 5 });
  const kernel = new KernelModel({ profile, fs, coprocessor: () => cop });
  await kernel.boot();
  const board = { fs, kernel, cop, profile, sys: kernel.sysfsDir, dbg: kernel.debugfsDir };
  boards.push(board);
  return board;
}

/**
 * A board whose boot loader started `image` before Linux (remoteproc.md §7.2): the file is installed as `name`
 * before the kernel boots, with virtual.bootState `detached`; `autoBoot` makes it firmware.autoBoot (st,auto-boot).
 */
export async function makeDetachedBoard(profileName: string, image: Uint8Array, opts: { name?: string; autoBoot?: boolean; tweak?: ProfileTweak } = {}): Promise<TestBoard> {
  const fwName = opts.name ?? 'fw.elf';
  const base = tweakDetached(fwName, opts.autoBoot ?? false);
  const profile = (opts.tweak ?? ((p) => p))(base(loadProfile(profileName)));
  const fs = new MemFs();
  await fs.writeFile(`/lib/firmware/${fwName}`, image);
  const cop = new ModelCoprocessor({ memory: profile.coprocessor.memory, watchdogMs: 5 });
  const kernel = new KernelModel({ profile, fs, coprocessor: () => cop });
  await kernel.boot();
  const board = { fs, kernel, cop, profile, sys: kernel.sysfsDir, dbg: kernel.debugfsDir };
  boards.push(board);
  return board;
}

function tweakDetached(fwName: string, autoBoot: boolean): ProfileTweak {
  return (p) => ({
    ...p,
    firmware: { ...p.firmware, defaultName: fwName, autoBoot: autoBoot ? fwName : null },
    virtual: p.virtual && { ...p.virtual, bootState: 'detached' },
  });
}

export async function disposeBoards(): Promise<void> {
  for (const b of boards.splice(0)) await b.kernel.dispose();
}

export async function install(b: TestBoard, name: string, bytes: Uint8Array): Promise<void> {
  await b.fs.writeFile(`/lib/firmware/${name}`, bytes);
}

/** write(2) of text; resolves to the errno name of a failure, or null */
export async function write(b: TestBoard, path: string, text: string): Promise<string | null> {
  try {
    await b.fs.writeFile(path, Buffer.from(text, 'latin1'));
    return null;
  } catch (e) {
    if (e instanceof FsError) return e.errno;
    throw e;
  }
}

export async function read(b: TestBoard, path: string): Promise<string> {
  return Buffer.from(await b.fs.readFile(path)).toString('latin1');
}

/** read that reports the errno name instead of throwing */
export async function readErr(b: TestBoard, path: string): Promise<string> {
  try {
    return await read(b, path);
  } catch (e) {
    if (e instanceof FsError) return e.errno;
    throw e;
  }
}

/** dmesg text without timestamps, from line `from` on */
export function dmesg(b: TestBoard, from = 0): string[] {
  return b.kernel.dmesgLines().slice(from).map((l) => l.replace(/^\[[ \d]+\.\d{6}\] /, ''));
}

/** polls (without timing assertions) until cond holds; fails with the last dmesg lines */
export async function until(b: TestBoard, cond: () => boolean | Promise<boolean>, what: string, limitMs = 5000): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > limitMs) throw new Error(`waited for ${what}; dmesg tail:\n${dmesg(b).slice(-15).join('\n')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** install + set firmware + start; returns the dmesg index before the start */
export async function start(b: TestBoard, bytes: Uint8Array, name = 'fw.elf'): Promise<{ mark: number; errno: string | null }> {
  await install(b, name, bytes);
  expect(await write(b, `${b.sys}/firmware`, `${name}\n`)).toBeNull();
  const mark = b.kernel.dmesgLines().length;
  const errno = await write(b, `${b.sys}/state`, 'start\n');
  return { mark, errno };
}

export function exists(b: TestBoard, path: string): boolean {
  return b.fs.stat(path) !== null;
}

/** opens a tty and collects what it reads until `done` */
export function openTty(b: TestBoard, path: string) {
  const stream = b.fs.openChar(path);
  const chunks: Buffer[] = [];
  let hungUp = false;
  stream.onData((c) => {
    if (c === null) hungUp = true;
    else chunks.push(Buffer.from(c));
  });
  return {
    stream,
    text: () => Buffer.concat(chunks).toString('latin1'),
    hungUp: () => hungUp,
  };
}
