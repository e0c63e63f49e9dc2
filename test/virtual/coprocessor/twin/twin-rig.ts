// Test rig for the twin: firmware builds, a BootImage filled in as the kernel does, and event-driven waits.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { boardRulesOf, loadProfile, type BoardProfile } from '../../../../harness/config';
import { decodeResourceTable, findSection, parseElf, sectionBytes } from '../../../../harness/firmware';
import { FW_RSC_ADDR_ANY, VIRTIO_RPMSG_F_NS, type ResourceTable, type RscEntry } from '../../../../harness/firmware/types';
import { TwinCoprocessor } from '../../../../harness/virtual/coprocessor/twin';
import type { BootImage, CoprocessorEvents, NsAnnouncement, RpmsgMessage } from '../../../../harness/virtual/coprocessor/types';

export const FIRMWARE_DIR = path.resolve(__dirname, '../../../../firmware');
export const HOST_ADDR = 0x400;

/** `make -C firmware` into a private output directory (other helpers may build firmware/build at the same time) */
export function buildFirmware(ports: string[], variants: string[]): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-fw-'));
  execFileSync('make', ['-C', FIRMWARE_DIR, `O=${out}`, `PORTS=${ports.join(' ')}`, `VARIANTS=${variants.join(' ')}`], { stdio: 'pipe' });
  return out;
}

/** What the kernel does before ops->start (remoteproc.md §3.3 vdev): vring da from vdev0vringN, IDR notify ids 0, 1. */
export function bootImageOf(elfPath: string, profile: BoardProfile): BootImage {
  const elf = parseElf(new Uint8Array(fs.readFileSync(elfPath)));
  const sec = findSection(elf, '.resource_table');
  const region = (name: string) => profile.coprocessor.memory.find((r) => r.name === name);
  let table: ResourceTable | null = null;
  let vrings: BootImage['vrings'] = [];
  let bufferDa: number | null = null;
  let nameService = false;
  if (sec !== undefined) {
    const decoded = decodeResourceTable(sectionBytes(elf, sec), sec.addr);
    let notify = 0;
    const entries: RscEntry[] = decoded.entries.map((e) => {
      if (e.type !== 'vdev') return e;
      const rings = e.vrings.map((v, j) => ({ ...v, da: v.da === FW_RSC_ADDR_ANY ? (region(`vdev0vring${j}`)?.da ?? v.da) : v.da, notifyId: notify++ }));
      rings.forEach((v) => (v.pa = v.da));
      vrings = rings.map((v) => ({ da: v.da, num: v.num, align: v.align, notifyId: v.notifyId }));
      bufferDa = region('vdev0buffer')?.da ?? null;
      nameService = (e.dfeatures & VIRTIO_RPMSG_F_NS) !== 0;
      return { ...e, gfeatures: e.dfeatures & VIRTIO_RPMSG_F_NS, vrings: rings };
    });
    table = { ...decoded, entries };
  }
  return { firmwareName: path.basename(elfPath), elf, table, vrings, bufferDa, nameService, board: boardRulesOf(profile) };
}

/** resolves with the first event for which `match` returns a value; rejects after `ms` naming the phase */
export function waitForEvent<K extends keyof CoprocessorEvents, T>(
  twin: TwinCoprocessor,
  name: K,
  match: (...args: CoprocessorEvents[K]) => T | undefined,
  phase: string,
  ms = 20000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const listener = (...args: CoprocessorEvents[K]): void => {
      const v = match(...args);
      if (v === undefined) return;
      clearTimeout(timer);
      twin.off(name, listener as never);
      resolve(v);
    };
    const timer = setTimeout(() => {
      twin.off(name, listener as never);
      reject(new Error(`${phase}: no ${String(name)} event within ${ms} ms; console tail: ${twin.consoleLines.slice(-5).join(' | ')}; diagnostics: ${twin.diagnostics.join(' | ')}`));
    }, ms);
    twin.on(name, listener as never);
  });
}

export function announcements(twin: TwinCoprocessor, count: number): Promise<NsAnnouncement[]> {
  const seen: NsAnnouncement[] = [];
  return waitForEvent(twin, 'announce', (ns) => (seen.push(ns) === count ? seen : undefined), `${count} name-service announcements`);
}

/** send with back-pressure (send() false = no TX buffer: wait until the firmware returns one) */
export async function sendAll(twin: TwinCoprocessor, msg: RpmsgMessage): Promise<void> {
  while (!twin.send(msg)) await twin.waitForTxBuffer(20000);
}

/** one request, one reply from endpoint `dst` */
export async function request(twin: TwinCoprocessor, dst: number, payload: Uint8Array | string): Promise<Buffer> {
  const reply = waitForEvent(twin, 'message', (m) => (m.src === dst && m.dst === HOST_ADDR ? Buffer.from(m.payload) : undefined), `reply from 0x${dst.toString(16)}`);
  await sendAll(twin, { src: HOST_ADDR, dst, payload: typeof payload === 'string' ? Buffer.from(payload) : payload });
  return reply;
}

/** the NUL-terminated text of a trace buffer, as debugfs traceN shows it (remoteproc.md §4) */
export function traceText(twin: TwinCoprocessor, image: BootImage): string {
  const trace = image.table?.entries.find((e) => e.type === 'trace');
  if (trace === undefined || trace.type !== 'trace') throw new Error('the image has no trace entry');
  const bytes = twin.readMemory(trace.da, trace.len);
  if (bytes === null) throw new Error(`trace at 0x${trace.da.toString(16)} is not readable`);
  const b = Buffer.from(bytes);
  const nul = b.indexOf(0);
  return b.subarray(0, nul < 0 ? b.length : nul).toString('latin1');
}

export function pgrep(pattern: string): string {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // exit 1: no process matched
  }
}

export { loadProfile };
