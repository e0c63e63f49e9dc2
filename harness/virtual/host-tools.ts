// Finds host tools (socat, qemu-system-arm, setpriv) on PATH without spawning anything: board start-up time counts.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Absolute path of an executable in PATH (or the given path), null when absent. */
export function findExecutable(name: string, envPath = process.env.PATH ?? ''): string | null {
  const candidates = name.includes('/') ? [name] : envPath.split(path.delimiter).filter((d) => d !== '').map((d) => path.join(d, name));
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // not here: try the next PATH entry
    }
  }
  return null;
}
