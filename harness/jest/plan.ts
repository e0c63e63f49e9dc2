// The firmware variants of one board's run: builtin from firmware/variants.yaml, custom from every *.elf of --firmware DIR.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { boardRulesOf, repoRoot } from '../config';
import { ConfigError, describeError } from '../errors';
import { analyzeFirmware, expectFromReport, isVariantName, parseVariantManifest, VARIANT_NAME, VARIANT_NAME_RULE, variantsForPort } from '../firmware';
import type { SessionSpec, VariantExpect, VariantPlan } from './types';

/** firmware/variants.yaml of this checkout */
export const MANIFEST_FILE = path.join(repoRoot(), 'firmware', 'variants.yaml');

/** the name a variant is deployed under in /lib/firmware */
export function deployedName(variant: string): string {
  return `rproc-hil-${variant}.elf`;
}

/** larger than any coprocessor memory: such a file is not M4/M33 firmware (and is not read into memory) */
const MAX_ELF_BYTES = 64 * 1024 * 1024;

function readElf(file: string, variant: string): Uint8Array {
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_ELF_BYTES) throw new ConfigError(`firmware variant ${variant}: ${file} is ${size} bytes, more than any coprocessor image (limit ${MAX_ELF_BYTES}); check the path`, { file, variant });
    return fs.readFileSync(file);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ConfigError(
      missing
        ? `firmware variant ${variant}: ${file} does not exist; build the test firmware with \`npm run firmware\` (make -C firmware) or pass --firmware DIR`
        : `firmware variant ${variant}: cannot read ${file}: ${describeError(e)}`,
      { file, variant },
      { cause: e },
    );
  }
}

function plan(spec: SessionSpec, name: string, elfPath: string, expect: (report: VariantPlan['report']) => VariantExpect): VariantPlan {
  const bytes = readElf(elfPath, name);
  const report = analyzeFirmware(bytes, { file: elfPath, board: boardRulesOf(spec.profile) });
  return { name, elfPath, firmwareName: deployedName(name), sha256: report.sha256, report, expect: expect(report) };
}

function builtin(spec: SessionSpec, manifestFile: string): VariantPlan[] {
  let text: string;
  try {
    text = fs.readFileSync(manifestFile, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read the variant manifest ${manifestFile}: ${describeError(e)}`, { file: manifestFile }, { cause: e });
  }
  const manifest = parseVariantManifest(text, manifestFile);
  const port = spec.profile.coprocessor.firmwarePort;
  const soc = spec.profile.soc;
  return variantsForPort(manifest, port).map((v) => {
    const expect = v.expect[soc];
    if (!expect) throw new ConfigError(`${manifestFile}: variant ${v.name} is built for port ${port} but has no expect.${soc}`, { file: manifestFile, keyPath: `variants.${v.name}.expect.${soc}` });
    return plan(spec, v.name, path.join(spec.firmwareDir, `${v.name}.elf`), () => ({ ...expect }));
  });
}

function custom(spec: SessionSpec): VariantPlan[] {
  let files: string[];
  try {
    files = fs.readdirSync(spec.firmwareDir).filter((f) => f.endsWith('.elf')).sort();
  } catch (e) {
    throw new ConfigError(`--firmware ${spec.firmwareDir}: cannot list the directory: ${describeError(e)}`, { file: spec.firmwareDir }, { cause: e });
  }
  if (files.length === 0) throw new ConfigError(`--firmware ${spec.firmwareDir}: no *.elf file in that directory; put the firmware ELF files to test there`, { file: spec.firmwareDir });
  return files.map((f) => {
    const name = f.slice(0, -'.elf'.length);
    const file = path.join(spec.firmwareDir, f);
    if (!VARIANT_NAME.test(name)) {
      throw new ConfigError(`--firmware ${file}: "${name}" cannot be a variant name (it becomes ${deployedName(name)} on the board); rename the file to ${VARIANT_NAME_RULE} + .elf`, { file });
    }
    if (!isVariantName(name)) {
      throw new ConfigError(`--firmware ${file}: "${name}" cannot be a variant name: it contains ".." and the board's firmware loader refuses path walking; rename the file without ".."`, { file });
    }
    return plan(spec, name, path.join(spec.firmwareDir, f), (report) => expectFromReport(report));
  });
}

/** Variants in manifest (builtin) or file-name (custom) order, after the --variant filter; an unknown filter name is a ConfigError. */
export function planVariants(spec: SessionSpec, opts: { manifestFile?: string } = {}): VariantPlan[] {
  const all = spec.firmwareSource === 'custom' ? custom(spec) : builtin(spec, opts.manifestFile ?? MANIFEST_FILE);
  if (spec.variants === null) return all;
  const unknown = spec.variants.filter((n) => !all.some((v) => v.name === n));
  if (unknown.length > 0) {
    const where = spec.firmwareSource === 'custom' ? `in ${spec.firmwareDir}` : `for port ${spec.profile.coprocessor.firmwarePort} in firmware/variants.yaml`;
    throw new ConfigError(`--variant ${unknown.join(', ')}: no such variant ${where}; known: ${all.map((v) => v.name).join(', ')}`, { variants: unknown });
  }
  return all.filter((v) => spec.variants?.includes(v.name));
}
