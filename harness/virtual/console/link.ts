// The board end of a serial line: bytes out to whoever listens on the harness end, bytes in from them.

/** Where the harness end of the console is reached (DESIGN §4.2 READY json `console`). */
export type ConsoleEndpoint = { path: string } | { tcp: string };

export interface SerialLink {
  readonly endpoint: ConsoleEndpoint;
  /** send bytes to the harness end; dropped (like a UART with nobody listening) when the line is backed up */
  write(data: string | Uint8Array): void;
  /** bytes typed on the harness end */
  onInput(cb: (data: Uint8Array) => void): void;
  /** close the line and release its process or port */
  close(): Promise<void>;
}
