// What every power backend offers: on, off and cycle of one board (DESIGN §3 `power:` in the farm inventory).

export type PowerBackendName = 'none' | 'command' | 'virtual';

export interface PowerBackend {
  readonly backend: PowerBackendName;
  on(): Promise<void>;
  off(): Promise<void>;
  /** off then on (a reboot from cold) */
  cycle(): Promise<void>;
}

/** The in-process virtual board's power switch (harness/virtual/power.ts BoardPower has this shape). */
export interface VirtualPowerSwitch {
  on(): Promise<void>;
  off(): Promise<void>;
  cycle(): Promise<void>;
}

export interface PowerContext {
  /** board name used in every message */
  board: string;
  /** budget of one on/off/cycle command of the `command` backend (default 30 s) */
  timeoutMs?: number;
  /** the switch of an in-process virtual board, for the `virtual` backend */
  virtual?: VirtualPowerSwitch;
}
