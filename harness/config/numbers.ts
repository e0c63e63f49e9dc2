// Reads the integers a profile may hold: YAML ints, "0x..." hex strings, decimal strings and sizes like "64K"/"16M".

const SIZE_UNITS: Record<string, number> = { K: 1024, M: 1024 * 1024, G: 1024 * 1024 * 1024 };

/**
 * The integer `value` stands for, or undefined when it is not one (negative, fractional, unsafe, malformed).
 * Sizes take a binary suffix (K = 1024, M = 1024², G = 1024³, optional `i`/`B`: "64K", "16MiB", "1GB").
 */
export function parseIntLike(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(/_/g, '');
  let n: number | undefined;
  const hex = /^0x([0-9a-f]{1,13})$/i.exec(text);
  const size = /^(\d{1,10})\s*([KMG])(?:i?B)?$/i.exec(text);
  if (hex?.[1] !== undefined) n = Number.parseInt(hex[1], 16);
  else if (/^\d{1,16}$/.test(text)) n = Number.parseInt(text, 10);
  else if (size?.[1] !== undefined && size[2] !== undefined) {
    n = Number.parseInt(size[1], 10) * (SIZE_UNITS[size[2].toUpperCase()] ?? 0);
  }
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
}

/** `0x10000000` style text for messages and listings. */
export function hex(n: number): string {
  return `0x${n.toString(16).toUpperCase()}`;
}
