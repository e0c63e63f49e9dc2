// Writes one test's evidence directory (console slice, dmesg slice, traces, attachments) and its index.json.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EvidenceFile, EvidenceIndex, TestStatus } from '../reporting/types';
import type { Attachment } from './state';

export interface EvidenceInput {
  /** `<out>/evidence/<board>` */
  evidenceDir: string;
  id: string;
  board: string;
  status: TestStatus;
  files: Attachment[];
}

/** a plain file name: directories stripped, unusual characters replaced, never empty or hidden */
export function safeName(name: string): string {
  const base = path.basename(name).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '');
  return (base === '' ? 'attachment' : base).slice(0, 120);
}

/** writes the files and index.json; returns the index path */
export function writeEvidence(o: EvidenceInput): string {
  const dir = path.join(o.evidenceDir, ...o.id.split('/'));
  fs.rmSync(dir, { recursive: true, force: true }); // a retried test keeps only its final attempt's evidence
  fs.mkdirSync(dir, { recursive: true });
  const files: EvidenceFile[] = [];
  const taken = new Set<string>(['index.json']);
  for (const f of o.files) {
    let name = safeName(f.name);
    for (let n = 2; taken.has(name); n++) name = `${n}-${safeName(f.name)}`;
    taken.add(name);
    fs.writeFileSync(path.join(dir, name), f.data);
    files.push({ name, kind: f.kind, bytes: f.data.length, sha256: createHash('sha256').update(f.data).digest('hex') });
  }
  const index: EvidenceIndex = { id: o.id, board: o.board, status: o.status, files };
  const file = path.join(dir, 'index.json');
  fs.writeFileSync(file, `${JSON.stringify(index, null, 2)}\n`);
  return file;
}
