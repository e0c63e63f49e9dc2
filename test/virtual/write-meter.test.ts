// The /lib/firmware write meter (harness/virtual/write-meter.ts): counts stored bytes whoever writes them, and nothing else.
import { MemFs } from '../../harness/virtual/fs/memfs';
import { meterWrites } from '../../harness/virtual/write-meter';

const bytes = (n: number): Uint8Array => new Uint8Array(n).fill(0x5a);

function firmwareFs(): MemFs {
  const fs = new MemFs();
  fs.mkdir('/lib/firmware', { recursive: true });
  fs.mkdir('/tmp', { recursive: true });
  return fs;
}

describe('meterWrites', () => {
  test('bytes written into the tree are counted, appends too; a truncating open (0 bytes) is not a write', async () => {
    const fs = firmwareFs();
    const m = meterWrites(fs, '/lib/firmware');
    await fs.writeFile('/lib/firmware/a.elf', new Uint8Array(0));
    await fs.writeFile('/lib/firmware/a.elf', bytes(1000), { append: true });
    await fs.writeFile('/lib/firmware/a.elf', bytes(24), { append: true });
    expect(m.bytes).toBe(1024);
    expect(m.writes).toBe(2);
    expect(m.byFile()).toEqual({ '/lib/firmware/a.elf': 1024 });
    expect((await fs.readFile('/lib/firmware/a.elf')).length).toBe(1024); // the write itself still happens
  });

  test('writes elsewhere, and a rename into the tree (no bytes move), are not counted', async () => {
    const fs = firmwareFs();
    const m = meterWrites(fs, '/lib/firmware/');
    await fs.writeFile('/tmp/x.elf', bytes(500));
    await fs.writeFile('/lib/firmware-old', bytes(7)); // a sibling whose name starts like the tree
    fs.rename('/tmp/x.elf', '/lib/firmware/x.elf');
    expect(m.bytes).toBe(0);
    expect(m.dir).toBe('/lib/firmware');
  });

  test('kernel nodes inside the tree are not storage; a failed write counts nothing; reset starts again', async () => {
    const fs = firmwareFs();
    const m = meterWrites(fs, '/lib/firmware');
    const stored: Uint8Array[] = [];
    fs.setSpecial('/lib/firmware/node', { kind: 'attr', mode: 0o644, write: (d) => void stored.push(d) });
    await fs.writeFile('/lib/firmware/node', bytes(3));
    expect(stored).toHaveLength(1);
    fs.setQuota('/lib/firmware', 10);
    await expect(fs.writeFile('/lib/firmware/big.elf', bytes(64))).rejects.toMatchObject({ errno: 'ENOSPC' });
    expect(m.bytes).toBe(0);
    fs.unlink('/lib/firmware/big.elf');
    await fs.writeFile('/lib/firmware/small.elf', bytes(4));
    expect(m.bytes).toBe(4);
    m.reset();
    expect([m.bytes, m.writes, m.byFile()]).toEqual([0, 0, {}]);
  });
});
