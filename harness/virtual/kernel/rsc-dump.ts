// debugfs `resource_table` and `carveout_memories` text, in the kernel's exact format (remoteproc.md §2).
import type { ResourceTable } from '../../firmware/types';

const x = (n: number) => (n >>> 0).toString(16);

/** rproc_rsc_table_show over the live table; `No resource table found` without one */
export function formatResourceTable(table: ResourceTable | null, pointerDigits = 8): string {
  if (!table) return 'No resource table found\n';
  const out: string[] = [];
  table.entries.forEach((e, i) => {
    switch (e.type) {
      case 'carveout':
      case 'devmem':
        out.push(`Entry ${i} is of type ${e.type}`, `  Device Address 0x${x(e.da)}`, `  Physical Address 0x${x(e.pa)}`,
          `  Length 0x${x(e.len)} Bytes`, `  Flags 0x${x(e.flags)}`, `  Reserved (should be zero) [${e.reserved | 0}]`,
          `  Name ${e.name}`, '');
        break;
      case 'trace':
        out.push(`Entry ${i} is of type trace`, `  Device Address 0x${x(e.da)}`, `  Length 0x${x(e.len)} Bytes`,
          `  Reserved (should be zero) [${e.reserved | 0}]`, `  Name ${e.name}`, '');
        break;
      case 'vdev':
        out.push(`Entry ${i} is of type vdev`, `  ID ${e.id | 0}`, `  Notify ID ${e.notifyId | 0}`,
          `  Device features 0x${x(e.dfeatures)}`, `  Guest features 0x${x(e.gfeatures)}`,
          `  Config length 0x${x(e.configLen)}`, `  Status 0x${x(e.status)}`, `  Number of vrings ${e.numOfVrings}`,
          `  Reserved (should be zero) [${e.reserved[0]}][${e.reserved[1]}]`, '');
        e.vrings.forEach((v, j) => {
          out.push(`  Vring ${j}`, `    Device Address 0x${x(v.da)}`, `    Alignment ${v.align | 0}`,
            `    Number of buffers ${v.num | 0}`, `    Notify ID ${v.notifyId | 0}`, `    Physical Address 0x${x(v.pa)}`, '');
        });
        break;
      default:
        // %pK of the header pointer: hashed/zeroed under kptr_restrict
        out.push(`Unknown resource type found: ${e.typeId} [hdr: ${'0'.repeat(pointerDigits)}]`);
    }
  });
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

export interface CarveoutMemory {
  name: string;
  da: number;
  pa: number;
  len: number;
}

/** rproc_carveouts_show: one block per registered carveout (%pK zeroed, %pad full width) */
export function formatCarveouts(carveouts: readonly CarveoutMemory[], pointerDigits = 8): string {
  return carveouts
    .map((c) => [
      'Carveout memory entry:',
      `\tName: ${c.name}`,
      `\tVirtual address: ${'0'.repeat(pointerDigits)}`,
      `\tDMA address: 0x${x(c.pa).padStart(pointerDigits, '0')}`,
      `\tDevice address: 0x${x(c.da)}`,
      `\tLength: 0x${x(c.len)} Bytes`,
      '',
      '',
    ].join('\n'))
    .join('');
}
