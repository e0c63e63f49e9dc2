// Public API of the virtual board (DESIGN §5): start one, drive its power and faults, read its endpoints.
export { startVirtualBoard } from './board';
export type { VirtualBoard, VirtualBoardOptions } from './board';
export { BoardPower } from './power';
export type { PowerState } from './power';
export { FAULT_NAMES, NO_FAULTS, parseFaultAssignment, checkFault, isFaultName } from './faults';
export type { BoardFaults, FaultName } from './faults';
export { startConsole, hasSocat, SocatMissingError } from './console';
export type { ConsoleEndpoint, ConsoleKind, VirtualConsole } from './console';
