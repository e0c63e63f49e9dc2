// Test helper: the forms a secret can take in text (raw, JSON-escaped, base64 lines of a key) and a recursive scan of a run directory for them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';

/** A password with shell and JSON specials around a unique core, so partial or escaped leaks are found too. */
export function makePassword(core: string): string {
  return `${core}'"$(x)\`;\\`;
}

/** Needles for one secret: the raw text, its JSON-escaped form, and every substring worth finding (cores, key lines). */
export function needlesOf(secret: string, extra: string[] = []): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), ...extra].filter((s) => s.length >= 8))];
}

/** The base64 body lines of a PEM/OpenSSH private key: any of them in a log would leak key material. */
export function keyNeedles(pem: string): string[] {
  return needlesOf(pem, pem.split('\n').map((l) => l.trim()).filter((l) => /^[A-Za-z0-9+/=]{16,}$/.test(l)));
}

/** Every file under `dir` (recursively) that holds one of the needles, with the needle found. */
export function filesHolding(dir: string, needles: string[]): { file: string; needle: string }[] {
  const hits: { file: string; needle: string }[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) {
        const text = fs.readFileSync(p).toString('latin1');
        for (const n of needles) if (text.includes(n)) hits.push({ file: path.relative(dir, p), needle: n });
      }
    }
  };
  walk(dir);
  return hits;
}

/** Everything an error shows to a user or a log: message, details, cause chain, stack (what util.inspect prints). */
export function errorText(e: unknown): string {
  return `${inspect(e, { depth: 8 })}\n${JSON.stringify(e, (_k, v: unknown) => (v instanceof Error ? { ...v, message: v.message } : v))}`;
}

/** The files a run directory holds (relative paths), to show that the scan saw the artefacts it claims to cover. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}
