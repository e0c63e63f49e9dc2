// Leaf validators shared by the profile and inventory schemas; each issue message is the "expected ..." text a user reads.
import { z } from 'zod';
import { parseIntLike } from './numbers';

/** An integer (YAML int, "0x.." hex, decimal string, or size like "64K") that satisfies `check`. */
export function intField(expected: string, check: (n: number) => boolean = () => true) {
  return z.unknown().transform((value, ctx) => {
    const n = parseIntLike(value);
    if (n === undefined || !check(n)) {
      ctx.issues.push({ code: 'custom', message: expected, input: value });
      return z.NEVER;
    }
    return n;
  });
}

export const U32_LIMIT = 0x1_0000_0000;

/** A 32-bit device address. */
export const address32 = intField('an address from 0x0 to 0xFFFFFFFF (YAML int or "0x..." hex)', (n) => n < U32_LIMIT);
/** A physical address (the A-side bus may be wider than 32 bits). */
export const physAddress = intField('a non-negative address (YAML int or "0x..." hex)');
/** A byte size inside a 32-bit space. */
export const size32 = intField('a positive integer (bytes; YAML int, "0x..." hex or a size like "64K")', (n) => n > 0 && n <= U32_LIMIT);
/** A duration or count in milliseconds. */
export const positiveMs = intField('a positive integer (milliseconds)', (n) => n > 0);

export function text(expected = 'a non-empty string') {
  return z.string({ error: expected }).min(1, { error: expected });
}

export function matching(pattern: RegExp, expected: string) {
  return z.string({ error: expected }).regex(pattern, { error: expected });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `one of ${values.map((v) => `'${v}'`).join(', ')}` });
}

export const flag = z.boolean({ error: 'true or false' });

/** A mapping whose keys are all known: unknown keys (typos) are errors. */
export function mapping<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'invalid_type' ? 'a mapping (key: value lines)' : undefined),
  });
}

/** A file name in /lib/firmware as written to the rproc `firmware` attribute: no spaces, no `..`. */
export const firmwareFileName = matching(
  /^(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9_+][A-Za-z0-9._+/-]*$/,
  'a firmware file name (letters, digits, . _ + - /; no spaces, no "..")',
);
