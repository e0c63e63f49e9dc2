// Test ids (`<suite>/<variant>/<slug>`), failure classification by error code, and the records.jsonl writer.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestRecord } from '../reporting/types';
import { codeOf, INFRA_CODES, messageOf } from './infra';

/** `rpmsg.spec.ts` → `rpmsg` */
export function suiteOf(testPath: string): string {
  return path.basename(testPath).replace(/\.(spec|test)\.[cm]?[jt]s$/, '').replace(/\.[cm]?[jt]s$/, '');
}

/** title lowercased, runs of non [a-z0-9] → `-`, trimmed, at most 80 chars */
export function slugOf(title: string): string {
  const s = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const cut = s.slice(0, 80).replace(/-+$/, '');
  return cut === '' ? 'test' : cut;
}

/** variant = the outermost describe title when it is a planned variant name, else `_` */
export function variantOf(titlePath: string[], variants: readonly string[]): string {
  const outer = titlePath.length > 1 ? titlePath[0] : undefined;
  return outer !== undefined && variants.includes(outer) ? outer : '_';
}

/** a stable id, made unique within the run by a `-2`, `-3` … suffix on a repeated slug */
export function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export function plain(text: string): string {
  return text.replace(ANSI, '');
}

export function failureOf(e: unknown): NonNullable<TestRecord['failure']> {
  const code = codeOf(e);
  const stack = e !== null && typeof e === 'object' && typeof (e as { stack?: unknown }).stack === 'string' ? plain((e as { stack: string }).stack) : undefined;
  return {
    kind: code !== undefined && INFRA_CODES.has(code) ? 'error' : 'failure',
    message: plain(messageOf(e)),
    ...(code !== undefined ? { code } : {}),
    ...(stack !== undefined ? { stack } : {}),
  };
}

export function retryOf(e: unknown): TestRecord['retries'][number] {
  const code = codeOf(e);
  return { message: plain(messageOf(e)), ...(code !== undefined ? { code } : {}) };
}

/** one JSON line per record, appended synchronously so a killed run keeps every finished test */
export function appendRecord(workDir: string, record: TestRecord): void {
  fs.appendFileSync(path.join(workDir, 'records.jsonl'), `${JSON.stringify(record)}\n`);
}
