// Derives the firmware kernel-rules input (BoardRules, firmware/types.ts) from a board profile.
import type { BoardRules } from '../firmware/types';
import type { BoardProfile } from './profile-schema';

export function boardRulesOf(profile: BoardProfile): BoardRules {
  const regions = profile.coprocessor.memory.map((r) => ({ name: r.name, da: r.da, size: r.size }));
  return {
    name: profile.name,
    soc: profile.soc,
    rprocName: profile.coprocessor.name,
    // firmware.md §4.1: every DT memory-region is a da->va range, and the STM32 driver registers each as a named carveout
    memory: regions,
    carveouts: regions.map((r) => ({ ...r })),
    // remoteproc.md §7: STM32 remoteproc has no IOMMU
    iommu: false,
    vringCheck: profile.kernel.vringCheck,
    ttyNames: [...profile.kernel.ttyNames],
  };
}
