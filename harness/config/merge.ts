// Deep-merges profile layers (`extends`) and remembers which file each key path came from, for error messages.
import { formatKeyPath, type KeyPath } from './problems';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export interface Layer {
  file: string;
  data: unknown;
}

export interface Merged {
  data: unknown;
  /** the file that last set `path` or its nearest set ancestor */
  blame: (path: KeyPath) => string;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty keeps a `__proto__` key from a file an ordinary own key
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function recordAll(value: unknown, path: KeyPath, file: string, origins: Map<string, string>): void {
  origins.set(formatKeyPath(path), file);
  if (Array.isArray(value)) value.forEach((v, i) => recordAll(v, [...path, i], file, origins));
  else if (isPlainObject(value)) for (const k of Object.keys(value)) recordAll(value[k], [...path, k], file, origins);
}

function forgetUnder(path: KeyPath, origins: Map<string, string>): void {
  const p = formatKeyPath(path);
  for (const key of [...origins.keys()]) {
    if (path.length === 0 || key === p || key.startsWith(`${p}.`) || key.startsWith(`${p}[`)) origins.delete(key);
  }
}

function mergeValue(base: unknown, over: unknown, path: KeyPath, file: string, origins: Map<string, string>): unknown {
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(base)) setOwn(out, k, base[k]);
    for (const k of Object.keys(over)) setOwn(out, k, mergeValue(base[k], over[k], [...path, k], file, origins));
    origins.set(formatKeyPath(path), file);
    return out;
  }
  // lists and scalars replace: a child's memory map is the whole map
  forgetUnder(path, origins);
  recordAll(over, path, file, origins);
  return over;
}

/** Merges layers from the root ancestor to the most derived profile (the last layer wins). */
export function mergeLayers(layers: Layer[]): Merged {
  const origins = new Map<string, string>();
  let data: unknown = undefined;
  for (const layer of layers) {
    data = data === undefined ? mergeValue(undefined, layer.data, [], layer.file, origins) : mergeValue(data, layer.data, [], layer.file, origins);
  }
  const fallback = layers[layers.length - 1]?.file ?? '';
  return {
    data,
    blame: (path) => {
      for (let n = path.length; n >= 0; n--) {
        const f = origins.get(formatKeyPath(path.slice(0, n)));
        if (f !== undefined) return f;
      }
      return fallback;
    },
  };
}
