// ci/known-failures.yaml: a reviewed list of failures the release gate tolerates until their expiry date.
import { closest, describeValue, displayPath } from '../config/problems';
import { parseYamlText, readYamlFile } from '../config/yaml-file';
import { ConfigError } from '../errors';
import type { KnownFailure } from './types';

const KEYS = ['id', 'board', 'reason', 'issue', 'expires'] as const;
const MAX_PROBLEMS = 20;
const ID_GLOB = /^[A-Za-z0-9_.*?/-]+$/;
const BOARD_GLOB = /^[A-Za-z0-9_.*?-]+$/;
/** a URL, `project#123` / `#123`, or a tracker key such as `HIL-42` */
const ISSUE = /^(?:https?:\/\/\S+|[\w./-]*#\d+|[A-Z][A-Z0-9]+-\d+)$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

const HINT = 'Each entry is: - { id: <suite>/<variant>/<slug glob>, board: <glob, default *>, reason: text, issue: URL, expires: YYYY-MM-DD }';

export function loadKnownFailures(file: string): KnownFailure[] {
  return validateKnownFailures(readYamlFile(file), file);
}

/** Same as loadKnownFailures for text already in memory (`file` names it in messages). */
export function parseKnownFailures(text: string, file: string): KnownFailure[] {
  return validateKnownFailures(parseYamlText(text, file), file);
}

function validateKnownFailures(data: unknown, file: string): KnownFailure[] {
  const where = displayPath(file);
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data)) {
    throw new ConfigError(`${where}: expected a list of known-failure entries, found ${describeValue(data)}\n${HINT}`, { file });
  }
  const problems: string[] = [];
  const entries: KnownFailure[] = [];
  const seen = new Map<string, number>();
  data.forEach((raw: unknown, i) => {
    const label = entryLabel(raw, i);
    const bad = (key: string, expected: string, found: unknown, hint?: string): void => {
      problems.push(`${where}: ${label}, key ${key}: expected ${expected}, found ${describeValue(found)}${hint ? ` (${hint})` : ''}`);
    };
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(`${where}: ${label}: expected a mapping with keys ${KEYS.join(', ')}, found ${describeValue(raw)}`);
      return;
    }
    const e = raw as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if ((KEYS as readonly string[]).includes(key)) continue;
      const guess = closest(key, KEYS);
      problems.push(`${where}: ${label}: unknown key "${key}" (${guess ? `did you mean "${guess}"?` : `known keys: ${KEYS.join(', ')}`})`);
    }
    const before = problems.length;
    const id = e.id;
    if (typeof id !== 'string' || id.trim() === '') bad('id', 'a glob over test ids such as rpmsg/st-default/echo-*', id);
    else if (!ID_GLOB.test(id)) bad('id', 'a glob of letters, digits, . _ - / and the wildcards * ** ?', id);
    else if (id.split('/').length !== 3 && !id.includes('**')) bad('id', 'three parts <suite>/<variant>/<slug> (or ** to span parts)', id, 'ids look like rpmsg/st-default/echo-1-byte');
    const board = e.board ?? '*';
    if (typeof board !== 'string' || !BOARD_GLOB.test(board)) bad('board', 'a glob over board names such as twin-* (letters, digits, . _ - * ?)', e.board);
    if (typeof e.reason !== 'string' || e.reason.trim() === '') bad('reason', 'a sentence saying why this failure is tolerated', e.reason);
    if (typeof e.issue !== 'string' || !ISSUE.test(e.issue.trim())) bad('issue', 'a link to the tracking issue (https://..., project#123 or KEY-123)', e.issue);
    const expires = dayOf(e.expires);
    if (expires === undefined) bad('expires', 'a date YYYY-MM-DD after which the entry stops covering the failure', e.expires);
    if (problems.length > before) return;
    const entry: KnownFailure = { id: id as string, board: board as string, reason: (e.reason as string).trim(), issue: (e.issue as string).trim(), expires: expires as string };
    const key = `${entry.id}\u0000${entry.board}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(`${where}: ${label} repeats entry ${first + 1} (same id and board); merge them into one entry`);
      return;
    }
    seen.set(key, i);
    entries.push(entry);
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS);
    if (problems.length > MAX_PROBLEMS) shown.push(`... and ${problems.length - MAX_PROBLEMS} more problems`);
    throw new ConfigError(`${shown.join('\n')}\n${HINT}`, { file, problems });
  }
  return entries;
}

function entryLabel(raw: unknown, i: number): string {
  const id = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).id : undefined;
  return typeof id === 'string' ? `entry ${i + 1} (id ${JSON.stringify(id)})` : `entry ${i + 1}`;
}

/** YYYY-MM-DD of a real calendar day; a YAML 1.1 timestamp (Date) is accepted too. */
function dayOf(v: unknown): string | undefined {
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString().slice(0, 10);
  if (typeof v !== 'string') return undefined;
  const m = DAY.exec(v.trim());
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === v.trim() ? v.trim() : undefined;
}

/** `*` and `?` stay inside one `/`-separated part; `**` spans parts. Everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function entryMatches(entry: KnownFailure, board: string, id: string): boolean {
  return globToRegExp(entry.board).test(board) && globToRegExp(entry.id).test(id);
}

/** An entry covers failures up to and including its expiry day (UTC). */
export function isExpired(entry: KnownFailure, now: Date): boolean {
  return now.toISOString().slice(0, 10) > entry.expires;
}
