// Parses firmware/variants.yaml text into a typed variant manifest; every problem is a ConfigError naming file, key and fix.
import { parseDocument } from 'yaml';
import { ConfigError } from '../errors';

export type ManifestSoc = 'stm32mp15' | 'stm32mp25';

/** What a board of one SoC shows with a variant (the `expect.<soc>` mapping); null = unknown (found by asking). */
export interface ManifestExpect {
  verdict: 'ok' | 'no-table' | 'fatal';
  errno: number | null;
  boots: boolean;
  rpmsg: boolean;
  channels: number | null;
  ttys: number | null;
  control: boolean | null;
  traces: string[];
  traceNames: string[];
  logSize: number;
  vringNum: number;
}

export interface ManifestPort {
  name: string;
  soc: ManifestSoc;
  core: string;
  runsOn: string;
  machine?: string;
}

export interface ManifestVariant {
  name: string;
  description: string;
  ports: string[];
  defines: string[];
  expect: Partial<Record<ManifestSoc, ManifestExpect>>;
}

export interface VariantManifest {
  file: string;
  ports: ManifestPort[];
  variants: ManifestVariant[];
}

/** the deployed file name is `rproc-hil-<variant>.elf`, so a name must stay a plain file-name part */
export const VARIANT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** VARIANT_NAME, and no ".." (the board's firmware loader refuses path walking, so rproc-hil-a..b.elf could never load) */
export function isVariantName(name: string): boolean {
  return VARIANT_NAME.test(name) && !name.includes('..');
}

/** how a variant name must look, for messages */
export const VARIANT_NAME_RULE = 'lower-case letters, digits, . _ - (at most 64, starting with a letter or digit)';
const SOCS: readonly ManifestSoc[] = ['stm32mp15', 'stm32mp25'];
const MAX_TEXT = 1024 * 1024;

type Obj = Record<string, unknown>;

class Reader {
  constructor(readonly file: string) {}

  fail(keyPath: string, expected: string, found: unknown): never {
    throw new ConfigError(`${this.file}: ${keyPath}: expected ${expected}, found ${show(found)}. Fix that key in ${this.file}.`, { file: this.file, keyPath, expected });
  }

  obj(v: unknown, keyPath: string, what: string): Obj {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(keyPath, what, v);
    return v as Obj;
  }

  str(v: unknown, keyPath: string, what = 'a string'): string {
    if (typeof v !== 'string' || v === '') this.fail(keyPath, what, v);
    return v;
  }

  strList(v: unknown, keyPath: string, what: string): string[] {
    if (!Array.isArray(v)) this.fail(keyPath, what, v);
    return v.map((x, i) => this.str(x, `${keyPath}[${i}]`, 'a string'));
  }

  int(v: unknown, keyPath: string): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) this.fail(keyPath, 'a non-negative integer', v);
    return v;
  }

  bool(v: unknown, keyPath: string): boolean {
    if (typeof v !== 'boolean') this.fail(keyPath, 'true or false', v);
    return v;
  }

  nullable<T>(v: unknown, keyPath: string, read: (x: unknown, k: string) => T): T | null {
    return v === null ? null : read(v, keyPath);
  }
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing (the key is missing)';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function readExpect(r: Reader, v: unknown, keyPath: string): ManifestExpect {
  const e = r.obj(v, keyPath, 'a mapping { verdict, errno, boots, rpmsg, channels, ttys, control, traces, traceNames, logSize, vringNum }');
  const known = new Set(['verdict', 'errno', 'boots', 'rpmsg', 'channels', 'ttys', 'control', 'traces', 'traceNames', 'logSize', 'vringNum']);
  for (const k of Object.keys(e)) if (!known.has(k)) r.fail(`${keyPath}.${k}`, `one of the keys ${[...known].join(', ')}`, k);
  const verdict = e.verdict;
  if (verdict !== 'ok' && verdict !== 'no-table' && verdict !== 'fatal') r.fail(`${keyPath}.verdict`, 'ok, no-table or fatal', verdict);
  return {
    verdict,
    errno: r.nullable(e.errno, `${keyPath}.errno`, (x, k) => r.int(x, k)),
    boots: r.bool(e.boots, `${keyPath}.boots`),
    rpmsg: r.bool(e.rpmsg, `${keyPath}.rpmsg`),
    channels: r.nullable(e.channels, `${keyPath}.channels`, (x, k) => r.int(x, k)),
    ttys: r.nullable(e.ttys, `${keyPath}.ttys`, (x, k) => r.int(x, k)),
    control: r.nullable(e.control, `${keyPath}.control`, (x, k) => r.bool(x, k)),
    traces: r.strList(e.traces, `${keyPath}.traces`, 'a list of debugfs trace names, e.g. [trace0]'),
    traceNames: r.strList(e.traceNames, `${keyPath}.traceNames`, 'a list of trace entry names, e.g. [cm4_log]'),
    logSize: r.int(e.logSize, `${keyPath}.logSize`),
    vringNum: r.int(e.vringNum, `${keyPath}.vringNum`),
  };
}

