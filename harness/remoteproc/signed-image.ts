// MP25 TEE mode (reference/firmware.md §7): read `fw_format`, sign the ELF on the host with the profile's command.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InfraError } from '../errors';
import type { RprocContext } from './rproc-context';
import { shq } from './shell-words';

export type FirmwareFormat = 'ELF' | 'TEE';

/** `fw_format` exists on ST kernels only (remoteproc.md §7.3); undefined where the kernel has no such file. */
export async function readFirmwareFormat(ctx: RprocContext): Promise<FirmwareFormat | undefined> {
  const inst = await ctx.find();
  const file = `${inst.sysfs}/fw_format`;
  const r = await ctx.exec(`test -e ${shq(file)} && cat ${shq(file)}`);
  if (r.code !== 0) return undefined;
  const word = r.stdout.trim();
  if (word === 'ELF' || word === 'TEE') return word;
  throw new InfraError('E_REMOTE', `${file} on ${ctx.board} read ${JSON.stringify(word.slice(0, 40))}; expected ELF or TEE (reference/firmware.md §7)`, { file, text: word });
}

function runHost(command: string, timeoutMs: number): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', command], { timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (err, _stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stderr: String(stderr) });
    });
  });
}

/**
 * The image the board loads: the ELF itself, or, when the profile's format is `tee-signed` (or the kernel reports
 * fw_format TEE), the output of the profile's signCommand with `{in}`/`{out}` replaced by quoted host paths.
 */
export async function imageFor(ctx: RprocContext, elf: Uint8Array): Promise<{ bytes: Uint8Array; format: FirmwareFormat }> {
  const kernel = await readFirmwareFormat(ctx);
  const wantsSigned = ctx.profile.firmware.format === 'tee-signed';
  if (kernel === 'TEE' && !wantsSigned) {
    throw new InfraError('E_REMOTE', `${ctx.board} loads signed firmware only (fw_format TEE) but its profile says firmware.format: elf; set format: tee-signed and a signCommand (reference/firmware.md §7)`, { board: ctx.board });
  }
  if (!wantsSigned) return { bytes: elf, format: 'ELF' };
  const template = ctx.profile.firmware.signCommand ?? '';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rproc-hil-sign-'));
  try {
    const input = path.join(dir, 'firmware.elf');
    const output = path.join(dir, 'firmware_sign.bin');
    fs.writeFileSync(input, elf);
    const command = template.replaceAll('{in}', shq(input)).replaceAll('{out}', shq(output));
    const r = await runHost(command, ctx.profile.timeouts.upload);
    if (r.code !== 0 || !fs.existsSync(output)) {
      const why = r.stderr.trim().split('\n').slice(-5).join('\n') || (r.code === 0 ? 'it wrote no output file' : `exit ${r.code}`);
      throw new InfraError('E_TOOL', `signing the firmware for ${ctx.board} failed: ${command}\n${why}\nCheck the profile's firmware.signCommand, the key path, and that sign_rproc_fw.py's Python deps (pycryptodomex, pyelftools) are installed`, { board: ctx.board, command, code: r.code });
    }
    return { bytes: new Uint8Array(fs.readFileSync(output)), format: 'TEE' };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
