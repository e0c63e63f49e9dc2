// Finds the rproc-hil checkout from any module, whether it runs from the TypeScript sources or from dist/.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The directory holding package.json, boards/ and firmware/ (dist/harness/... and harness/... both resolve to it). */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'boards')) && fs.existsSync(path.join(dir, 'firmware'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.resolve('.');
}
