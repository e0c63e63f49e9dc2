// The twin-only control block the firmware shim keeps at window + 0xF00000 (TWIN-PROTOCOL.md "Control block").
import { CONTROL_BLOCK_OFFSET } from './machine';
import type { DeviceMemory } from './memory';

export const TWIN_MAGIC = 0x4e495754; // "TWIN"

export interface TwinControlBlock {
  bootCount: number;
  /** +1 per SysTick (100 Hz) while interrupts run */
  heartbeat: number;
  watchdogArmed: boolean;
  /** 0 none, 1 HardFault (pc/cfsr/hfsr valid), 2 `crash watchdog` hang */
  faultKind: number;
  faultPc: number;
  faultCfsr: number;
  faultHfsr: number;
}

/** null until a firmware with the twin shim has booted (no magic) */
export function readControlBlock(mem: DeviceMemory, windowBase: number): TwinControlBlock | null {
  const da = windowBase + CONTROL_BLOCK_OFFSET;
  if (!mem.contains(da, 32)) return null;
  const b = mem.read(da, 32);
  if (b.readUInt32LE(0) !== TWIN_MAGIC) return null;
  return {
    bootCount: b.readUInt32LE(4),
    heartbeat: b.readUInt32LE(8),
    watchdogArmed: b.readUInt32LE(12) !== 0,
    faultKind: b.readUInt32LE(16),
    faultPc: b.readUInt32LE(20),
    faultCfsr: b.readUInt32LE(24),
    faultHfsr: b.readUInt32LE(28),
  };
}
