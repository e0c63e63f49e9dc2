/* Remote (device) side of virtio-rpmsg on split vrings: vring0 carries our messages, vring1 the host's. */
#include "fw.h"

#if FW_VDEV

#define VRING_AVAIL_F_NO_INTERRUPT 1u

struct vring_desc { uint32_t addr_lo, addr_hi, len; uint16_t flags, next; };
struct vring_used_elem { uint32_t id, len; };
struct rpmsg_hdr { uint32_t src, dst, reserved; uint16_t len, flags; };
struct rpmsg_ns_msg { char name[32]; uint32_t addr, flags; };

_Static_assert(sizeof(struct vring_desc) == 16, "vring_desc is 16 bytes");
_Static_assert(sizeof(struct rpmsg_hdr) == RPMSG_HDR_SIZE, "rpmsg_hdr is 16 bytes (remoteproc.md §6.1)");
_Static_assert(sizeof(struct rpmsg_ns_msg) == 40, "rpmsg_ns_msg is 40 bytes (remoteproc.md §6.2)");

/* Legacy split-ring layout (virtio 1.0 §2.4.2 / linux vring_init): desc[num], avail{flags,idx,ring[num],
   used_event}, then used{flags,idx,ring[num]} at the next `align` boundary. */
struct vq {
  uint32_t num;
  volatile struct vring_desc *desc;
  volatile uint16_t *avail; /* [0] flags, [1] idx, [2 + i] ring */
  volatile uint16_t *used;  /* [0] flags, [1] idx, then elements at used + 4 */
  volatile struct vring_used_elem *used_ring;
  uint16_t last_avail;
  uint16_t used_idx;
  int advanced;
};

static struct vq vq_tx; /* vring0: host RX buffers we fill (firmware -> host) */
static struct vq vq_rx; /* vring1: host TX messages we consume (host -> firmware) */
static int ns_pending;

static int vq_map(struct vq *vq, int index) {
  uint32_t da = rsc_vring_da(index), align = rsc_vring_align(index), num = rsc_vring_num(index);
  if (da == 0xFFFFFFFFu || da == 0 || num == 0 || align == 0 || (align & (align - 1)) != 0) {
    log_err("vdev: vring%d not usable (da=0x%08lx num=%lu align=%lu)", index, da, num, align);
    return -1;
  }
  uint32_t avail = da + 16u * num;
  uint32_t used = (avail + 4u + 2u * num + 2u + align - 1u) & ~(align - 1u);
  vq->num = num;
  vq->desc = (volatile struct vring_desc *)da;
  vq->avail = (volatile uint16_t *)avail;
  vq->used = (volatile uint16_t *)used;
  vq->used_ring = (volatile struct vring_used_elem *)(used + 4u);
  vq->last_avail = 0;
  vq->used_idx = vq->used[1];
  vq->advanced = 0;
  return 0;
}

static int vq_has_avail(const struct vq *vq) { return vq->avail[1] != vq->last_avail; }

/* Takes the next available buffer; returns its descriptor index or -1. */
static int vq_take(struct vq *vq, uint8_t **buf, uint32_t *len) {
  if (!vq_has_avail(vq)) return -1;
  DMB(); /* read the ring entry only after seeing idx */
  uint16_t head = vq->avail[2u + vq->last_avail % vq->num];
  vq->last_avail++;
  if (head >= vq->num) {
    log_err("vdev: avail ring names descriptor %u of %lu", head, vq->num);
    return -1;
  }
  *buf = (uint8_t *)vq->desc[head].addr_lo;
  *len = vq->desc[head].len;
  return head;
}

static void vq_give(struct vq *vq, int head, uint32_t len) {
  volatile struct vring_used_elem *e = &vq->used_ring[vq->used_idx % vq->num];
  e->id = (uint32_t)head;
  e->len = len;
  DMB(); /* the element before the index */
  vq->used_idx++;
  vq->used[1] = vq->used_idx;
  DMB();
  vq->advanced = 1;
}

static void vq_notify(struct vq *vq, int channel) {
  if (!vq->advanced) return;
  vq->advanced = 0;
  DMB();
  if ((vq->avail[0] & VRING_AVAIL_F_NO_INTERRUPT) == 0) port_doorbell_kick(channel);
}

int rpmsg_start(void) {
  if (vq_map(&vq_tx, 0) != 0 || vq_map(&vq_rx, 1) != 0) return -1;
  log_info("vdev: vring0 da=0x%08lx vring1 da=0x%08lx num=%lu", rsc_vring_da(0), rsc_vring_da(1), vq_tx.num);
  ns_pending = FW_NS ? 1 + FW_CONTROL : 0;
  return 0;
}

int rpmsg_send(uint32_t src, uint32_t dst, const void *data, uint32_t len) {
  uint8_t *buf;
  uint32_t size;
  if (len > RPMSG_MTU) return -1;
  int head = vq_take(&vq_tx, &buf, &size);
  if (head < 0) return -1;
  if (size < RPMSG_HDR_SIZE + len) {
    log_err("vdev: host buffer of %lu bytes too small for %lu", size, len);
    vq_give(&vq_tx, head, 0);
    return -1;
  }
  struct rpmsg_hdr hdr = { src, dst, 0, (uint16_t)len, 0 };
  memcpy(buf, &hdr, sizeof hdr);
  memcpy(buf + RPMSG_HDR_SIZE, data, len);
  vq_give(&vq_tx, head, RPMSG_HDR_SIZE + len);
  return 0;
}

static void announce(void) {
  while (ns_pending > 0 && vq_has_avail(&vq_tx)) {
    /* channel 0 (echo) first, then channel 1 (control): DESIGN §6 */
    uint32_t addr = (uint32_t)(1 + FW_CONTROL - ns_pending);
    struct rpmsg_ns_msg ns;
    memset(&ns, 0, sizeof ns);
    memcpy(ns.name, FW_TTY_NAME, strlen(FW_TTY_NAME));
    ns.addr = addr;
    ns.flags = 0; /* RPMSG_NS_CREATE */
    if (rpmsg_send(addr, RPMSG_NS_ADDR, &ns, sizeof ns) != 0) break;
    log_info("rpmsg: announced %s addr 0x%lx", FW_TTY_NAME, addr);
    ns_pending--;
  }
}

static void receive_one(void) {
  uint8_t *buf;
  uint32_t size;
  int head = vq_take(&vq_rx, &buf, &size);
  if (head < 0) return;
  struct rpmsg_hdr hdr;
  memcpy(&hdr, buf, sizeof hdr);
  if (size < RPMSG_HDR_SIZE || hdr.len > RPMSG_MTU || hdr.len > size - RPMSG_HDR_SIZE) {
    log_warn("rpmsg: dropped message len=%u in a %lu-byte buffer", hdr.len, size);
  } else if (hdr.dst == EPT_ECHO || (FW_CONTROL && hdr.dst == EPT_CONTROL)) {
    app_receive(hdr.dst, hdr.src, buf + RPMSG_HDR_SIZE, hdr.len);
  } else {
    log_warn("rpmsg: no endpoint 0x%lx (from 0x%lx)", hdr.dst, hdr.src);
  }
  vq_give(&vq_rx, head, size);
}

void rpmsg_poll(void) {
  announce();
  /* Each message produces at most one reply, so take a message only when a reply buffer is free:
     the host's own flow control then applies (nothing is queued inside the firmware). */
  while (ns_pending == 0 && vq_has_avail(&vq_rx) && vq_has_avail(&vq_tx)) receive_one();
  vq_notify(&vq_tx, 0);
  vq_notify(&vq_rx, 1);
}

#endif
