// Test helper: a temp directory of throwaway spec files that import the suite API by absolute path (never under suites/).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const API = JSON.stringify(path.resolve(__dirname, '..', '..', 'harness', 'jest'));

/** writes `files` (name → source) into a fresh temp dir and returns it */
export function specDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rproc-hil-specs-'));
  for (const [name, src] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), src);
  return dir;
}
