// Turns zod issues into ConfigErrors whose lines name the file, the key path, what was expected and what was found.
import type { z } from 'zod';
import { ConfigError } from '../errors';

export type KeyPath = ReadonlyArray<PropertyKey>;

export interface ConfigProblem {
  file: string;
  keyPath: string;
  expected: string;
  found: string;
  hint?: string;
}

const MAX_PROBLEMS = 20;

/** `coprocessor.memory[2].size` */
export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** How a value found in a file reads in a message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (value === null) return 'null (an empty value)';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number') return Number.isInteger(value) && value > 9 ? `${value} (0x${value.toString(16).toUpperCase()})` : String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

export function valueAt(data: unknown, path: KeyPath): unknown {
  let cur = data;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

/** Shows a path relative to the working directory when it is inside it. */
export function displayPath(file: string): string {
  const cwd = process.cwd();
  return file.startsWith(cwd + '/') ? file.slice(cwd.length + 1) : file;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestScore) [best, bestScore] = [c, d];
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function expectedOf(issue: z.core.$ZodIssue): string {
  const m = /^Invalid input: expected (\w+)/.exec(issue.message);
  if (m?.[1]) return `a ${m[1]}`;
  return issue.message;
}

export interface ProblemContext {
  /** the data the schema saw (after merging `extends`) */
  data: unknown;
  /** which file a key path came from */
  blame: (path: KeyPath) => string;
  /** keys a mapping at `path` allows, for unknown-key messages */
  allowedKeys: (path: KeyPath) => string[] | undefined;
}

export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], ctx: ProblemContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = ctx.allowedKeys(issue.path) ?? [];
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        const guess = closest(key, allowed);
        problems.push({
          file: ctx.blame(path),
          keyPath: formatKeyPath(path),
          expected: allowed.length > 0 ? `a known key (${allowed.join(', ')})` : 'no such key',
          found: `unknown key "${key}"`,
          hint: guess ? `did you mean "${guess}"?` : 'remove it or fix its spelling',
        });
      }
      continue;
    }
    problems.push({
      file: ctx.blame(issue.path),
      keyPath: formatKeyPath(issue.path),
      expected: expectedOf(issue),
      found: describeValue(valueAt(ctx.data, issue.path)),
    });
  }
  return problems;
}

export function problemLine(p: ConfigProblem): string {
  return `${displayPath(p.file)}: ${p.keyPath}: expected ${p.expected}, found ${p.found}${p.hint ? ` (${p.hint})` : ''}`;
}

/** One ConfigError listing every problem (first 20), ending with what to do. */
export function configErrorOf(problems: ConfigProblem[], hint: string): ConfigError {
  const shown = problems.slice(0, MAX_PROBLEMS).map(problemLine);
  if (problems.length > MAX_PROBLEMS) shown.push(`... and ${problems.length - MAX_PROBLEMS} more problems`);
  const first = problems[0];
  return new ConfigError(`${shown.join('\n')}\n${hint}`, {
    file: first?.file,
    keyPath: first?.keyPath,
    problems: problems.map((p) => ({ ...p })),
  });
}
