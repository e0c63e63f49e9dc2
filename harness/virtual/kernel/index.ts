// Public API of the kernel model.
export { KernelModel } from './kernel';
export type { KernelModelOptions } from './kernel';
export type { KernelProfile, KernelSettings } from './profile';
export { formatTimestamp } from './dmesg';
export { formatResourceTable, formatCarveouts } from './rsc-dump';
export { buildCoredump } from './coredump';
export { RPMSG_MTU } from './tty';
