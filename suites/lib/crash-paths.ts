// The ways a crash reaches Linux (DESIGN §6 control `crash`, debugfs `crash`) and which of them a board supports.
import { requireCapability } from '../../harness/jest';
import type { VariantPlan } from '../../harness/jest/types';
import { controlSkip, traceEntries } from './rpmsg-session';

export interface CrashPath {
  /** title prefix of the path's tests */
  label: string;
  /** control-channel command kind, or undefined for the debugfs file */
  control?: 'watchdog' | 'hardfault';
}

export const CRASH_PATHS: readonly CrashPath[] = [
  { label: 'control crash watchdog', control: 'watchdog' },
  { label: 'control crash hardfault', control: 'hardfault' },
  { label: 'debugfs crash' },
];

/** debugfs `crash` takes a number; 1 = RPROC_WATCHDOG, the documented example (remoteproc.md §2, firmware.md §5.2) */
export const DEBUGFS_CRASH_TYPE = 1;

/** the crash suite needs a booting variant with a control channel (to log the nonce) and a trace (to find it again) */
export function crashApplies(v: VariantPlan, soc: string): true | string {
  const trace = requireCapability('trace');
  if (trace !== true) return `${trace}: the crash suite finds the pre-crash log in trace0`;
  if (!v.expect.boots) return `variant ${v.name} does not boot on ${soc}: nothing to crash`;
  const noCtl = controlSkip(v);
  if (noCtl) return `${noCtl}: the crash suite logs its nonce through the control channel`;
  if (traceEntries(v).length === 0 || v.expect.traces.length === 0) return `variant ${v.name} has no trace entry (remoteproc.md §4): the pre-crash log could not be read back`;
  return true;
}

/** why a path does not reach Linux on this board, or undefined */
export function pathSkip(p: CrashPath, soc: string): string | undefined {
  if (!p.control) return undefined;
  const wdg = requireCapability('watchdogCrash');
  if (wdg === true) return undefined;
  const why =
    soc === 'stm32mp25'
      ? 'no watchdog interrupt is wired for the M33 on stock images, so a firmware fault never reaches Linux (firmware.md §5.4)'
      : 'only the watchdog interrupt reports a Cortex-M fault to Linux (firmware.md §5.1)';
  const fault = p.control === 'hardfault' ? 'the HardFault handler spins until the watchdog fires, and ' : '';
  return `"crash ${p.control}" cannot be seen by Linux on this board: ${fault}${why}; ${wdg}`;
}

export type Scenario = 'recovery disabled' | 'coredump enabled' | 'recovery enabled';

/** capabilities each scenario needs: the recovery setting, and the coredump taken inside recovery (remoteproc.md §5.1) */
export function scenarioSkip(s: Scenario): string | undefined {
  const recovery = requireCapability('recovery');
  if (recovery !== true) return recovery;
  if (s === 'coredump enabled') {
    const coredump = requireCapability('coredump');
    if (coredump !== true) return coredump;
  }
  return undefined;
}
