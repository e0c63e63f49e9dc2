// Kernel rules for one vdev entry: rproc_handle_vdev header checks, vring parse/alloc, rpmsg buffer pool (remoteproc.md §3.3 Vdev).
import { hex } from './bytes';
import { ENOMEM, fatal, type RuleHit } from './rule-result';
import { VDEV_HEADER_SIZE, VRING_SIZE } from './rsc-codec';
import type { BoardRules, FindingPhase, VdevEntry } from './types';
import { FW_RSC_ADDR_ANY } from './types';
import { rpmsgBufferBytes, vringBytes } from './vring-math';

/** rproc_vdev has room for two vrings */
const MAX_VRINGS = 2;

export interface VdevContext {
  /** bytes after the type word up to the table end (the kernel's `avail`) */
  avail: number;
  /** rvdev->index: this is the n-th vdev of the table (0-based), naming `vdev<n>vring<j>` and `vdev<n>buffer` */
  vdevIndex: number;
  board: BoardRules | undefined;
}

/**
 * Hits in the kernel's order. Header problems always fail the boot. Vring problems fail the boot with
 * vringCheck 'boot' (phase resources); with 'probe' they only cost rpmsg (phase vdev), like every kernel's
 * rpmsg buffer-pool failure (derived: the allocation happens in virtio rpmsg's probe, after the core is up).
 */
export function vdevRules(e: VdevEntry, ctx: VdevContext): RuleHit[] {
  const i = e.index;
  if (VDEV_HEADER_SIZE - 4 + VRING_SIZE * e.numOfVrings + e.configLen > ctx.avail) return [fatal('vdev-truncated', 'vdev rsc is truncated', 'resources', i)];
  if (e.reserved[0] !== 0 || e.reserved[1] !== 0) return [fatal('vdev-reserved-nonzero', 'vdev rsc has non zero reserved bytes', 'resources', i)];
  if (e.numOfVrings > MAX_VRINGS) return [fatal('vdev-too-many-vrings', `too many vrings: ${e.numOfVrings}`, 'resources', i)];

  const phase: FindingPhase = ctx.board?.vringCheck === 'probe' ? 'vdev' : 'resources';
  for (const v of e.vrings) {
    if (v.num === 0 || v.align === 0) {
      return [fatal('vring-invalid', `invalid qsz (${v.num | 0}) or alignment (${v.align | 0})`, phase, i)];
    }
  }
  const board = ctx.board;
  if (!board) return [];
  for (const [j, v] of e.vrings.entries()) {
    const mem = board.carveouts.find((c) => c.name === `vdev${ctx.vdevIndex}vring${j}`);
    if (!mem) continue; // not pre-registered: the kernel allocates the ring dynamically
    const problem = carveoutFit(mem, v.da, vringBytes(v.num, v.align));
    if (problem) return [fatal(problem.code.replace('carveout', 'vring-carveout'), problem.message, phase, i, ENOMEM, problem.prints)];
  }
  const pool = board.carveouts.find((c) => c.name === `vdev${ctx.vdevIndex}buffer`);
  const rx = e.vrings[0];
  if (pool && rx) {
    const need = rpmsgBufferBytes(rx.num);
    if (need > pool.size) {
      // virtio_rpmsg_bus prints no message of its own here; the text is ours (derived from rpmsg_probe)
      const msg = `rpmsg needs ${hex(need)} bytes of buffers (2 x ${rx.num} x 512) but ${pool.name} holds ${hex(pool.size)}`;
      return [fatal('vdev-buffers-exceed-carveout', msg, 'vdev', i, ENOMEM, false)];
    }
  }
  return [];
}

/**
 * rproc_check_carveout_da: does a request (da, len) fit a pre-registered carveout? The kernel prints the len
 * message for an oversize request or one running past the end, the da message for one starting before it, and
 * nothing when a fixed da meets a carveout whose own da is ANY.
 */
export function carveoutFit(
  mem: { da: number; size: number },
  da: number,
  len: number,
): { code: string; message: string; prints: boolean } | undefined {
  const lenMsg = { code: 'carveout-len-too-big', message: "Registered carveout doesn't fit len request", prints: true };
  if (len > mem.size) return lenMsg;
  if (da === FW_RSC_ADDR_ANY) return undefined;
  if (mem.da === FW_RSC_ADDR_ANY) return { code: 'carveout-da-fixed', message: 'fixed da requested for a carveout whose da is not fixed', prints: false };
  // `int delta = da - mem->da`: 32-bit signed
  const delta = (da - mem.da) | 0;
  if (delta < 0) return { code: 'carveout-da-before-region', message: "Registered carveout doesn't fit da request", prints: true };
  if (delta + len > mem.size) return lenMsg;
  return undefined;
}
