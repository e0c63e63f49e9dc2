// Board-level failures of a jest process: `.work/<board>/infra.json` = { code, message } and the exit code the parent reads.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** error codes that are infrastructure, not test, failures (JUnit `<error>`) */
export const INFRA_CODES: ReadonlySet<string> = new Set(['E_TRANSPORT', 'E_HOSTKEY', 'E_LEASE', 'E_TOOL', 'E_IO']);
/** codes that mean the board itself is gone for the rest of the run */
export const BOARD_LOST_CODES: ReadonlySet<string> = new Set(['E_TRANSPORT', 'E_HOSTKEY', 'E_LEASE']);

export const EXIT_CONFIG = 2;
export const EXIT_INFRA = 3;

export interface InfraReport {
  code: string;
  message: string;
}

/** the `code` of a thrown value from any realm (never instanceof: errors cross the jest vm boundary) */
export function codeOf(e: unknown): string | undefined {
  if (e !== null && typeof e === 'object' && 'code' in e) {
    const c = (e as { code: unknown }).code;
    if (typeof c === 'string') return c;
  }
  return undefined;
}

export function messageOf(e: unknown): string {
  if (e !== null && typeof e === 'object' && 'message' in e && typeof (e as { message: unknown }).message === 'string') return (e as { message: string }).message;
  return String(e);
}

export function infraFile(workDir: string): string {
  return path.join(workDir, 'infra.json');
}

export function writeInfra(workDir: string, report: InfraReport): void {
  fs.mkdirSync(workDir, { recursive: true });
  fs.writeFileSync(infraFile(workDir), `${JSON.stringify(report)}\n`);
}

/** infra.json of a finished child, or undefined when it wrote none (or it is unreadable) */
export function readInfra(workDir: string): InfraReport | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(infraFile(workDir), 'utf8')) as Partial<InfraReport>;
    return typeof v.code === 'string' && typeof v.message === 'string' ? { code: v.code, message: v.message } : undefined;
  } catch {
    return undefined;
  }
}
