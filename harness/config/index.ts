// Public API of harness/config: board profiles, board rules, farm inventory and --board resolution.
export { profileSchema, kernelVersionOf, SOCS, DEFAULT_PHASE_TIMEOUTS_MS } from './profile-schema';
export type { BoardProfile, MemoryRegion, VirtualSection, Capabilities, Capability, Phase, Soc } from './profile-schema';
export { loadProfile, loadProfileFile, listProfiles, defaultBoardsDir } from './load-profile';
export type { LoadProfileOptions } from './load-profile';
export { boardRulesOf } from './rules';
export { parseIntLike, hex } from './numbers';
export type { ConfigProblem } from './problems';
export { loadInventory } from './load-inventory';
export type { LoadInventoryOptions } from './load-inventory';
export type { FarmInventory, FarmInstance, SshTarget, ConsoleTarget, PowerConfig } from './inventory-schema';
export { resolveBoard, resolveBoards, virtualBoardNames, BOARD_ALIASES } from './resolve-board';
export type { ResolvedBoard, ResolveOptions } from './resolve-board';
export { repoRoot } from './repo-root';
