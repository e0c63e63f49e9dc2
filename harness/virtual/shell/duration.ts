// Durations as sleep/timeout/read -t accept them: a number with an optional s/m/h/d suffix.

/** Milliseconds, or null when `s` is not a duration. */
export function parseDuration(s: string): number | null {
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(s);
  if (!m) return null;
  const mult = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * mult * 1000;
}
