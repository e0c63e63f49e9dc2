// Public API of harness/firmware: ELF read/write, resource-table codec, kernel-rule analysis, mutations, data model.
export { parseElf, readElf, findSection, sectionBytes } from './elf';
export type { ElfRead, SectionProblem } from './elf';
export { buildElf } from './elf-write';
export type { ElfBuildSpec, ElfSectionSpec, ElfSegmentSpec, ElfSymbolSpec } from './elf-write';
export { decodeResourceTable, encodeResourceTable } from './rsc-codec';
export { buildResourceTable } from './rsc-build';
export type { EntrySpec, TableSpec } from './rsc-build';
export { analyzeFirmware } from './analyze';
export type { AnalyzeOptions } from './analyze';
export { MUTATIONS, applyMutation } from './mutations';
export type { MutationSpec } from './mutations';
export { symbolAt } from './symbols';
export * from './types';
export { parseVariantManifest, variantsForPort, isVariantName, VARIANT_NAME, VARIANT_NAME_RULE } from './manifest';
export type { VariantManifest, ManifestVariant, ManifestPort, ManifestExpect, ManifestSoc } from './manifest';
export { expectFromReport } from './expectations';
