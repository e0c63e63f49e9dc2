// Loads a board profile by name (boards/<name>.yaml) or path, follows `extends`, validates, applies defaults.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../errors';
import { isPlainObject, mergeLayers, type Layer } from './merge';
import { closest, configErrorOf, describeValue, displayPath, problemsFromIssues } from './problems';
import { profileSchema, type BoardProfile } from './profile-schema';
import { allowedKeysAt } from './schema-keys';
import { readYamlFile } from './yaml-file';

export interface LoadProfileOptions {
  /** directory of the profiles (default: HIL_BOARDS_DIR, else the repository's boards/) */
  boardsDir?: string;
}

const MAX_EXTENDS_DEPTH = 16;
const PROFILE_NAME = /^[a-z0-9][a-z0-9._-]*$/;
const FIX_HINT = 'Fix the profile; the format is described in docs/profiles.md.';

/** The repository's boards/ directory (HIL_BOARDS_DIR overrides it). */
export function defaultBoardsDir(): string {
  const fromEnv = process.env.HIL_BOARDS_DIR;
  if (fromEnv) return path.resolve(fromEnv);
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'boards'))) return path.join(dir, 'boards');
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.resolve('boards');
}

/** Profile names in `boardsDir` (every *.yaml except farm inventories), sorted. */
export function listProfiles(boardsDir: string = defaultBoardsDir()): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(boardsDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.yaml') && !n.startsWith('farm'))
    .map((n) => n.slice(0, -'.yaml'.length))
    .filter((n) => PROFILE_NAME.test(n))
    .sort();
}

function isPathLike(s: string): boolean {
  return s.includes('/') || s.includes(path.sep) || /\.ya?ml$/.test(s);
}

function baseName(file: string): string {
  return path.basename(file).replace(/\.ya?ml$/, '');
}

function unknownProfile(name: string, boardsDir: string): ConfigError {
  const available = listProfiles(boardsDir);
  const guess = closest(name, available);
  return new ConfigError(
    `unknown board profile "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; profiles in ${displayPath(boardsDir)}: ${available.join(', ') || '(none)'}. ` +
      'Give one of these names or the path of a profile file.',
    { name, boardsDir, available },
  );
}

/** File of profile `name`: next to the file that extends it first, then in boardsDir. */
function profileFile(name: string, boardsDir: string, besides?: string): string | undefined {
  const dirs = besides ? [path.dirname(besides), boardsDir] : [boardsDir];
  for (const dir of dirs) {
    const file = path.join(dir, `${name}.yaml`);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

function oneProblem(file: string, keyPath: string, expected: string, found: unknown, foundText?: string): ConfigError {
  return configErrorOf([{ file, keyPath, expected, found: foundText ?? describeValue(found) }], FIX_HINT);
}

/** The chain of files from the root ancestor to `file`. */
function readLayers(file: string, boardsDir: string): Layer[] {
  const layers: Layer[] = [];
  let current: string | undefined = file;
  while (current !== undefined) {
    if (layers.some((l) => l.file === current)) {
      const chain = [...layers.map((l) => baseName(l.file)), baseName(current)].join(' -> ');
      const last = layers[layers.length - 1]?.file ?? current;
      throw oneProblem(last, 'extends', 'a profile that does not (indirectly) extend itself', current, `"${baseName(current)}", a cycle: ${chain}`);
    }
    if (layers.length >= MAX_EXTENDS_DEPTH) throw oneProblem(current, 'extends', `at most ${MAX_EXTENDS_DEPTH} levels of extends`, 'a deeper chain');
    const data = readYamlFile(current);
    if (!isPlainObject(data)) throw oneProblem(current, '(top level)', 'a mapping (key: value lines) describing a board profile', data);
    if (data.name !== undefined && data.name !== baseName(current)) {
      throw oneProblem(current, 'name', `"${baseName(current)}" (the file name without .yaml) or no name key`, data.name);
    }
    layers.push({ file: current, data });
    const parent: unknown = data.extends;
    if (parent === undefined) break;
    if (typeof parent !== 'string' || !PROFILE_NAME.test(parent)) throw oneProblem(current, 'extends', 'the name of another profile in boards/', parent);
    const parentFile = profileFile(parent, boardsDir, current);
    if (parentFile === undefined) {
      throw oneProblem(current, 'extends', `the name of a profile in ${displayPath(boardsDir)} (${listProfiles(boardsDir).join(', ')})`, parent);
    }
    current = parentFile;
  }
  return layers.reverse();
}

export function loadProfileFile(file: string, boardsDir: string): BoardProfile {
  const layers = readLayers(path.resolve(file), boardsDir);
  const merged = mergeLayers(layers);
  const data: Record<string, unknown> = { ...(merged.data as Record<string, unknown>), name: baseName(file) };
  const result = profileSchema.safeParse(data);
  if (result.success) return result.data;
  const problems = problemsFromIssues(result.error.issues, {
    data,
    blame: merged.blame,
    allowedKeys: (p) => allowedKeysAt(profileSchema, p),
  });
  throw configErrorOf(problems, FIX_HINT);
}

/** Loads `boards/<name>.yaml`, or the file at a path (anything with a `/` or ending in .yaml). */
export function loadProfile(nameOrPath: string, opts: LoadProfileOptions = {}): BoardProfile {
  const boardsDir = path.resolve(opts.boardsDir ?? defaultBoardsDir());
  if (isPathLike(nameOrPath)) return loadProfileFile(nameOrPath, boardsDir);
  if (!PROFILE_NAME.test(nameOrPath)) throw unknownProfile(nameOrPath, boardsDir);
  const file = profileFile(nameOrPath, boardsDir);
  if (file === undefined) throw unknownProfile(nameOrPath, boardsDir);
  return loadProfileFile(file, boardsDir);
}