function readPorts(r: Reader, v: unknown): ManifestPort[] {
  const ports = r.obj(v, 'ports', 'a mapping of port name -> { soc, core, runsOn }');
  return Object.entries(ports).map(([name, raw]) => {
    const p = r.obj(raw, `ports.${name}`, 'a mapping { soc, core, runsOn }');
    const soc = p.soc;
    if (soc !== 'stm32mp15' && soc !== 'stm32mp25') r.fail(`ports.${name}.soc`, SOCS.join(' or '), soc);
    const port: ManifestPort = { name, soc, core: r.str(p.core, `ports.${name}.core`), runsOn: r.str(p.runsOn, `ports.${name}.runsOn`) };
    if (p.machine !== undefined) port.machine = r.str(p.machine, `ports.${name}.machine`);
    return port;
  });
}

function readVariant(r: Reader, v: unknown, i: number, ports: ManifestPort[]): ManifestVariant {
  const at = `variants[${i}]`;
  const o = r.obj(v, at, 'a mapping { name, description, ports, defines, expect }');
  const name = r.str(o.name, `${at}.name`, 'a variant name');
  if (!VARIANT_NAME.test(name)) r.fail(`${at}.name`, `a variant name of ${VARIANT_NAME_RULE}, because it becomes the file name rproc-hil-<name>.elf`, name);
  if (!isVariantName(name)) r.fail(`${at}.name`, 'a variant name without ".." (the firmware loader refuses path walking, so rproc-hil-<name>.elf could never load)', name);
  const here = `variants[${i}] (${name})`;
  const portNames = r.strList(o.ports, `${here}.ports`, 'a list of port names, e.g. [stm32mp15, qemu-m4]');
  portNames.forEach((p, j) => {
    if (!ports.some((q) => q.name === p)) r.fail(`${here}.ports[${j}]`, `a port declared under ports: (${ports.map((q) => q.name).join(', ')})`, p);
  });
  const expectRaw = r.obj(o.expect, `${here}.expect`, 'a mapping of SoC (stm32mp15, stm32mp25) -> expectations');
  const expect: Partial<Record<ManifestSoc, ManifestExpect>> = {};
  for (const [soc, e] of Object.entries(expectRaw)) {
    if (soc !== 'stm32mp15' && soc !== 'stm32mp25') r.fail(`${here}.expect.${soc}`, `a SoC key (${SOCS.join(' or ')})`, soc);
    expect[soc] = readExpect(r, e, `${here}.expect.${soc}`);
  }
  for (const p of portNames) {
    const soc = ports.find((q) => q.name === p)?.soc;
    if (soc && !expect[soc]) r.fail(`${here}.expect.${soc}`, `the expectations of ${soc}, because the variant is built for port ${p}`, undefined);
  }
  const description = o.description === undefined ? '' : r.str(o.description, `${here}.description`);
  return { name, description, ports: portNames, defines: o.defines === undefined ? [] : r.strList(o.defines, `${here}.defines`, 'a list of FW_NAME=<number> items'), expect };
}

/** `file` is only named in messages; the text is parsed as YAML (size-bounded, no duplicate keys). */
export function parseVariantManifest(text: string, file: string): VariantManifest {
  const r = new Reader(file);
  if (text.length > MAX_TEXT) throw new ConfigError(`${file}: ${text.length} characters is too large for a variant manifest (limit ${MAX_TEXT}); check the path`, { file });
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    throw new ConfigError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: YAML syntax error: ${err.message.split('\n')[0] ?? err.message}. Fix the YAML at that line.`, { file, line: pos?.line, column: pos?.col });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(`${file}: cannot read the YAML: ${e instanceof Error ? e.message : String(e)}`, { file }, { cause: e });
  }
  const top = r.obj(data, '(top level)', 'a mapping with ports: and variants:');
  const ports = readPorts(r, top.ports);
  const list: unknown = top.variants;
  if (!Array.isArray(list)) r.fail('variants', 'a list of variants (- name: ...)', list);
  const variants = (list as unknown[]).map((v, i) => readVariant(r, v, i, ports));
  const seen = new Set<string>();
  variants.forEach((v, i) => {
    if (seen.has(v.name)) r.fail(`variants[${i}].name`, 'a name not used by an earlier variant', v.name);
    seen.add(v.name);
  });
  return { file, ports, variants };
}

/** variants built for `port`, in manifest order */
export function variantsForPort(m: VariantManifest, port: string): ManifestVariant[] {
  return m.variants.filter((v) => v.ports.includes(port));
}
