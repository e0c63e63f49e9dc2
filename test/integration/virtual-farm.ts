// Test helper: a virtual board started in-process and the farm inventory entry that reaches it (DESIGN §3: no other way in).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadProfile, type BoardProfile, type FarmInstance } from '../../harness/config';
import { connectBoard, type ConnectedBoard, type ConnectOptions } from '../../harness/board/connect';
import { startVirtualBoard, type VirtualBoard, type VirtualBoardOptions } from '../../harness/virtual';

export interface Farm {
  vb: VirtualBoard;
  stateDir: string;
  /** every board connected through this farm, closed by stop() */
  connected: ConnectedBoard[];
  instance(over?: Partial<FarmInstance>): FarmInstance;
  connect(opts?: ConnectOptions & { instance?: Partial<FarmInstance> }): Promise<ConnectedBoard>;
  stop(): Promise<void>;
}

/** The inventory entry built from the board's READY info, as `npm run board` users write it into their farm file. */
export function instanceOf(vb: VirtualBoard, name: string, over: Partial<FarmInstance> = {}): FarmInstance {
  const { host, port, user, privateKey, hostKey } = vb.ssh;
  return { name, type: vb.profile.name, ssh: { host, port, user, privateKey, hostKey }, console: vb.console, power: { backend: 'virtual' }, ...over };
}

export async function startFarm(label: string, opts: Omit<VirtualBoardOptions, 'profile' | 'stateDir'> = {}, tweak: (p: BoardProfile) => BoardProfile = (p) => p): Promise<Farm> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `rproc-hil-int-${label}-`));
  const vb = await startVirtualBoard({ profile: tweak(loadProfile('virtual-mp157')), stateDir, console: 'tcp', ...opts });
  const connected: ConnectedBoard[] = [];
  const farm: Farm = {
    vb,
    stateDir,
    connected,
    instance: (over) => instanceOf(vb, 'vmp157-01', over),
    async connect(o = {}) {
      const { instance: over, ...rest } = o;
      const c = await connectBoard({ name: 'vmp157-01', profile: vb.profile, instance: farm.instance(over) }, { virtualPower: vb.power, ...rest });
      connected.push(c);
      return c;
    },
    async stop() {
      for (const c of connected) c.board.lease.stopHeartbeat();
      await Promise.allSettled(connected.map((c) => c.close()));
      await vb.stop();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
  return farm;
}

/** The rejection of `p` (fails the test when it resolves). */
export async function rejectionOf(p: Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  const e: unknown = await p.then(
    () => new Error('expected a rejection, but the call succeeded'),
    (x: unknown) => x,
  );
  if (!(e instanceof Error)) throw new Error(`expected an Error, got ${String(e)}`);
  if (e.message === 'expected a rejection, but the call succeeded') throw e;
  return e as Error & { code?: string; details?: Record<string, unknown> };
}
