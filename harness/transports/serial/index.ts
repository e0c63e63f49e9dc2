// Public API of the serial transport: console capture from a device path or a TCP console server.
export { ConsoleCapture } from './console-capture';
export type { ConsoleCaptureOptions, ExpectOptions, DeathEvent, ConsoleEvents } from './console-capture';
export type { ConsoleCursor } from './console-text';
export { DEFAULT_DEATH_PATTERNS } from './death-strings';
export type { DeathPattern } from './death-strings';
export type { PortFactory, SerialPortLike } from './console-link';
