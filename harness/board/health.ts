// Health check of a board before a run: SSH answers, the remoteproc instance exists, compatible matches, /lib/firmware has room.
import { describeError, InfraError } from '../errors';
import type { BoardProfile } from '../config';
import type { CommandRunner, RemoteprocDriver } from '../remoteproc';

export type HealthCheckName = 'ssh' | 'remoteproc' | 'compatible' | 'firmware-space';

export interface HealthCheck {
  name: HealthCheckName;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
}

export interface HealthReport {
  board: string;
  ok: boolean;
  checks: HealthCheck[];
}

export interface HealthOptions {
  board: string;
  profile: BoardProfile;
  runner: CommandRunner;
  remoteproc: RemoteprocDriver;
  /** free space /lib/firmware must have (default 4096 KiB: a few firmware images) */
  minFreeKiB?: number;
}

/** "Available" (KiB) of the last line of `df -Pk` output (coreutils and busybox print the same POSIX columns). */
export function parseDfAvailableKiB(text: string): number | undefined {
  const lines = text.trim().split('\n');
  if (lines.length < 2 || !/^Filesystem\s/.test(lines[0] ?? '')) return undefined;
  const fields = (lines[lines.length - 1] ?? '').trim().split(/\s+/);
  const avail = Number(fields[3]);
  return fields.length >= 6 && Number.isInteger(avail) && avail >= 0 ? avail : undefined;
}

export async function checkHealth(o: HealthOptions): Promise<HealthReport> {
  const timeoutMs = o.profile.timeouts.exec;
  const exec = (command: string) => o.runner.exec(command, { phase: 'health check', timeoutMs });
  const checks: HealthCheck[] = [];
  const done = (): HealthReport => ({ board: o.board, ok: checks.every((c) => c.status !== 'fail'), checks });

  try {
    const r = await exec('true');
    checks.push(r.code === 0 ? { name: 'ssh', status: 'pass', detail: 'the board runs commands' } : { name: 'ssh', status: 'fail', detail: `\`true\` exited with ${r.code}` });
  } catch (e) {
    checks.push({ name: 'ssh', status: 'fail', detail: describeError(e) });
  }
  if (checks[0]?.status === 'fail') {
    for (const name of ['remoteproc', 'compatible', 'firmware-space'] as const) checks.push({ name, status: 'skip', detail: 'the board does not answer commands' });
    return done();
  }

  try {
    const inst = await o.remoteproc.instance();
    checks.push({ name: 'remoteproc', status: 'pass', detail: `${inst.id} is "${o.profile.coprocessor.name}"` });
  } catch (e) {
    checks.push({ name: 'remoteproc', status: 'fail', detail: describeError(e) });
  }

  // firmware.md §6: NUL-separated, most specific first; the profile's first entry must be among them
  const want = o.profile.compatible[0] ?? '';
  try {
    const r = await exec('cat /proc/device-tree/compatible');
    const found = r.stdout.split(/[\0\n]/).filter((s) => s.length > 0);
    if (r.code !== 0) checks.push({ name: 'compatible', status: 'fail', detail: `reading /proc/device-tree/compatible failed: ${r.stderr.trim() || `exit ${r.code}`}` });
    else if (found.includes(want)) checks.push({ name: 'compatible', status: 'pass', detail: `"${want}" is in ${found.join(', ')}` });
    else checks.push({ name: 'compatible', status: 'fail', detail: `the board's compatible is ${found.join(', ') || '(empty)'}, not "${want}" of profile ${o.profile.name}; is the inventory type right for this board?` });
  } catch (e) {
    checks.push({ name: 'compatible', status: 'fail', detail: describeError(e) });
  }

  const minKiB = o.minFreeKiB ?? 4096;
  try {
    const r = await exec('df -Pk /lib/firmware');
    const avail = r.code === 0 ? parseDfAvailableKiB(r.stdout) : undefined;
    if (r.code === 127) checks.push({ name: 'firmware-space', status: 'skip', detail: 'the board has no df command; free space in /lib/firmware not checked' });
    else if (avail === undefined) checks.push({ name: 'firmware-space', status: 'fail', detail: `df -Pk /lib/firmware gave no free space figure: ${(r.stderr || r.stdout).trim().slice(0, 200)}` });
    else if (avail < minKiB) checks.push({ name: 'firmware-space', status: 'fail', detail: `/lib/firmware has ${avail} KiB free, below the ${minKiB} KiB needed; remove old images from /lib/firmware` });
    else checks.push({ name: 'firmware-space', status: 'pass', detail: `${avail} KiB free in /lib/firmware` });
  } catch (e) {
    checks.push({ name: 'firmware-space', status: 'fail', detail: describeError(e) });
  }
  return done();
}

/** Throws an InfraError listing every failed check (E_TRANSPORT when SSH itself failed, else E_REMOTE). */
export function assertHealthy(report: HealthReport): HealthReport {
  const failed = report.checks.filter((c) => c.status === 'fail');
  if (failed.length === 0) return report;
  const code = failed.some((c) => c.name === 'ssh') ? 'E_TRANSPORT' : 'E_REMOTE';
  const list = failed.map((c) => `${c.name}: ${c.detail}`).join('; ');
  throw new InfraError(code, `board ${report.board} failed its health check (${failed.length} of ${report.checks.length}): ${list}`, { board: report.board, failed: failed.map((c) => c.name), report });
}
