// The API suite files (suites/*.spec.ts) use: session accessor, per-variant describes, reasoned skips, board steps.
export { session, forEachVariant, skipWithReason, requireCapability } from './register';
export { bootVariant, stopCore, channels } from './steps';
export type { BootOutcome, BootError, VariantChannels } from './steps';
export type { SessionSpec, VariantExpect, VariantPlan, HilSession } from './types';
