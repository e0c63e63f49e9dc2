// Device memory of the behavioural coprocessor: the profile's regions, backed by 4 KiB pages allocated on first write.

const PAGE = 4096;

export interface Region {
  name: string;
  da: number;
  size: number;
}

export class SparseMemory {
  private readonly pages = new Map<number, Uint8Array>();

  constructor(private readonly regions: readonly Region[]) {}

  /** true when [da, da+len) lies inside one region */
  backs(da: number, len: number): boolean {
    return this.regions.some((r) => da >= r.da && len >= 0 && da + len <= r.da + r.size);
  }

  /** copy out [da, da+len); null when not inside one region (the kernel's da_to_va fails) */
  read(da: number, len: number): Uint8Array | null {
    if (!Number.isInteger(da) || !Number.isInteger(len) || len < 0 || !this.backs(da, len)) return null;
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const addr = da + done;
      const base = addr - (addr % PAGE);
      const within = addr - base;
      const n = Math.min(PAGE - within, len - done);
      const page = this.pages.get(base);
      if (page) out.set(page.subarray(within, within + n), done);
      done += n;
    }
    return out;
  }

  /** write bytes at da; bytes outside every region are dropped (a bus fault on the real core) */
  write(da: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const addr = da + done;
      const base = addr - (addr % PAGE);
      const within = addr - base;
      const n = Math.min(PAGE - within, data.length - done);
      if (this.backs(addr, n)) {
        let page = this.pages.get(base);
        if (!page) {
          page = new Uint8Array(PAGE);
          this.pages.set(base, page);
        }
        page.set(data.subarray(done, done + n), within);
      }
      done += n;
    }
  }

  /** zero [da, da+len) without allocating pages that are not there yet (.bss clear at reset) */
  zero(da: number, len: number): void {
    let done = 0;
    while (done < len) {
      const addr = da + done;
      const base = addr - (addr % PAGE);
      const within = addr - base;
      const n = Math.min(PAGE - within, len - done);
      this.pages.get(base)?.fill(0, within, within + n);
      done += n;
    }
  }

  /** power-off: everything reads as zero again */
  clear(): void {
    this.pages.clear();
  }

  /** bytes allocated, for the memory benchmark */
  allocatedBytes(): number {
    return this.pages.size * PAGE;
  }
}
