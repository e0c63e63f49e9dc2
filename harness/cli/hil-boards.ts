// Boards of a `hil` run: resolve --board specs, pick each board's firmware dir, start virtual/twin boards in-process.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveBoards, virtualBoardNames, type BoardProfile, type FarmInstance } from '../config';
import { ConfigError, InfraError } from '../errors';
import { usageError } from './args';
import { HIL_SPEC } from './hil-args';
import { leaseChecker } from './hil-lease';
import { startVirtualBoard, type VirtualBoard } from '../virtual';

export interface BoardPlan {
  /** instance or profile name: the JUnit classname prefix and the name of its files in the run dir */
  name: string;
  profile: BoardProfile;
  /** the farm entry; absent for a virtual/twin board this run starts itself */
  instance?: FarmInstance;
  /** a virtual or twin profile named directly: started in this process */
  inProcess: boolean;
  firmwareDir: string;
  firmwareSource: 'builtin' | 'custom';
}

export interface RunningBoard {
  plan: BoardPlan;
  /** how the jest child reaches it (an in-process board gets one built from its endpoints) */
  instance: FarmInstance;
  virtual?: VirtualBoard;
  /** the in-process board's keys and sockets, deleted when it stops */
  stateDir?: string;
}

/** The checkout (or installed package) root: the directory with package.json and firmware/. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'firmware'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.resolve('.');
}

/** `*.elf` names in a directory (sorted), or null when it is not a readable directory. */
export function elfNames(dir: string): string[] | null {
  try {
    return fs.readdirSync(dir).filter((n) => n.endsWith('.elf')).sort();
  } catch {
    return null;
  }
}

function firmwareOf(profile: BoardProfile, customDir: string | undefined, root: string): Pick<BoardPlan, 'firmwareDir' | 'firmwareSource'> {
  if (customDir !== undefined) {
    const elfs = elfNames(customDir);
    if (elfs === null) throw usageError(HIL_SPEC, `--firmware ${customDir} is not a readable directory; give the directory holding your *.elf files`);
    if (elfs.length === 0) throw usageError(HIL_SPEC, `--firmware ${customDir} holds no *.elf file; give the directory holding your firmware ELF files`);
    return { firmwareDir: customDir, firmwareSource: 'custom' };
  }
  const port = profile.coprocessor.firmwarePort;
  const dir = path.join(root, 'firmware', 'build', port);
  const elfs = elfNames(dir);
  if (elfs === null || elfs.length === 0) {
    throw new ConfigError(
      `board profile ${profile.name} runs the ${port} firmware port, but ${path.relative(process.cwd(), dir) || dir} has no builds: run \`npm run firmware\` (make -C firmware) first, or pass --firmware DIR with your own ELF files`,
      { port, dir },
    );
  }
  return { firmwareDir: dir, firmwareSource: 'builtin' };
}

/** Resolves --board specs (farm instance, profile, alias) and each board's firmware; throws before anything starts. */
export async function planBoards(o: { boards: string[]; farmFile?: string; firmwareDir?: string; variants: string[] | null }, root: string = repoRoot()): Promise<BoardPlan[]> {
  const leases = o.farmFile !== undefined ? leaseChecker(o.farmFile) : undefined;
  let resolved;
  try {
    // '' = no inventory: the caller's env (runHil io.env) decided HIL_FARM already, process.env must not add one
    resolved = await resolveBoards(o.boards, o.farmFile !== undefined && leases ? { farmFile: o.farmFile, isFree: leases.isFree } : { farmFile: '' });
  } catch (e) {
    if (e instanceof InfraError && e.code === 'E_LEASE' && leases && leases.unreachable.length > 0) {
      throw new InfraError('E_LEASE', `${e.message} Not reachable over SSH (counted as busy): ${leases.unreachable.join(', ')}.`, { ...e.details, unreachable: leases.unreachable }, { cause: e });
    }
    throw e;
  }
  const plans = resolved.map((r): BoardPlan => {
    const inProcess = r.instance === undefined && r.profile.virtual !== undefined;
    if (r.instance === undefined && !inProcess) {
      throw new ConfigError(
        `"${r.name}" is a board type, not a board: name one of its farm instances (inventory from --farm or HIL_FARM), or a virtual board: ${virtualBoardNames().join(', ')}`,
        { board: r.name },
      );
    }
    return { name: r.name, profile: r.profile, ...(r.instance ? { instance: r.instance } : {}), inProcess, ...firmwareOf(r.profile, o.firmwareDir, root) };
  });
  checkVariants(plans, o.variants);
  return plans;
}

/** Every --variant must exist as `<variant>.elf` for at least one board; a variant missing on one board is skipped there. */
function checkVariants(plans: BoardPlan[], variants: string[] | null): void {
  if (variants === null) return;
  const known = new Set(plans.flatMap((p) => (elfNames(p.firmwareDir) ?? []).map((n) => n.slice(0, -'.elf'.length))));
  const unknown = variants.filter((v) => !known.has(v));
  if (unknown.length > 0) {
    const dirs = [...new Set(plans.map((p) => p.firmwareDir))].map((d) => path.relative(process.cwd(), d) || d).join(', ');
    throw usageError(HIL_SPEC, `unknown variant${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}: no such *.elf in ${dirs}; variants there: ${[...known].sort().join(', ')}`);
  }
}

/** The inventory entry of a board this process started: loopback SSH with its key, TCP console, power over its socket. */
export function instanceOf(name: string, board: VirtualBoard): FarmInstance {
  const s = board.ssh;
  return {
    name,
    type: board.profile.name,
    description: 'started in-process by npm run hil',
    ssh: { host: s.host, port: s.port, user: s.user, privateKey: s.privateKey, hostKey: s.hostKey },
    console: board.console,
    power: { backend: 'virtual', socket: board.powerSocket },
  };
}

/**
 * Starts the in-process boards (state dir `<workRoot>/<board>/state`, TCP console) in parallel; farm boards pass through.
 * When one fails to start, the others are stopped before the error is rethrown.
 */
export async function startBoards(plans: BoardPlan[], workRoot: string, onStart: (board: string, what: string) => void): Promise<RunningBoard[]> {
  const results = await Promise.allSettled(
    plans.map(async (plan): Promise<RunningBoard> => {
      if (!plan.inProcess) {
        if (plan.instance === undefined) throw new ConfigError(`board ${plan.name} has no farm inventory entry`, { board: plan.name });
        return { plan, instance: plan.instance };
      }
      onStart(plan.name, plan.profile.virtual?.coprocessor === 'twin' ? 'starting the QEMU twin board in-process' : 'starting the virtual board in-process');
      const stateDir = path.join(workRoot, plan.name, 'state');
      const virtual = await startVirtualBoard({ profile: plan.profile, stateDir, console: 'tcp' });
      return { plan, instance: instanceOf(plan.name, virtual), virtual, stateDir };
    }),
  );
  const running = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stopBoards(running);
    throw failed.reason;
  }
  return running;
}

/** Stops the in-process boards and deletes their state dirs: their throwaway SSH keys must not end up in CI artifacts. */
export async function stopBoards(running: RunningBoard[]): Promise<void> {
  await Promise.allSettled(
    running.map(async (r) => {
      await r.virtual?.stop();
      if (r.stateDir !== undefined) fs.rmSync(r.stateDir, { recursive: true, force: true });
    }),
  );
}
