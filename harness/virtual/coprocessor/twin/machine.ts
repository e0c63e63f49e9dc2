// Facts of the two QEMU machines the twin runs on (reference/qemu-twin.md §1.1, §2.1, §4.2, §7.2).

export type TwinMachine = 'mps2-an386' | 'mps2-an505';

export interface MachineFacts {
  /** CPU the machine models (Cortex-M4 for MP157, Cortex-M33 for MP257) */
  cpu: 'cortex-m4' | 'cortex-m33';
  /** guest address of the machine's main RAM, the only RAM QEMU can back with a shared file (§1.1) */
  windowBase: number;
}

/** Both machines refuse any main-RAM size other than 16 MiB (qemu-twin.md §1.1). */
export const WINDOW_SIZE = 16 * 1024 * 1024;

/** Offset of the twin-only control block inside the window (qemu-twin.md §7.2, TWIN-PROTOCOL.md memory map). */
export const CONTROL_BLOCK_OFFSET = 0xf00000;

export const MACHINES: Record<TwinMachine, MachineFacts> = {
  'mps2-an386': { cpu: 'cortex-m4', windowBase: 0x21000000 },
  'mps2-an505': { cpu: 'cortex-m33', windowBase: 0x80000000 },
};

export function isTwinMachine(name: unknown): name is TwinMachine {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(MACHINES, name);
}
