// Finds the keys a zod mapping allows at a key path, so an unknown-key error can list them and suggest a spelling.
import type { z } from 'zod';
import type { KeyPath } from './problems';

interface DefLike {
  type: string;
  in?: z.core.$ZodType;
  innerType?: z.core.$ZodType;
  element?: z.core.$ZodType;
  valueType?: z.core.$ZodType;
  shape?: Record<string, z.core.$ZodType>;
}

function defOf(schema: z.core.$ZodType): DefLike {
  return schema._zod.def as unknown as DefLike;
}

/** Strips the wrappers (pipe, optional, default, prefault, nullable) around the schema that checks the input. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let cur = schema;
  for (let i = 0; i < 32; i++) {
    const d = defOf(cur);
    const next = d.type === 'pipe' ? d.in : d.innerType;
    if (!next) return cur;
    cur = next;
  }
  return cur;
}

export function allowedKeysAt(schema: z.core.$ZodType, path: KeyPath): string[] | undefined {
  let cur = unwrap(schema);
  for (const part of path) {
    const d = defOf(cur);
    let next: z.core.$ZodType | undefined;
    if (d.type === 'object' && typeof part === 'string') next = d.shape?.[part];
    else if (d.type === 'array' && typeof part === 'number') next = d.element;
    else if (d.type === 'record') next = d.valueType;
    if (!next) return undefined;
    cur = unwrap(next);
  }
  const d = defOf(cur);
  return d.type === 'object' && d.shape ? Object.keys(d.shape) : undefined;
}
