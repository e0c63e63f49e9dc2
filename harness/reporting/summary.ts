// summary.json (DESIGN §4.3): written atomically by `hil`; `gate` reads it back to replace its verdict.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, describeError } from '../errors';
import type { RunSummary } from './types';

export function summaryPath(outDir: string): string {
  return path.join(outDir, 'summary.json');
}

export function writeSummary(outDir: string, s: RunSummary): void {
  const file = summaryPath(outDir);
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/** The run's summary, or undefined when the run directory has none yet. */
export function readSummary(outDir: string): RunSummary | undefined {
  const file = summaryPath(outDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError('E_IO', `cannot read ${file}: ${describeError(e)}`, { file }, { cause: e });
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new InputError('E_IO', `${file} is not valid JSON (${describeError(e)}); delete it and the gate writes a new one`, { file }, { cause: e });
  }
  const s = v as Partial<RunSummary> | null;
  if (s === null || typeof s !== 'object' || typeof s.run !== 'object' || s.run === null || !Array.isArray(s.boards)) {
    throw new InputError('E_IO', `${file} is not a run summary (expected keys run, boards, gate); delete it and the gate writes a new one`, { file });
  }
  return s as RunSummary;
}
