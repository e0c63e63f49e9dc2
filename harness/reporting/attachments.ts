// Which `[[ATTACHMENT|path]]` lines a test case gets, and how the paths are written for the CI system that reads them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EvidenceIndex } from './types';

/**
 * How attachment paths are written (env `HIL_ATTACHMENT_BASE`, or the `attachmentBase` option of finalizeBoard):
 * - unset or `run`: relative to the run directory (`evidence/<board>/<id>/index.json`), the CONTRACT-6 default; the
 *   run directory can be moved or archived as a whole and the links still hold;
 * - `absolute`: absolute paths on the runner, what Jenkins' JUnit Attachments plugin reads;
 * - any other value: a directory the paths are made relative to, e.g. `$CI_PROJECT_DIR` for GitLab, which resolves
 *   attachments against the project directory of the job's artifacts.
 */
export type AttachmentBase = string | undefined;

export function attachmentPath(outDir: string, relToRun: string, base: AttachmentBase): string {
  const abs = path.resolve(outDir, relToRun);
  if (base === undefined || base === '' || base === 'run') return toPosix(relToRun);
  if (base === 'absolute') return abs;
  const rel = path.relative(path.resolve(base), abs);
  // outside the base directory a relative link cannot resolve: an absolute path is the only honest one
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : toPosix(rel);
}

/**
 * The evidence index first (GitLab keeps only the first attachment of a case), then one line per evidence file
 * (Jenkins archives each). `evidence` is the index path relative to the run directory; when the record has none the
 * conventional `evidence/<board>/<id>/index.json` is used if it exists.
 */
export function attachmentsFor(outDir: string, board: string, id: string, evidence: string | undefined, base: AttachmentBase): string[] {
  const rel = evidence ?? path.posix.join('evidence', board, id, 'index.json');
  const abs = path.resolve(outDir, rel);
  if (!fs.existsSync(abs)) return [];
  const lines = [attachmentPath(outDir, rel, base)];
  for (const name of evidenceFiles(abs)) lines.push(attachmentPath(outDir, path.posix.join(path.posix.dirname(toPosix(rel)), name), base));
  return lines;
}

function evidenceFiles(indexFile: string): string[] {
  try {
    const index = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as Partial<EvidenceIndex>;
    if (!Array.isArray(index.files)) return [];
    const dir = path.dirname(indexFile);
    return index.files
      .map((f) => (f !== null && typeof f === 'object' && typeof f.name === 'string' ? f.name : ''))
      // a name that climbs out of the test's directory is not evidence of this test
      .filter((n) => n !== '' && !n.includes('..') && !path.isAbsolute(n) && fs.existsSync(path.join(dir, n)));
  } catch {
    return []; // the index itself is still attached, and it shows what is wrong with it
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
