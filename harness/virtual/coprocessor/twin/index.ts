// Public API of the QEMU twin coprocessor.
export { TwinCoprocessor } from './twin-coprocessor';
export type { TwinOptions, TwinState } from './twin-coprocessor';
export type { TwinControlBlock } from './control-block';
export { MACHINES, WINDOW_SIZE, CONTROL_BLOCK_OFFSET } from './machine';
export type { TwinMachine } from './machine';
export { vringLayout, DriverRing } from './vring';
export { RpmsgHost } from './virtio-host';
export { BufferMemory } from './memory';
export type { DeviceMemory } from './memory';
