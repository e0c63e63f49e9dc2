// Sizes the kernel derives from a vring: the ring itself (virtio_ring.h vring_size, page aligned) and rpmsg's buffer pool.
export const PAGE_SIZE = 4096;
/** virtio_rpmsg_bus.c: MAX_RPMSG_NUM_BUFS and MAX_RPMSG_BUF_SIZE */
export const MAX_RPMSG_NUM_BUFS = 512;
export const RPMSG_BUF_SIZE = 512;

/**
 * PAGE_ALIGN(vring_size(num, align)) as rproc_alloc_vring computes it: 16-byte descriptors, avail ring
 * (3 + num u16), padded to `align`, then the used ring (3 u16 + 8-byte elements). Computed exactly (BigInt), i.e.
 * without the kernel's 32-bit wrap, so absurd `num` values are reported as not fitting rather than wrapping small.
 */
export function vringBytes(num: number, align: number): number {
  const n = BigInt(num);
  const a = BigInt(Math.max(align, 1));
  const head = 16n * n + 2n * (3n + n);
  // the kernel rounds with `& ~(align - 1)`; for a non power of two align that is not a true round-up, model it the same
  const aligned = (head + a - 1n) & ~(a - 1n);
  const size = aligned + 2n * 3n + 8n * n;
  const page = BigInt(PAGE_SIZE);
  return Number(((size + page - 1n) / page) * page);
}

/** Bytes rpmsg allocates from `vdev<i>buffer`: min(2 x rx vring num, 512) buffers of 512 bytes (rpmsg_probe). */
export function rpmsgBufferBytes(rxNum: number): number {
  return Math.min(2 * rxNum, MAX_RPMSG_NUM_BUFS) * RPMSG_BUF_SIZE;
}

export function isPowerOfTwo(n: number): boolean {
  return n > 0 && Number.isInteger(Math.log2(n));
}
