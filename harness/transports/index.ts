// Public API of harness/transports: the SSH connection and the console capture of one board.
export * from './ssh';
export * from './serial';
