// Where the repository is (bench/ in the sources, dist/bench/ when built) and the builtin firmware images in it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../harness/errors';

/** The repository root: the first directory upwards holding package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

/** firmware/build/<port>/<variant>.elf, built by `npm run firmware`. */
export function builtinFirmware(port: string, variant: string): Uint8Array {
  const file = path.join(repoRoot(), 'firmware', 'build', port, `${variant}.elf`);
  if (!fs.existsSync(file)) {
    throw new InputError('E_IO', `${file} is missing: the benchmarks deploy the builtin test firmware`, { file, hint: 'Build it first: npm run firmware (make -C firmware).' });
  }
  return fs.readFileSync(file);
}
