// Kernel rule phase 1: rproc_elf_sanity_check, in the kernel's order and words (remoteproc.md §3.3 "ELF sanity").
import { le32 } from './bytes';
import { fatal, type RuleHit } from './rule-result';

const ELF32_EHDR = 52;
const ELF64_EHDR = 64;

/** The kernel reads these fields itself (it only trusts e_shoff for ONE section header); we read them the same way. */
function u16(bytes: Uint8Array, off: number): number {
  return (bytes[off] ?? 0) | ((bytes[off + 1] ?? 0) << 8);
}

function u64(bytes: Uint8Array, off: number): number {
  return (le32(bytes, off) ?? 0) + (le32(bytes, off + 4) ?? 0) * 2 ** 32;
}

/** The first check that fails, as a fatal finding (EINVAL, `Boot failed: -22`), or undefined when the image passes. */
export function sanityRule(bytes: Uint8Array): RuleHit | undefined {
  const f = (code: string, message: string): RuleHit => fatal(code, message, 'sanity');
  if (bytes.length < ELF32_EHDR) return f('elf-too-small', 'Image is too small');
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    return f('elf-bad-magic', 'Image is corrupted (bad magic)');
  }
  const cls = bytes[4] ?? 0;
  // the kernel prints a `char`: values above 127 come out negative on signed-char architectures (ARM's char is unsigned)
  if (cls !== 1 && cls !== 2) return f('elf-bad-class', `Unsupported class: ${cls}`);
  const is64 = cls === 2;
  if (is64 && bytes.length < ELF64_EHDR) return f('elf64-too-small', 'elf64 header is too small');
  // the Arm hosts (STM32MP15 Cortex-A7, MP25 Cortex-A35) run little-endian kernels
  if (bytes[5] !== 1) return f('elf-bad-endianness', 'Unsupported firmware endianness');
  const phoff = is64 ? u64(bytes, 32) : (le32(bytes, 28) ?? 0);
  const shoff = is64 ? u64(bytes, 40) : (le32(bytes, 32) ?? 0);
  const phnum = u16(bytes, is64 ? 56 : 44);
  const shdrSize = is64 ? 64 : 40;
  if (bytes.length < shoff + shdrSize) return f('elf-too-small-for-sections', 'Image is too small');
  if (phnum === 0) return f('elf-no-segments', 'No loadable segments');
  if (phoff > bytes.length) return f('elf-phoff-past-end', 'Firmware size is too small');
  return undefined;
}
