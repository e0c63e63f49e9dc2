/* ST openamp_log behaviour: "[sssss.mmm][LEVEL] text\n" into system_log_buf with log_buff() (firmware.md §2). */
#include "fw.h"

/* In .sys_logs so each port can place the buffers where Linux can read them (firmware.md §1.6, §5.4). */
__attribute__((section(".sys_logs"))) char system_log_buf[FW_LOG_SIZE];
static uint32_t log_offset;
#if FW_TRACE2
__attribute__((section(".sys_logs"))) char system_diag_buf[FW_TRACE2_SIZE];
static uint32_t diag_offset;
#endif

/* firmware.md §2.1: wrap *before* writing when offset+1 >= size; NUL right after the newest char. */
static void log_buff(char *buf, uint32_t size, uint32_t *offset, char ch) {
  if (*offset + 1 >= size) *offset = 0;
  buf[*offset] = ch;
  buf[*offset + 1] = '\0';
  (*offset)++;
}

struct line_ctx { int diag; };

static void log_sink(char c, void *ctx) {
  struct line_ctx *line = ctx;
  log_buff(system_log_buf, FW_LOG_SIZE, &log_offset, c);
#if FW_TRACE2
  if (line->diag) log_buff(system_diag_buf, FW_TRACE2_SIZE, &diag_offset, c);
#else
  (void)line;
#endif
  port_console_putc(c);
}

static void sink_text(const char *s, void *ctx) {
  while (*s != '\0') log_sink(*s++, ctx);
}

static void sink_fmt(void *ctx, const char *fmt, ...) {
  __builtin_va_list ap;
  __builtin_va_start(ap, fmt);
  fmt_emit(log_sink, ctx, fmt, ap);
  __builtin_va_end(ap);
}

void log_write(enum log_level level, const char *fmt, ...) {
  static const char *const tags[] = { "", "[ERR  ]", "[WARN ]", "[INFO ]", "[DBG  ]" };
  if ((int)level > FW_LOG_LEVEL) return;
  /* the diagnostic trace gets the boot line (the first line), then warnings and errors only */
  static int booted;
  struct line_ctx line = { level <= LOG_WARN || !booted };
  booted = 1;
  uint32_t ms = tick_ms();
  sink_fmt(&line, "[%05lu.%03lu]", ms / 1000u, ms % 1000u);
  sink_text(tags[level], &line);
  log_sink(' ', &line);
  __builtin_va_list ap;
  __builtin_va_start(ap, fmt);
  fmt_emit(log_sink, &line, fmt, ap);
  __builtin_va_end(ap);
  log_sink('\n', &line);
}
