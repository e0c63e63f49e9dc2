// What a kernel rule produces: a Finding plus the errno the kernel returns for it (kept out of the report's findings).
import type { Finding, FindingPhase, Severity } from './types';

export const EINVAL = 22;
export const ENOMEM = 12;

export interface RuleHit {
  finding: Finding;
  /** positive errno of a fatal finding (boot fails with it); undefined for warnings and no-table */
  errno?: number;
}

export function hit(
  severity: Severity,
  code: string,
  message: string,
  phase: FindingPhase,
  opts: { entry?: number | null; kernelPrints?: boolean; errno?: number } = {},
): RuleHit {
  const finding: Finding = { severity, code, message, entry: opts.entry ?? null, phase, kernelPrints: opts.kernelPrints ?? true };
  return opts.errno === undefined ? { finding } : { finding, errno: opts.errno };
}

export const fatal = (code: string, message: string, phase: FindingPhase, entry: number | null = null, errno = EINVAL, kernelPrints = true): RuleHit =>
  hit('fatal', code, message, phase, { entry, errno, kernelPrints });

export const warning = (code: string, message: string, phase: FindingPhase, entry: number | null = null, kernelPrints = true): RuleHit =>
  hit('warning', code, message, phase, { entry, kernelPrints });
