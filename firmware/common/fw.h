/* Interfaces between the shared firmware code (common/) and a port (soc/<port>/port.c). */
#ifndef FW_H
#define FW_H

#include <stddef.h>
#include <stdint.h>

#include "port.h"
#include "config.h"

/* ---- port: each soc/<port>/port.c implements these ---- */
void port_init(void);                 /* doorbell + console set-up; no watchdog yet */
void port_watchdog_start(void);       /* arm the watchdog (WWDG1 on silicon, CMSDK watchdog on the twin) */
void port_watchdog_refresh(void);
int port_doorbell_get(void);          /* next channel rung by the host (0 vq0, 1 vq1, 2 shutdown, 3 detach), -1 if none */
void port_doorbell_ack(int channel);  /* acknowledge a shutdown/detach request */
void port_doorbell_kick(int channel); /* ring the host: 0 = vring0 used advanced, 1 = vring1 used advanced */
void port_doorbell_flush(void);       /* wait (bounded) until the host has taken every kick sent so far */
void port_idle(void);                 /* wait (or not) until an interrupt may have brought work */
void port_console_putc(char c);       /* firmware console (UART0 on the twin; nothing on silicon) */
void port_fault_record(uint32_t kind, uint32_t pc, uint32_t cfsr, uint32_t hfsr);
void port_heartbeat(void);
int port_crash_request(void);         /* twin fault knob: 1 hardfault, 2 watchdog, 0 none (silicon: always 0) */

/* ---- tick (common/tick.c, SysTick at 100 Hz) ---- */
void tick_init(void);
uint32_t tick_ms(void);

/* ---- log (common/log.c): ST openamp_log format into the trace buffer(s) and the console ---- */
enum log_level { LOG_ERR = 1, LOG_WARN = 2, LOG_INFO = 3, LOG_DBG = 4 };
void log_write(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_err(...) log_write(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_write(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_write(LOG_INFO, __VA_ARGS__)
#define log_dbg(...) log_write(LOG_DBG, __VA_ARGS__)
extern char system_log_buf[FW_LOG_SIZE];
#if FW_TRACE2
extern char system_diag_buf[FW_TRACE2_SIZE];
#endif

/* ---- tiny formatter (common/format.c); returns the length written (output NUL-terminated) ---- */
size_t fmt_string(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
size_t fmt_vstring(char *out, size_t size, const char *fmt, __builtin_va_list ap);
typedef void (*fmt_sink)(char c, void *ctx);
void fmt_emit(fmt_sink sink, void *ctx, const char *fmt, __builtin_va_list ap);

/* ---- startup (common/startup.c) ---- */
int main(void);

/* ---- resource table (common/rsc_table.c) ---- */
#if FW_VDEV
/* what the host filled in: vring device addresses and the vdev status byte */
uint8_t rsc_vdev_status(void);
uint32_t rsc_vring_da(int index);
uint32_t rsc_vring_align(int index);
uint32_t rsc_vring_num(int index);
#endif

/* ---- rpmsg remote side (common/rpmsg.c) ---- */
typedef void (*rpmsg_rx_cb)(uint32_t src, const uint8_t *data, uint32_t len);
int rpmsg_start(void);                /* after DRIVER_OK: map the vrings; 0 on success */
void rpmsg_poll(void);                /* announce, receive, reply; kicks the host when rings advanced */
int rpmsg_send(uint32_t src, uint32_t dst, const void *data, uint32_t len);

/* ---- the application (common/app.c) ---- */
void app_receive(uint32_t local, uint32_t src, const uint8_t *data, uint32_t len);

/* ---- identity (common/app.c) ---- */
extern const char fw_variant[];
extern const char fw_build_id[];

/* ---- freestanding helpers (common/libc.c) ---- */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#define DMB() __asm volatile("dmb" ::: "memory")
#define MMIO32(addr) (*(volatile uint32_t *)(addr))

#endif
