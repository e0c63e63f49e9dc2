// Opens the board session of a jest process (connect, lease, health + snapshot, plan) and leaves the board as found.
import * as fs from 'node:fs';
import { connectBoard, releaseOnSignals, type ConnectedBoard } from '../board';
import { describeError } from '../errors';
import { planVariants } from './plan';
import { glueState, newCollector, setGlueState, type GlueState } from './state';
import type { HilSession, SessionSpec, VariantPlan } from './types';
import type { EvidenceFile } from '../reporting/types';

/** the session.json the parent wrote (path from env HIL_SESSION) */
export function readSessionSpec(file: string | undefined): SessionSpec {
  if (!file) throw Object.assign(new Error('HIL_SESSION is not set: this jest config runs only under `npm run hil`, which writes the session file and sets HIL_SESSION to its path'), { code: 'E_USAGE' });
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SessionSpec;
  } catch (e) {
    throw Object.assign(new Error(`HIL_SESSION=${file}: cannot read the session file: ${describeError(e)}`), { code: 'E_IO' });
  }
}

function makeSession(spec: SessionSpec, connected: ConnectedBoard, variants: VariantPlan[]): HilSession {
  const { board } = connected;
  return {
    spec,
    board,
    runner: board.runner,
    remoteproc: board.remoteproc,
    console: connected.console,
    variants,
    attach(name: string, data: string | Uint8Array, kind: EvidenceFile['kind'] = 'other') {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
      glueState()?.collector.attachments.push({ name, kind, data: bytes });
    },
    property(name: string, value: string | number) {
      const s = glueState();
      if (s) s.collector.properties[name] = value;
    },
  };
}

/**
 * Plans first (a bad manifest or --firmware DIR needs no board), then connects, takes the lease, checks health and
 * snapshots the board; installs SIGINT/SIGTERM handlers that restore and release. The state lands on globalThis.
 */
export async function openSession(spec: SessionSpec): Promise<GlueState> {
  const variants = planVariants(spec);
  fs.mkdirSync(spec.workDir, { recursive: true });
  fs.mkdirSync(spec.evidenceDir, { recursive: true });
  const connected = await connectBoard(
    { name: spec.board, profile: spec.profile, instance: spec.instance },
    {
      consoleLog: spec.consoleLog,
      lease: {
        owner: spec.owner,
        leaseWaitS: spec.leaseWaitS,
        onLost: (e) => {
          const s = glueState();
          if (s && !s.infra) s.infra = { code: e.code, message: e.message };
        },
      },
    },
  );
  try {
    await connected.board.acquire();
    await connected.board.prepare();
  } catch (e) {
    if (connected.board.state === 'leased' || connected.board.state === 'ready') await connected.board.release().catch(() => undefined);
    await connected.close();
    throw e;
  }
  const removeSignals = releaseOnSignals([connected.board], {
    onError: (board, e) => process.stderr.write(`rproc-hil: board ${board} was not left as found: ${describeError(e)}\n`),
  });
  const state: GlueState = {
    spec,
    session: makeSession(spec, connected, variants),
    connected,
    removeSignals,
    collector: newCollector(),
    usedIds: new Set(),
    pendingSkip: {},
  };
  setGlueState(state);
  return state;
}

/** restore + release (even when a test failed), then close the connection; returns the problems met on the way */
export async function closeSession(state: GlueState): Promise<string[]> {
  const problems: string[] = [];
  state.removeSignals();
  const { board } = state.connected;
  if (board.state === 'leased' || board.state === 'ready') {
    try {
      await board.release();
    } catch (e) {
      problems.push(describeError(e));
    }
  }
  await state.connected.close();
  setGlueState(undefined);
  return problems;
}
