// The fault knob: make the firmware take its own crash path (as the control command `crash <kind>` does) through the window.
import type { ElfFile } from '../../../firmware/types';
import type { DeviceMemory } from './memory';

/**
 * The test firmware (firmware/common/app.c) crashes when `crash_pending` is set and `tick_ms()` has passed
 * `crash_at_ms`; its main loop checks both at least every SysTick (10 ms). Both live in .bss, which is inside the
 * window on the qemu-m4 port and outside it (SSRAM2) on qemu-m33.
 */
const KIND_WORD = { hardfault: 1, watchdog: 2 } as const;

export interface CrashKnob {
  pull(kind: 'hardfault' | 'watchdog'): void;
}

export function crashKnobOf(elf: ElfFile, mem: DeviceMemory): CrashKnob | null {
  const find = (name: string) => elf.symbols.find((s) => s.name === name && s.type === 'object' && (s.size === 1 || s.size === 2 || s.size === 4));
  const pending = find('crash_pending');
  const at = find('crash_at_ms');
  if (pending === undefined || at === undefined || at.size !== 4) return null;
  if (!mem.contains(pending.value, pending.size) || !mem.contains(at.value, 4)) return null;
  return {
    pull(kind) {
      mem.write(at.value, Buffer.alloc(4)); // due at once: tick_ms() - 0 >= 0
      const word = Buffer.alloc(pending.size);
      word.writeUIntLE(KIND_WORD[kind], 0, pending.size);
      mem.write(pending.value, word);
    },
  };
}
