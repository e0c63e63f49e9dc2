/* The resource table in ST's layout (firmware.md §1.2), its entries chosen by the variant macros. */
#include "fw.h"

#if FW_HAS_TABLE

/* remoteproc.md §3.1: resource types and FW_RSC_ADDR_ANY */
#define RSC_CARVEOUT 0u
#define RSC_TRACE 2u
#define RSC_VDEV 3u
#define RSC_VENDOR_START 128u
#define FW_RSC_ADDR_ANY 0xFFFFFFFFu
#define VIRTIO_ID_RPMSG 7u
#define VRING_ALIGNMENT 16u /* "fixed to match with linux constraint" (firmware.md §1.3) */

struct rsc_hdr { uint32_t ver, num, reserved[2]; };
struct rsc_carveout { uint32_t type, da, pa, len, flags, reserved; char name[32]; };
struct rsc_vdev_vring { uint32_t da, align, num, notifyid, reserved; };
struct rsc_vdev {
  uint32_t type, id, notifyid, dfeatures, gfeatures, config_len;
  uint8_t status, num_of_vrings, reserved[2];
};
struct rsc_trace { uint32_t type, da, len, reserved; char name[32]; };
struct rsc_vendor { uint32_t type; uint32_t data[3]; };

struct fw_table {
  struct rsc_hdr hdr;
  uint32_t offset[FW_NUM_ENTRIES > 0 ? FW_NUM_ENTRIES : 1];
#if FW_VDEV
  struct rsc_vdev vdev;
  struct rsc_vdev_vring vring0;
  struct rsc_vdev_vring vring1;
#endif
#if FW_TRACE
  struct rsc_trace trace0;
#endif
#if FW_TRACE2
  struct rsc_trace trace1;
#endif
#if FW_CARVEOUT
  struct rsc_carveout carveout;
#endif
#if FW_VENDOR
  struct rsc_vendor vendor;
#endif
};

_Static_assert(sizeof(struct rsc_vdev) == 28, "fw_rsc_vdev with type word is 28 bytes (firmware.md §1.2)");
_Static_assert(sizeof(struct rsc_vdev_vring) == 20, "fw_rsc_vdev_vring is 20 bytes");
_Static_assert(sizeof(struct rsc_trace) == 48, "fw_rsc_trace with type word is 48 bytes");
_Static_assert(sizeof(struct rsc_carveout) == 56, "fw_rsc_carveout with type word is 56 bytes");

/* Not const: the host writes the vring addresses and the vdev status into the loaded copy. */
__attribute__((used, section(".resource_table"), aligned(16))) struct fw_table resource_table = {
  .hdr = { .ver = 1, .num = FW_NUM_ENTRIES, .reserved = { 0, 0 } },
  .offset = {
#if FW_VDEV
    offsetof(struct fw_table, vdev),
#endif
#if FW_TRACE
    offsetof(struct fw_table, trace0),
#endif
#if FW_TRACE2
    offsetof(struct fw_table, trace1),
#endif
#if FW_CARVEOUT
    offsetof(struct fw_table, carveout),
#endif
#if FW_VENDOR
    offsetof(struct fw_table, vendor),
#endif
  },
#if FW_VDEV
  .vdev = { RSC_VDEV, VIRTIO_ID_RPMSG, 0, FW_VDEV_FEATURES, 0, 0, 0, 2, { 0, 0 } },
  .vring0 = { FW_RSC_ADDR_ANY, VRING_ALIGNMENT, FW_VRING_NUM, 0, 0 },
  .vring1 = { FW_RSC_ADDR_ANY, VRING_ALIGNMENT, FW_VRING_NUM, 1, 0 },
#endif
#if FW_TRACE
  .trace0 = { RSC_TRACE, (uint32_t)system_log_buf, FW_LOG_SIZE, 0, FW_TRACE_NAME },
#endif
#if FW_TRACE2
  .trace1 = { RSC_TRACE, (uint32_t)system_diag_buf, FW_TRACE2_SIZE, 0, FW_TRACE2_NAME },
#endif
#if FW_CARVEOUT
  /* Named after a region the STM32 driver pre-registers from the DT, so the kernel links it instead of
     allocating (remoteproc.md §3.3 carveout); da and len are exactly the region's. */
  .carveout = { RSC_CARVEOUT, PORT_CARVEOUT_DA, FW_RSC_ADDR_ANY, PORT_CARVEOUT_LEN, 0, 0, PORT_CARVEOUT_NAME },
#endif
#if FW_VENDOR
  /* type 128 = RSC_VENDOR_START: STM32 has no handler, "unsupported vendor resource 128" (remoteproc.md §3.3) */
  .vendor = { RSC_VENDOR_START, { 0x4C494852u /* "RHIL" */, 1u, 0u } },
#endif
};

#if FW_VDEV
uint8_t rsc_vdev_status(void) { return *(volatile uint8_t *)&resource_table.vdev.status; }

static volatile struct rsc_vdev_vring *vring(int index) {
  return index == 0 ? &resource_table.vring0 : &resource_table.vring1;
}
uint32_t rsc_vring_da(int index) { return vring(index)->da; }
uint32_t rsc_vring_align(int index) { return vring(index)->align; }
uint32_t rsc_vring_num(int index) { return vring(index)->num; }
#endif

#endif
