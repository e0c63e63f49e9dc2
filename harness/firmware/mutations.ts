// Negative firmware variants: named byte-level edits of a good ELF, each with the verdict it must draw on an STM32MP157F-DK2.
import { UsageError } from '../errors';
import { PT_LOAD } from './elf';
import { MutationTarget } from './mutation-target';
import { VDEV_HEADER_SIZE, VRING_SIZE } from './rsc-codec';
import { RSC_DEVMEM, RSC_VENDOR_START, VIRTIO_ID_RPMSG, VIRTIO_RPMSG_F_NS } from './types';

export interface MutationSpec {
  name: string;
  description: string;
  /** what the firmware must carry for the mutation to apply */
  needs: 'table' | 'vdev' | 'trace' | 'none';
  /**
   * The verdict analyzeFirmware draws for the mutated ST-default firmware (vdev with 2 x 16-entry vrings + trace)
   * under the board rules of an STM32MP157F-DK2 with vringCheck 'boot', and the code of the finding that causes it.
   */
  expect: { boots: boolean; rpmsg: boolean; errno: number | null; code: string };
}

type Apply = (m: MutationTarget) => void;

const NO_TABLE = { boots: true, rpmsg: false, errno: null } as const;
const EINVAL = { boots: false, rpmsg: false, errno: 22 } as const;
const HARMLESS = { boots: true, rpmsg: true, errno: null } as const;
/** an address outside every STM32MP15/MP25 coprocessor memory region */
const NOWHERE = 0x20000000;

const table = (rel: number, value: number): Apply => (m) => m.putTable(m.table(), rel, value);
const vdevField = (rel: number, value: (avail: number, vrings: number) => number): Apply => (m) => {
  const { t, e } = m.entry('vdev', 'a vdev entry');
  m.putTable(t, e.offset + rel, value(t.table.size - e.offset - 4, e.numOfVrings));
};
const allVringNums = (num: number): Apply => (m) => {
  const { t, e } = m.entry('vdev', 'a vdev entry');
  if (e.vrings.length === 0) throw m.lacks('a vdev with at least one vring');
  e.vrings.forEach((_, j) => m.putTable(t, e.offset + VDEV_HEADER_SIZE + j * VRING_SIZE + 8, num));
};
const traceField = (rel: number, value: number): Apply => (m) => {
  const { t, e } = m.entry('trace', 'a trace entry');
  m.putTable(t, e.offset + rel, value);
};

