// Post-mortem copies of coprocessor memory QEMU does not share (RETRAM, SSRAMs), taken with QMP memsave while the CPU is frozen.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { QmpClient } from './qmp';

/** a region larger than this is not copied (bounded memory; both machines' RAMs are at most 16 MiB) */
const REGION_MAX = 16 * 1024 * 1024;

interface Snapshot {
  name: string;
  da: number;
  bytes: Buffer;
}

export class RegionSnapshots {
  private taken: Snapshot[] = [];

  constructor(
    private readonly regions: Array<{ name: string; da: number; size: number }>,
    private readonly dir: string,
    private readonly prefix: string,
  ) {}

  /**
   * memsave (the CPU's view) of every hidden region: pmemsave reads the bus without the core's Secure attribute and
   * returns zeros for the an505 secure aliases (measured); a failed region is left out.
   */
  async take(qmp: QmpClient, timeoutMs: number): Promise<void> {
    const next: Snapshot[] = [];
    for (const r of this.regions.filter((x) => x.size <= REGION_MAX)) {
      const file = path.join(this.dir, `${this.prefix}-${r.name}.bin`);
      try {
        await qmp.execute('memsave', { val: r.da, size: r.size, filename: file }, { phase: `snapshot ${r.name}`, timeoutMs });
        next.push({ name: r.name, da: r.da, bytes: fs.readFileSync(file) });
      } catch {
        // QEMU gone or region unreadable: readMemory answers null there, as for unbacked memory
      } finally {
        fs.rmSync(file, { force: true });
      }
    }
    this.taken = next;
  }

  clear(): void {
    this.taken = [];
  }

  read(da: number, len: number): Uint8Array | null {
    for (const s of this.taken) {
      if (da >= s.da && da + len <= s.da + s.bytes.length) return new Uint8Array(s.bytes.subarray(da - s.da, da - s.da + len));
    }
    return null;
  }
}
