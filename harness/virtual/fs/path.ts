// Path normalisation shared by the virtual fs, shell and SFTP server (absolute, no `.`/`..`, no double slashes).

/** Normalise `p` against `cwd` (default '/'): resolves `.` and `..`, never climbs above '/'. */
export function normalizePath(p: string, cwd = '/'): string {
  const full = p.startsWith('/') ? p : `${cwd}/${p}`;
  const out: string[] = [];
  for (const part of full.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

export function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

export function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** True when `p` is `root` itself or lies below it. */
export function isUnder(p: string, root: string): boolean {
  return root === '/' || p === root || p.startsWith(`${root}/`);
}
