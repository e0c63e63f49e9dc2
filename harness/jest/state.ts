// The board session of one jest process, kept on the OUTER realm's globalThis so globalSetup, the environment and teardown share it.
import type { ConnectedBoard } from '../board';
import type { EvidenceFile } from '../reporting/types';
import type { HilSession, SessionSpec } from './types';

export interface Attachment {
  name: string;
  kind: EvidenceFile['kind'];
  data: Uint8Array;
}

/** what the running test attached (attachments made outside a test go to the next test that starts) */
export interface TestCollector {
  attachments: Attachment[];
  properties: Record<string, string | number>;
}

export interface GlueState {
  spec: SessionSpec;
  session: HilSession;
  connected: ConnectedBoard;
  /** removes the SIGINT/SIGTERM handlers (teardown releases the board itself) */
  removeSignals: () => void;
  collector: TestCollector;
  /** the first board-level infrastructure failure seen by a test (teardown turns it into infra.json + exit 3) */
  infra?: { code: string; message: string };
  /** test ids already written, so two tests with the same slug get distinct evidence directories */
  usedIds: Set<string>;
  /** the skip reason forEachVariant / skipWithReason hand to the next describe block or test being registered */
  pendingSkip: { describe?: string; test?: string };
}

const KEY = Symbol.for('rproc-hil.jest.glue-state');

type Holder = { [KEY]?: GlueState };

export function newCollector(): TestCollector {
  return { attachments: [], properties: {} };
}

export function setGlueState(s: GlueState | undefined): void {
  (globalThis as Holder)[KEY] = s;
}

export function glueState(): GlueState | undefined {
  return (globalThis as Holder)[KEY];
}
