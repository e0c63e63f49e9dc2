// Firmware deploy: skip identical files (sha256 on the board), upload to a temporary name, verify, rename.
import { createHash } from 'node:crypto';
import { describeError, InfraError } from '../errors';
import type { RprocContext } from './rproc-context';
import { checkFirmwareName, shq } from './shell-words';

export interface DeployResult {
  path: string;
  sha256: string;
  /** the board already had these exact bytes under this name */
  skipped: boolean;
  /** uploads made (2 when the first arrived corrupted) */
  uploads: number;
}

async function remoteSha(ctx: RprocContext, path: string): Promise<string | undefined> {
  const r = await ctx.exec(`sha256sum ${shq(path)}`, 'upload');
  return r.code === 0 ? /^([0-9a-f]{64})\s/.exec(r.stdout)?.[1] : undefined;
}

function isNoSpace(text: string): boolean {
  return /ENOSPC|No space left on device/.test(text);
}

async function upload(ctx: RprocContext, bytes: Uint8Array, path: string): Promise<void> {
  const timeoutMs = ctx.profile.timeouts.upload;
  let failure: string | undefined;
  if (ctx.files) {
    try {
      await ctx.files.upload(bytes, path, { mode: 0o644, phase: 'upload', timeoutMs });
    } catch (e) {
      failure = describeError(e);
      if (!isNoSpace(failure)) throw e;
    }
  } else {
    const r = await ctx.exec(`cat > ${shq(path)}`, 'upload', timeoutMs, bytes);
    if (r.code !== 0) failure = r.stderr.trim() || `exit ${r.code}`;
  }
  if (failure === undefined) return;
  await ctx.exec(`rm -f ${shq(path)}`, 'upload').catch(() => undefined);
  if (isNoSpace(failure)) {
    throw new InfraError('E_REMOTE', `no space left in /lib/firmware on ${ctx.board} for ${bytes.length} bytes: remove old firmware files there (ls -l /lib/firmware) and deploy again`, { board: ctx.board, path, bytes: bytes.length, errnoName: 'ENOSPC' });
  }
  throw new InfraError('E_REMOTE', `upload of ${path} to ${ctx.board} failed: ${failure}`, { board: ctx.board, path });
}

export async function deployFirmware(ctx: RprocContext, bytes: Uint8Array, name: string): Promise<DeployResult> {
  checkFirmwareName(name);
  const path = `/lib/firmware/${name}`;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if ((await remoteSha(ctx, path)) === sha256) return { path, sha256, skipped: true, uploads: 0 };
  // a temporary name, so a start racing the upload never loads half a file
  const tmp = `/lib/firmware/.${name}.rproc-hil-tmp`;
  let uploads = 0;
  let got: string | undefined;
  while (uploads < 2) {
    await upload(ctx, bytes, tmp);
    uploads++;
    got = await remoteSha(ctx, tmp);
    if (got === sha256) break;
  }
  if (got !== sha256) {
    await ctx.exec(`rm -f ${shq(tmp)}`, 'upload').catch(() => undefined);
    throw new InfraError('E_REMOTE', `firmware ${name} arrived corrupted on ${ctx.board} twice (sha256 ${got ?? 'unreadable'}, expected ${sha256}); check the link and the free space in /lib/firmware`, { board: ctx.board, path, expected: sha256, got });
  }
  const mv = await ctx.exec(`mv -f ${shq(tmp)} ${shq(path)}`, 'upload');
  if (mv.code !== 0) throw new InfraError('E_REMOTE', `renaming ${tmp} to ${path} on ${ctx.board} failed: ${mv.stderr.trim()}`, { board: ctx.board, path });
  return { path, sha256, skipped: false, uploads };
}
