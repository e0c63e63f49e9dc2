/* The test-firmware protocol of DESIGN §6: echo and control channels, boot line, main loop, requested crashes. */
#include "fw.h"

#ifndef BUILD_ID
#error "BUILD_ID must be set by the Makefile (-DBUILD_ID=\"...\")"
#endif
#ifndef FW_VARIANT
#error "FW_VARIANT must be set by the Makefile (-DFW_VARIANT=\"...\")"
#endif

/* Readable from the ELF (symbols fw_variant, fw_build_id) as well as from the boot line and `info`. */
__attribute__((used)) const char fw_variant[] = FW_VARIANT;
__attribute__((used)) const char fw_build_id[] = BUILD_ID;

/* The same facts as key=value words in a non-loaded section, for tools that read the ELF without running it
   (the harness's firmware-info convention: variant, build, control, tty). */
#define FW_STR2(x) #x
#define FW_STR(x) FW_STR2(x)
__asm(".pushsection .fw_info,\"\",%progbits\n"
      ".ascii \"variant=" FW_VARIANT " build=" BUILD_ID " port=" PORT_NAME " soc=" PORT_SOC
      " control=" FW_STR(FW_CONTROL) " tty=" FW_TTY_NAME " vrings=" FW_STR(FW_VRING_NUM) " trace=" FW_STR(FW_TRACE)
      "\"\n.byte 0\n.popsection");

#define CRASH_DELAY_MS 50u /* keep serving the rings this long after `ok`, so the reply reaches the host */

enum crash_kind { CRASH_NONE = 0, CRASH_HARDFAULT = 1, CRASH_WATCHDOG = 2 };
static enum crash_kind crash_pending;
static uint32_t crash_at_ms;

#if FW_CONTROL
static char reply_buf[RPMSG_MTU];
static size_t reply_len;

static void reply_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void reply_line(const char *fmt, ...) {
  char line[160];
  __builtin_va_list ap;
  __builtin_va_start(ap, fmt);
  size_t n = fmt_vstring(line, sizeof line - 1, fmt, ap);
  __builtin_va_end(ap);
  line[n++] = '\n';
  if (reply_len + n > sizeof reply_buf) {
    log_warn("control: reply longer than %u bytes, line dropped", (unsigned)RPMSG_MTU);
    return;
  }
  memcpy(reply_buf + reply_len, line, n);
  reply_len += n;
}

static int word_is(const char *s, size_t len, const char *word) {
  size_t n = strlen(word);
  return len == n && memcmp(s, word, n) == 0;
}

static void run_command(const char *cmd, size_t len) {
  size_t verb = 0;
  while (verb < len && cmd[verb] != ' ') verb++;
  const char *arg = cmd + verb + (verb < len ? 1 : 0);
  size_t arg_len = verb < len ? len - verb - 1 : 0;

  if (word_is(cmd, len, "ping")) {
    reply_line("pong");
  } else if (word_is(cmd, len, "info")) {
    reply_line("info variant=%s build=%s soc=%s vrings=%u trace=%u", fw_variant, fw_build_id, PORT_SOC,
               (unsigned)FW_VRING_NUM, (unsigned)FW_TRACE);
  } else if (word_is(cmd, verb, "log") && arg_len > 0) {
    log_info("%.*s", (int)arg_len, arg);
    reply_line("ok");
  } else if (word_is(cmd, verb, "crash") && (word_is(arg, arg_len, "hardfault") || word_is(arg, arg_len, "watchdog"))) {
    log_err("crash %.*s requested", (int)arg_len, arg);
    reply_line("ok");
    crash_pending = arg[0] == 'h' ? CRASH_HARDFAULT : CRASH_WATCHDOG;
    crash_at_ms = tick_ms() + CRASH_DELAY_MS;
  } else if (word_is(cmd, verb, "log") || word_is(cmd, verb, "crash")) {
    reply_line("error usage: %s", cmd[0] == 'l' ? "log <text>" : "crash hardfault|watchdog");
  } else {
    reply_line("error unknown command: %.*s", (int)(len > 64 ? 64 : len), cmd);
  }
}

/* One reply message per received message; every line (\n, \r\n or the message end) is one command. */
static void control_receive(uint32_t src, const uint8_t *data, uint32_t len) {
  reply_len = 0;
  uint32_t start = 0;
  for (uint32_t i = 0; i <= len; i++) {
    if (i == len || data[i] == '\n' || data[i] == '\r') {
      if (i > start && crash_pending == CRASH_NONE) run_command((const char *)data + start, i - start);
      start = i + 1;
    }
  }
  if (reply_len > 0 && rpmsg_send(EPT_CONTROL, src, reply_buf, (uint32_t)reply_len) != 0) {
    log_warn("control: no buffer for the reply");
  }
}
#endif

void app_receive(uint32_t local, uint32_t src, const uint8_t *data, uint32_t len) {
#if FW_CONTROL
  if (local == EPT_CONTROL) {
    control_receive(src, data, len);
    return;
  }
#endif
  (void)local;
#if FW_VDEV
  log_dbg("echo: %lu bytes from 0x%lx", len, src);
  if (rpmsg_send(EPT_ECHO, src, data, len) != 0) log_warn("echo: no buffer for the reply");
#else
  (void)src;
  (void)data;
  (void)len;
#endif
}

static void crash_now(enum crash_kind kind) {
  port_doorbell_flush();
  if (kind == CRASH_HARDFAULT) {
    __asm volatile("udf #0"); /* UsageFault, escalated to HardFault (SHCSR leaves it disabled) */
  }
  port_fault_record(CRASH_WATCHDOG, 0, 0, 0);
  __asm volatile("cpsid i" ::: "memory");
  for (;;) {
    /* hang with interrupts masked: no refresh, the watchdog fires */
  }
}

static void park(void) {
  for (;;) {
    /* after the shutdown ack the host stops or resets the core; keep the watchdog quiet until then */
    port_watchdog_refresh();
    port_idle();
  }
}

int main(void) {
  port_init();
  tick_init();
  log_info("rproc-hil test firmware variant=%s build=%s port=%s soc=%s", fw_variant, fw_build_id, PORT_NAME,
           PORT_SOC);
  port_watchdog_start();
#if FW_VDEV
  int started = 0;
  log_info("vdev: waiting for DRIVER_OK");
#else
  log_info("no vdev: running without rpmsg");
#endif
  for (;;) {
    port_watchdog_refresh();
    for (int ch; (ch = port_doorbell_get()) >= 0;) {
      if (ch == 2) {
        log_info("shutdown requested");
        port_doorbell_ack(ch);
        park();
      } else if (ch == 3) {
        log_info("detach requested");
        port_doorbell_ack(ch);
      }
      /* 0 and 1 only wake us: the rings are polled below on every pass */
    }
#if FW_VDEV
    if (started == 0 && (rsc_vdev_status() & 4u) != 0) { /* VIRTIO_CONFIG_S_DRIVER_OK */
      started = rpmsg_start() == 0 ? 1 : -1;
    }
    if (started == 1) rpmsg_poll();
#endif
    int knob = port_crash_request();
    if (knob != 0 && crash_pending == CRASH_NONE) {
      log_err("crash %s requested", knob == CRASH_HARDFAULT ? "hardfault" : "watchdog");
      crash_pending = (enum crash_kind)knob;
      crash_at_ms = tick_ms();
    }
    if (crash_pending != CRASH_NONE && (int32_t)(tick_ms() - crash_at_ms) >= 0) crash_now(crash_pending);
    port_idle();
  }
}