const CATALOGUE: ReadonlyArray<MutationSpec & { apply: Apply }> = [
  { name: 'bad-version', description: 'table version 2 instead of 1', needs: 'table', expect: { ...NO_TABLE, code: 'table-bad-version' }, apply: table(0, 2) },
  { name: 'reserved-nonzero', description: 'table header reserved[0] = 1', needs: 'table', expect: { ...NO_TABLE, code: 'table-reserved-nonzero' }, apply: table(8, 1) },
  { name: 'num-overflow', description: 'num = 0xffffffff: the offset array cannot fit the section', needs: 'table', expect: { ...NO_TABLE, code: 'table-incomplete' }, apply: table(4, 0xffffffff) },
  {
    name: 'offset-out-of-range',
    description: 'offset[0] points at the end of the table',
    needs: 'table',
    expect: { ...EINVAL, code: 'rsc-table-truncated' },
    apply: (m) => {
      const t = m.table();
      if (t.table.offsets.length === 0) throw m.lacks('at least one resource entry');
      m.putTable(t, 16, t.table.size);
    },
  },
  {
    name: 'entry-truncated',
    description: 'vdev config_len one byte larger than the table holds, so the vdev body runs past the table end',
    needs: 'vdev',
    expect: { ...EINVAL, code: 'vdev-truncated' },
    apply: vdevField(20, (avail, n) => avail - (VDEV_HEADER_SIZE - 4) - VRING_SIZE * n + 1),
  },
  {
    name: 'vdev-reserved',
    description: 'vdev reserved[0] = 1',
    needs: 'vdev',
    expect: { ...EINVAL, code: 'vdev-reserved-nonzero' },
    apply: (m) => {
      const { t, e } = m.entry('vdev', 'a vdev entry');
      m.putTableByte(t, e.offset + 26, 1);
    },
  },
  {
    name: 'too-many-vrings',
    description: 'vdev num_of_vrings = 3 (the kernel supports 2)',
    needs: 'vdev',
    expect: { ...EINVAL, code: 'vdev-too-many-vrings' },
    apply: (m) => {
      const { t, e } = m.entry('vdev', 'a vdev entry');
      // the body must still fit, or the kernel stops at `vdev rsc is truncated` first
      if (VDEV_HEADER_SIZE - 4 + 3 * VRING_SIZE + e.configLen > t.table.size - e.offset - 4) throw m.lacks('room for 3 vrings after the vdev');
      m.putTableByte(t, e.offset + 25, 3);
    },
  },
  { name: 'vring-num-zero', description: 'vring0 num = 0', needs: 'vdev', expect: { ...EINVAL, code: 'vring-invalid' }, apply: vdevField(VDEV_HEADER_SIZE + 8, () => 0) },
  { name: 'vring-num-not-pow2', description: 'every vring num = 12 (not a power of two; still fits the DK2 carveouts)', needs: 'vdev', expect: { ...HARMLESS, code: 'vring-num-not-pow2' }, apply: allVringNums(12) },
  {
    name: 'vring-too-large',
    description: 'every vring num = 256: 8 KiB rings do not fit the 4 KiB vdev0vring carveouts',
    needs: 'vdev',
    expect: { boots: false, rpmsg: false, errno: 12, code: 'vring-carveout-len-too-big' },
    apply: allVringNums(256),
  },
  {
    name: 'buffers-exceed-carveout',
    description: 'every vring num = 32: rings fit, but 2 x 32 x 512 B of rpmsg buffers exceed the 16 KiB vdev0buffer',
    needs: 'vdev',
    expect: { boots: true, rpmsg: false, errno: null, code: 'vdev-buffers-exceed-carveout' },
    apply: allVringNums(32),
  },
  {
    name: 'no-ns',
    description: 'vdev dfeatures without VIRTIO_RPMSG_F_NS: no channel is announced',
    needs: 'vdev',
    expect: { ...HARMLESS, code: 'vdev-no-ns' },
    apply: (m) => {
      const { t, e } = m.entry('vdev', 'a vdev entry');
      m.putTable(t, e.offset + 12, (e.dfeatures & ~VIRTIO_RPMSG_F_NS) >>> 0);
    },
  },
  { name: 'trace-outside-memory', description: `trace da 0x${NOWHERE.toString(16)}, outside every memory region`, needs: 'trace', expect: { ...HARMLESS, code: 'trace-outside-memory' }, apply: traceField(4, NOWHERE) },
  { name: 'trace-reserved', description: 'trace reserved = 1', needs: 'trace', expect: { ...EINVAL, code: 'trace-reserved-nonzero' }, apply: traceField(12, 1) },
  {
    name: 'devmem-entry',
    description: 'the last entry becomes RSC_DEVMEM: STM32 has no IOMMU',
    needs: 'table',
    expect: { ...EINVAL, code: 'devmem-no-iommu' },
    apply: (m) => {
      const t = m.table();
      const last = [...t.table.entries].sort((a, b) => b.offset - a.offset)[0];
      if (!last) throw m.lacks('at least one resource entry');
      m.putTable(t, last.offset, RSC_DEVMEM);
    },
  },
  { name: 'vendor-entry', description: 'the trace entry becomes vendor type 128 (skipped with a warning)', needs: 'trace', expect: { ...HARMLESS, code: 'vendor-resource' }, apply: traceField(0, RSC_VENDOR_START) },
  { name: 'unknown-type', description: 'the trace entry becomes type 7 (skipped with a warning)', needs: 'trace', expect: { ...HARMLESS, code: 'unknown-resource' }, apply: traceField(0, 7) },
  {
    name: 'no-section',
    description: '.resource_table renamed _resource_table: the kernel finds no table',
    needs: 'table',
    expect: { ...NO_TABLE, code: 'no-resource-table' },
    apply: (m) => m.renameSection(m.table().section, '_'),
  },
  {
    name: 'section-truncated',
    description: '.resource_table sh_size runs one byte past the end of the file',
    needs: 'table',
    expect: { ...NO_TABLE, code: 'table-truncated' },
    apply: (m) => {
      const { section } = m.table();
      m.setSectionSize(section, m.bytes.length - section.offset + 1);
    },
  },
  {
    name: 'section-headerless',
    description: '.resource_table sh_size = 8, smaller than the table header',
    needs: 'table',
    expect: { ...NO_TABLE, code: 'table-headerless' },
    apply: (m) => m.setSectionSize(m.table().section, 8),
  },
  {
    name: 'segment-outside-memory',
    description: `the first loadable segment's p_paddr moved to 0x${NOWHERE.toString(16)}`,
    needs: 'none',
    expect: { ...EINVAL, code: 'segment-outside-memory' },
    apply: (m) => {
      const seg = m.elf.segments.find((s) => s.type === PT_LOAD && s.memsz > 0);
      if (!seg) throw m.lacks('a PT_LOAD segment');
      m.setSegmentPaddr(seg.index, NOWHERE);
    },
  },
];

export const MUTATIONS: readonly MutationSpec[] = CATALOGUE.map(({ name, description, needs, expect }) => ({ name, description, needs, expect }));

/** Returns a mutated copy; throws UsageError for an unknown name, RscError when the firmware lacks what it needs. */
export function applyMutation(elf: Uint8Array, name: string): Uint8Array {
  const spec = CATALOGUE.find((m) => m.name === name);
  if (!spec) {
    throw new UsageError(`unknown mutation ${JSON.stringify(name)}; valid names: ${CATALOGUE.map((m) => m.name).join(', ')}`, { mutation: name });
  }
  const target = new MutationTarget(elf, name);
  if (spec.expect.rpmsg) {
    // the expected verdict keeps rpmsg working, which only holds for firmware that has an rpmsg vdev to begin with
    const { e } = target.entry('vdev', 'an rpmsg vdev (the expected verdict keeps rpmsg up)');
    if (e.id !== VIRTIO_ID_RPMSG) throw target.lacks('an rpmsg vdev (id 7)');
  }
  spec.apply(target);
  return target.bytes;
}
