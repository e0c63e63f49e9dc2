// The gate verdict as a person reads it in a CI log: what blocks the release, what is tolerated, what to clean up.
import type { GateFinding, GateResult } from './types';

const MAX_MESSAGE = 240;

export function formatGate(g: GateResult): string {
  const lines: string[] = [];
  const blocking = g.newFailures.length + g.expired.length;
  lines.push(g.verdict === 'pass'
    ? `gate: PASS${g.knownFailures.length > 0 ? ` with ${plural(g.knownFailures.length, 'known failure')} (warning)` : ''}`
    : `gate: FAIL (${plural(blocking, 'blocking failure')})`);
  section(lines, 'new failures (block the release)', 'FAIL', g.newFailures, (f) => f.message ?? '');
  section(lines, 'expired known failures (the entry no longer covers the failure: fix the test or renew the entry)', 'FAIL', g.expired,
    (f) => `entry ${quote(f.entry?.id)} expired ${f.entry?.expires ?? '?'} (${f.entry?.issue ?? 'no issue'}): ${f.message ?? ''}`);
  section(lines, 'known failures (tolerated until their entry expires)', 'WARN', g.knownFailures,
    (f) => `${f.entry?.reason ?? ''} (${f.entry?.issue ?? 'no issue'}, until ${f.entry?.expires ?? '?'})`);
  section(lines, 'flaky (passed only on a retry)', 'FLAKY', g.flaky, (f) => f.message ?? '');
  section(lines, 'fixed (the known failure passes now: delete its entry from the known-failures file)', 'FIXED', g.fixed,
    (f) => `${f.message ?? ''} (${f.entry?.issue ?? ''})`);
  return `${lines.join('\n')}\n`;
}

function section(lines: string[], title: string, tag: string, findings: readonly GateFinding[], detail: (f: GateFinding) => string): void {
  if (findings.length === 0) return;
  lines.push('', `${title}: ${findings.length}`);
  const boardWidth = Math.max(...findings.map((f) => f.board.length));
  for (const f of findings) {
    const text = oneLine(detail(f));
    lines.push(`  ${tag.padEnd(5)} ${f.board.padEnd(boardWidth)}  ${f.id}${text === '' ? '' : `  ${text}`}`);
  }
}

function oneLine(s: string): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 3)}...` : line;
}

function quote(s: string | undefined): string {
  return s === undefined ? '?' : JSON.stringify(s);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
