// The fault knob: make the firmware take its own crash path (as the control command `crash <kind>` does).
import type { ElfFile } from '../../../firmware/types';
import { CONTROL_BLOCK_OFFSET } from './machine';
import type { DeviceMemory } from './memory';
import { readControlBlock } from './control-block';

/** TWIN-PROTOCOL.md "Control block" +0x20 `crash_request`: 1 = hardfault, 2 = watchdog; the main loop clears it. */
const CRASH_REQUEST_OFFSET = 0x20;
const KIND_WORD = { hardfault: 1, watchdog: 2 } as const;

export interface CrashKnob {
  /** false when this firmware offers no way in (the caller then freezes the core and reports the crash itself) */
  pull(kind: 'hardfault' | 'watchdog'): boolean;
}

/**
 * Preferred: the control block's `crash_request` word, which sits in the shared window on both machines. Older
 * builds without it: the .bss variables `crash_pending` / `crash_at_ms` of firmware/common/app.c, reachable only
 * where .bss is in the window (qemu-m4).
 */
export function crashKnobOf(elf: ElfFile, mem: DeviceMemory, windowBase: number): CrashKnob {
  const find = (name: string) => elf.symbols.find((s) => s.name === name && s.type === 'object' && (s.size === 1 || s.size === 2 || s.size === 4));
  const pending = find('crash_pending');
  const at = find('crash_at_ms');
  const bssReachable = pending !== undefined && at !== undefined && at.size === 4 && mem.contains(pending.value, pending.size) && mem.contains(at.value, 4);
  return {
    pull(kind) {
      if (readControlBlock(mem, windowBase) !== null) {
        const word = Buffer.alloc(4);
        word.writeUInt32LE(KIND_WORD[kind], 0);
        mem.write(windowBase + CONTROL_BLOCK_OFFSET + CRASH_REQUEST_OFFSET, word);
        return true;
      }
      if (!bssReachable) return false;
      mem.write(at.value, Buffer.alloc(4)); // due at once: tick_ms() - 0 >= 0
      const word = Buffer.alloc(pending.size);
      word.writeUIntLE(KIND_WORD[kind], 0, pending.size);
      mem.write(pending.value, word);
      return true;
    },
  };
}
