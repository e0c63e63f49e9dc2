// rpmsg wire format: the 16-byte header and the 40-byte name-service message (reference/remoteproc.md §6.1, §6.2).
import type { NsAnnouncement } from '../types';

export const RPMSG_BUF_SIZE = 512;
export const RPMSG_HDR_SIZE = 16;
/** rpmsg_get_mtu: 512 - 16 */
export const RPMSG_MTU = RPMSG_BUF_SIZE - RPMSG_HDR_SIZE;
/** MAX_RPMSG_NUM_BUFS: 256 per direction */
export const RPMSG_MAX_BUFS = 512;
export const RPMSG_NS_ADDR = 0x35;
export const RPMSG_NS_MSG_SIZE = 40;
export const RPMSG_ADDR_ANY = 0xffffffff;

export interface RpmsgHeader {
  src: number;
  dst: number;
  reserved: number;
  len: number;
  flags: number;
}

export function encodeRpmsg(src: number, dst: number, payload: Uint8Array): Buffer {
  const b = Buffer.alloc(RPMSG_HDR_SIZE + payload.length);
  b.writeUInt32LE(src >>> 0, 0);
  b.writeUInt32LE(dst >>> 0, 4);
  b.writeUInt32LE(0, 8);
  b.writeUInt16LE(payload.length, 12);
  b.writeUInt16LE(0, 14);
  b.set(payload, RPMSG_HDR_SIZE);
  return b;
}

export function decodeRpmsgHeader(b: Buffer): RpmsgHeader {
  return {
    src: b.readUInt32LE(0),
    dst: b.readUInt32LE(4),
    reserved: b.readUInt32LE(8),
    len: b.readUInt16LE(12),
    flags: b.readUInt16LE(14),
  };
}

/** struct rpmsg_ns_msg {char name[32]; u32 addr; u32 flags}; null when the length is wrong (`malformed ns msg`) */
export function decodeNsMessage(payload: Uint8Array): NsAnnouncement | null {
  if (payload.length !== RPMSG_NS_MSG_SIZE) return null;
  const b = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
  const nameBytes = b.subarray(0, 32);
  const nul = nameBytes.indexOf(0);
  const name = nameBytes.subarray(0, nul < 0 ? 32 : nul).toString('latin1');
  return { name, addr: b.readUInt32LE(32), flags: b.readUInt32LE(36) };
}
