/* A small printf subset (%c %s %.*s %d %u %x with zero-pad and width) for log lines and replies. */
#include "fw.h"

static void emit_number(fmt_sink sink, void *ctx, uint32_t value, unsigned base, int negative, int width, char pad) {
  char digits[12];
  int n = 0;
  do {
    unsigned d = value % base;
    digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
    value /= base;
  } while (value != 0);
  if (negative) digits[n++] = '-';
  for (int i = n; i < width; i++) sink(pad, ctx);
  while (n > 0) sink(digits[--n], ctx);
}

void fmt_emit(fmt_sink sink, void *ctx, const char *fmt, __builtin_va_list ap) {
  for (const char *p = fmt; *p != '\0'; p++) {
    if (*p != '%') {
      sink(*p, ctx);
      continue;
    }
    p++;
    char pad = ' ';
    int width = 0;
    int precision = -1;
    if (*p == '0') {
      pad = '0';
      p++;
    }
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    if (*p == '.' && p[1] == '*') {
      precision = __builtin_va_arg(ap, int);
      p += 2;
    }
    int is_long = 0;
    while (*p == 'l') {
      is_long = 1;
      p++;
    }
    switch (*p) {
      case 'c': sink((char)__builtin_va_arg(ap, int), ctx); break;
      case 's': {
        const char *s = __builtin_va_arg(ap, const char *);
        for (int i = 0; s[i] != '\0' && (precision < 0 || i < precision); i++) sink(s[i], ctx);
        break;
      }
      case 'd': {
        long v = is_long ? __builtin_va_arg(ap, long) : __builtin_va_arg(ap, int);
        emit_number(sink, ctx, v < 0 ? (uint32_t)(-(v + 1)) + 1u : (uint32_t)v, 10, v < 0, width, pad);
        break;
      }
      case 'u':
      case 'x': {
        uint32_t v = is_long ? (uint32_t)__builtin_va_arg(ap, unsigned long) : __builtin_va_arg(ap, unsigned int);
        emit_number(sink, ctx, v, *p == 'u' ? 10u : 16u, 0, width, pad);
        break;
      }
      case '%': sink('%', ctx); break;
      case '\0': return;
      default: sink('%', ctx); sink(*p, ctx); break;
    }
  }
}

struct string_out { char *out; size_t size; size_t len; };

static void string_sink(char c, void *ctx) {
  struct string_out *s = ctx;
  if (s->len + 1 < s->size) s->out[s->len++] = c;
}

size_t fmt_vstring(char *out, size_t size, const char *fmt, __builtin_va_list ap) {
  struct string_out s = { out, size, 0 };
  fmt_emit(string_sink, &s, fmt, ap);
  if (size > 0) out[s.len] = '\0';
  return s.len;
}

size_t fmt_string(char *out, size_t size, const char *fmt, ...) {
  __builtin_va_list ap;
  __builtin_va_start(ap, fmt);
  size_t n = fmt_vstring(out, size, fmt, ap);
  __builtin_va_end(ap);
  return n;
}
