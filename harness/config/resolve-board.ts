// Resolves `--board X` (DESIGN §3): an inventory instance, else a profile, else an alias (mp157/mp257) -> first free instance.
import * as path from 'node:path';
import { ConfigError, InfraError } from '../errors';
import type { FarmInstance, FarmInventory } from './inventory-schema';
import { loadInventory } from './load-inventory';
import { defaultBoardsDir, listProfiles, loadProfile } from './load-profile';
import { closest, displayPath } from './problems';
import type { BoardProfile, Soc } from './profile-schema';

export interface ResolvedBoard {
  /** instance name, or profile name for a board without an instance (virtual boards, `rsc lint --board TYPE`) */
  name: string;
  profile: BoardProfile;
  instance?: FarmInstance;
  /** how the spec matched */
  via?: 'instance' | 'profile' | 'alias';
}

export interface ResolveOptions {
  /** farm inventory file (default: env HIL_FARM) */
  farmFile?: string;
  boardsDir?: string;
  /** whether an instance is free (not leased); default: every instance is free */
  isFree?: (instance: string) => boolean | Promise<boolean>;
  /** instances an alias must not pick (already chosen for this run) */
  exclude?: readonly string[];
}

/** Aliases that pick the first free instance of a SoC. */
export const BOARD_ALIASES: Readonly<Record<string, Soc>> = { mp157: 'stm32mp15', mp257: 'stm32mp25' };

const SPEC = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function virtualBoardNames(boardsDir: string = defaultBoardsDir()): string[] {
  return listProfiles(boardsDir).filter((n) => /^(virtual|twin)-/.test(n));
}

function noFarmMessage(spec: string, boardsDir: string): string {
  const virtual = virtualBoardNames(boardsDir);
  return (
    `board "${spec}" is not a board profile, and no farm inventory was given to look it up as an instance or alias: ` +
    'pass --farm FILE or set HIL_FARM to your farm inventory (boards/farm.example.yaml shows the form). ' +
    `Without hardware, use a virtual board: ${virtual.map((v) => `--board ${v}`).join(', ')}.`
  );
}

function unknownSpecMessage(spec: string, inv: FarmInventory, boardsDir: string): string {
  const instances = inv.instances.map((i) => i.name);
  const profiles = listProfiles(boardsDir);
  const guess = closest(spec, [...instances, ...profiles, ...Object.keys(BOARD_ALIASES)]);
  return (
    `unknown board "${spec}"${guess ? ` (did you mean "${guess}"?)` : ''}: it is no instance in ${displayPath(inv.file)} ` +
    `(${instances.join(', ') || 'none'}), no profile (${profiles.join(', ')}) and no alias (${Object.keys(BOARD_ALIASES).join(', ')}).`
  );
}

async function pickByAlias(spec: string, soc: Soc, inv: FarmInventory, boardsDir: string, opts: ResolveOptions): Promise<ResolvedBoard> {
  const profiles = new Map<string, BoardProfile>();
  const candidates: Array<{ instance: FarmInstance; profile: BoardProfile }> = [];
  for (const instance of inv.instances) {
    const profile = profiles.get(instance.type) ?? loadProfile(instance.type, { boardsDir });
    profiles.set(instance.type, profile);
    if (profile.soc === soc) candidates.push({ instance, profile });
  }
  if (candidates.length === 0) {
    throw new ConfigError(
      `alias "${spec}" needs a ${soc} board, but ${displayPath(inv.file)} has none (instances: ${inv.instances.map((i) => `${i.name} (${i.type})`).join(', ') || 'none'}). Add one or name a board.`,
      { file: inv.file, alias: spec, soc },
    );
  }
  const excluded = new Set(opts.exclude ?? []);
  const busy: string[] = [];
  for (const c of candidates) {
    if (excluded.has(c.instance.name)) continue;
    if (opts.isFree && !(await opts.isFree(c.instance.name))) {
      busy.push(c.instance.name);
      continue;
    }
    return { name: c.instance.name, profile: c.profile, instance: c.instance, via: 'alias' };
  }
  const taken = candidates.filter((c) => excluded.has(c.instance.name)).map((c) => c.instance.name);
  throw new InfraError(
    'E_LEASE',
    `no free ${soc} board for "${spec}": ${[...busy.map((b) => `${b} is leased`), ...taken.map((t) => `${t} is already used in this run`)].join(', ')}. ` +
      'Try again later, or name one instance with --board to wait for its lease (--lease-wait).',
    { alias: spec, soc, busy, taken },
  );
}

export async function resolveBoard(spec: string, opts: ResolveOptions = {}): Promise<ResolvedBoard> {
  const boardsDir = path.resolve(opts.boardsDir ?? defaultBoardsDir());
  const farmFile = opts.farmFile ?? (process.env.HIL_FARM || undefined);
  const trimmed = spec.trim();
  if (trimmed.includes('/') || /\.ya?ml$/.test(trimmed)) {
    const profile = loadProfile(trimmed, { boardsDir });
    return { name: profile.name, profile, via: 'profile' };
  }
  if (!SPEC.test(trimmed)) {
    throw new ConfigError(`invalid board name ${JSON.stringify(spec)}: expected an instance, profile or alias name (letters, digits, . _ -)`, { spec });
  }
  const inv = farmFile ? loadInventory(farmFile, { boardsDir }) : undefined;
  const instance = inv?.instances.find((i) => i.name === trimmed);
  if (instance) return { name: instance.name, profile: loadProfile(instance.type, { boardsDir }), instance, via: 'instance' };
  if (listProfiles(boardsDir).includes(trimmed)) return { name: trimmed, profile: loadProfile(trimmed, { boardsDir }), via: 'profile' };
  const soc = Object.prototype.hasOwnProperty.call(BOARD_ALIASES, trimmed) ? BOARD_ALIASES[trimmed] : undefined;
  if (!inv) throw new ConfigError(noFarmMessage(trimmed, boardsDir), { spec: trimmed, boardsDir });
  if (soc) return pickByAlias(trimmed, soc, inv, boardsDir, opts);
  throw new ConfigError(unknownSpecMessage(trimmed, inv, boardsDir), { spec: trimmed, file: inv.file });
}

/** Resolves a comma-separated `--board` list; aliases pick distinct instances, duplicates are dropped. */
export async function resolveBoards(specs: string | readonly string[], opts: ResolveOptions = {}): Promise<ResolvedBoard[]> {
  const list = (typeof specs === 'string' ? specs.split(',') : specs.flatMap((s) => s.split(','))).map((s) => s.trim()).filter((s) => s !== '');
  const out: ResolvedBoard[] = [];
  for (const spec of list) {
    const board = await resolveBoard(spec, { ...opts, exclude: [...(opts.exclude ?? []), ...out.map((b) => b.name)] });
    if (!out.some((b) => b.name === board.name)) out.push(board);
  }
  return out;
}
