// Public API of harness/board: the Board (lifecycle, lease, health, snapshot/restore) and the power backends.
export { Board } from './board';
export type { BoardOptions, BoardRelease } from './board';
export { createBoard } from './create-board';
export type { CreateBoardOptions } from './create-board';
export type { BoardState } from './lifecycle';
export { BoardLease, leaseWaitSeconds } from './lease';
export type { LeaseOptions, AcquireResult, ReleaseResult } from './lease';
export { LEASE_PATH, parseLease } from './lease-file';
export type { LeaseRecord } from './lease-file';
export { checkHealth, assertHealthy, parseDfAvailableKiB } from './health';
export type { HealthCheck, HealthCheckName, HealthOptions, HealthReport } from './health';
export { takeSnapshot, restoreSnapshot } from './snapshot';
export type { BoardSnapshot, RestoreResult } from './snapshot';
export { releaseOnSignals } from './signals';
export type { SignalOptions, SignalTarget } from './signals';
export { powerBackend, runHostCommand } from './power';
export type { PowerBackend, PowerBackendName, PowerContext, VirtualPowerSwitch, CommandPowerConfig } from './power';
