// What one test leaves behind: console and dmesg slices since its start, the trace files present at its end, its attachments.
import * as path from 'node:path';
import type { DmesgMark } from '../remoteproc';
import type { TestRecord } from '../reporting/types';
import type { ConsoleCursor } from '../transports';
import { writeEvidence } from './evidence';
import type { Attachment, GlueState } from './state';
import type { SessionSpec } from './types';

/** where a test began: console cursor, dmesg mark (undefined when the board could not be read) */
export interface Started {
  at: string;
  console: ConsoleCursor | undefined;
  dmesg: DmesgMark | undefined;
}

function text(name: string, kind: Attachment['kind'], s: string): Attachment {
  return { name, kind, data: Buffer.from(s, 'utf8') };
}

/** Reads the board's side of the evidence; never throws (a lost board leaves only what the host has). */
export async function collectEvidence(glue: GlueState, started: Started, attachments: Attachment[]): Promise<Attachment[]> {
  const s = glue.session;
  const files: Attachment[] = [];
  if (s.console && started.console) files.push(text('console.log', 'console', s.console.since(started.console)));
  if (started.dmesg && !glue.infra) {
    const lines = await s.remoteproc.since(started.dmesg).catch(() => undefined);
    if (lines) files.push(text('dmesg.log', 'dmesg', lines.map((l) => `${l.raw}\n`).join('')));
  }
  if (!glue.infra) {
    const traces = await s.remoteproc.listTraces().catch(() => [] as string[]);
    for (const t of traces) {
      const index = Number(/trace(\d+)$/.exec(t)?.[1] ?? -1);
      if (index < 0) continue;
      const content = await s.remoteproc.readTrace(index).catch(() => undefined);
      if (content !== undefined) files.push(text(`trace${index}.log`, 'trace', content));
    }
  }
  return [...files, ...attachments];
}

/** writes the evidence directory and returns index.json's path relative to the run directory */
export function writeTestEvidence(spec: SessionSpec, rec: TestRecord, files: Attachment[]): string {
  const index = writeEvidence({ evidenceDir: spec.evidenceDir, id: rec.id, board: spec.board, status: rec.status, files });
  return path.relative(spec.outDir, index).split(path.sep).join('/');
}
