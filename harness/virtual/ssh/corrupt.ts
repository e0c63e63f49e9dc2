// The corrupt-upload fault: flips one byte of a freshly uploaded file so checksum verification must catch it.
import type { VirtualFs } from '../fs/types';

/** Inverts the middle byte of a regular file (an empty file is left alone: there is nothing to corrupt). */
export async function corruptFile(fs: VirtualFs, path: string): Promise<void> {
  if (fs.stat(path)?.type !== 'file') return;
  const data = await fs.readFile(path);
  if (data.length === 0) return;
  const copy = new Uint8Array(data);
  const at = Math.floor(copy.length / 2);
  copy[at] = (copy[at] ?? 0) ^ 0xff;
  await fs.writeFile(path, copy);
}
