/* Variant macros (set by the Makefile from variants.yaml) with their defaults and derived values. */
#ifndef FW_CONFIG_H
#define FW_CONFIG_H

/* All variant macros are integers so that variants.yaml stays free of quoting: NAME=<number>. */
#ifndef FW_HAS_TABLE
#define FW_HAS_TABLE 1 /* 0: no .resource_table section at all */
#endif
#ifndef FW_VDEV
#define FW_VDEV FW_HAS_TABLE /* rpmsg vdev entry (id 7, two vrings) */
#endif
#ifndef FW_VDEV_FEATURES
#define FW_VDEV_FEATURES 1 /* bit 0 = VIRTIO_RPMSG_F_NS (firmware.md §1.3 RPMSG_IPU_C0_FEATURES) */
#endif
#ifndef FW_VRING_NUM
#define FW_VRING_NUM 16 /* VRING_NUM_BUFFS */
#endif
#ifndef FW_CONTROL
#define FW_CONTROL 0 /* second rpmsg-tty channel with the control commands (DESIGN §6) */
#endif
#ifndef FW_TRACE
#define FW_TRACE 0 /* trace entry on system_log_buf (firmware.md §1.4 __LOG_TRACE_IO_) */
#endif
#ifndef FW_TRACE2
#define FW_TRACE2 0 /* a second trace entry on system_diag_buf (WARN/ERR lines only) */
#endif
#ifndef FW_TRACE_CM33
#define FW_TRACE_CM33 PORT_TRACE_CM33 /* 1: trace named cm33_log (MP25 style), 0: cm4_log */
#endif
#ifndef FW_LOG_SIZE
#if FW_TRACE_CM33
#define FW_LOG_SIZE 1048 /* MP25 SYSTEM_TRACE_BUF_SZ (firmware.md §1.4) */
#else
#define FW_LOG_SIZE 2048 /* MP15 SYSTEM_TRACE_BUF_SZ (firmware.md §1.4) */
#endif
#endif
#ifndef FW_TRACE2_SIZE
#define FW_TRACE2_SIZE 512
#endif
#ifndef FW_VENDOR
#define FW_VENDOR 0 /* a vendor resource (type 128): the kernel warns and skips it (remoteproc.md §3.3) */
#endif
#ifndef FW_CARVEOUT
#define FW_CARVEOUT 0 /* a carveout named after the pre-registered region PORT_CARVEOUT_NAME */
#endif
#ifndef FW_TTY_LEGACY
#define FW_TTY_LEGACY 0 /* announce the old name rpmsg-tty-channel (remoteproc.md §6.3) */
#endif
#ifndef FW_LOG_LEVEL
#define FW_LOG_LEVEL 3 /* LOGINFO, ST's default (firmware.md §2.2) */
#endif

#if FW_VDEV && !FW_HAS_TABLE
#error "FW_VDEV needs FW_HAS_TABLE"
#endif
#if (FW_TRACE || FW_TRACE2 || FW_VENDOR || FW_CARVEOUT) && !FW_HAS_TABLE
#error "table entries need FW_HAS_TABLE"
#endif
#if FW_CONTROL && !FW_VDEV
#error "FW_CONTROL needs FW_VDEV"
#endif
#if FW_TRACE2 && !FW_TRACE
#error "FW_TRACE2 needs FW_TRACE"
#endif
#if FW_LOG_SIZE < 64 || FW_TRACE2_SIZE < 64
#error "log buffers must hold at least 64 bytes"
#endif
#if FW_VRING_NUM < 1 || FW_VRING_NUM > 256
#error "FW_VRING_NUM out of range"
#endif

#define FW_NUM_ENTRIES (FW_VDEV + FW_TRACE + FW_TRACE2 + FW_CARVEOUT + FW_VENDOR)
#define FW_NS (FW_VDEV && (FW_VDEV_FEATURES & 1))
#if FW_TRACE_CM33
#define FW_TRACE_NAME "cm33_log"
#define FW_TRACE2_NAME "cm33_diag"
#else
#define FW_TRACE_NAME "cm4_log"
#define FW_TRACE2_NAME "cm4_diag"
#endif
#if FW_TTY_LEGACY
#define FW_TTY_NAME "rpmsg-tty-channel"
#else
#define FW_TTY_NAME "rpmsg-tty"
#endif

#define RPMSG_BUF_SIZE 512u    /* RPMSG_BUFFER_SIZE (firmware.md §1.3) */
#define RPMSG_HDR_SIZE 16u
#define RPMSG_MTU (RPMSG_BUF_SIZE - RPMSG_HDR_SIZE) /* 496 */
#define RPMSG_NS_ADDR 0x35u
#define EPT_ECHO 0x0u
#define EPT_CONTROL 0x1u

#endif
