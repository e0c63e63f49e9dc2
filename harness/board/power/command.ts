// Power backend `command`: the inventory's on/off/cycle shell commands, run on the harness host with a budget.
import { spawn } from 'node:child_process';
import { InfraError } from '../../errors';
import type { PowerBackend, PowerContext } from './types';

export interface CommandPowerConfig {
  on: string;
  off: string;
  cycle?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const TAIL = 400;

/** Runs `sh -c command`; resolves on exit 0, else an InfraError with the exit status and the stderr tail. */
export function runHostCommand(board: string, phase: string, command: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // detached: a timeout kills the whole process group, not just the shell
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, HIL_BOARD: board } });
    let output = '';
    const keep = (c: Buffer): void => {
      output = (output + c.toString('utf8')).slice(-TAIL);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new InfraError('E_TOOL', `${phase} of board ${board} could not run ${JSON.stringify(command)}: ${e.message}`, { board, phase, command }, { cause: e }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new InfraError('E_TIMEOUT', `${phase} of board ${board} ran out of its ${timeoutMs} ms budget running ${JSON.stringify(command)}; output so far: ${output.trim() || '(none)'}`, { board, phase, command, timeoutMs }));
      } else if (code !== 0) {
        const how = code === null ? `was killed by ${signal ?? 'a signal'}` : `exited with status ${code}`;
        reject(new InfraError('E_TOOL', `${phase} of board ${board} failed: ${JSON.stringify(command)} ${how}; output: ${output.trim() || '(none)'}. Check the power: commands in the farm inventory`, { board, phase, command, code, output }));
      } else {
        resolve();
      }
    });
  });
}

export function commandPower(cfg: CommandPowerConfig, ctx: PowerContext): PowerBackend {
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const run = (phase: string, command: string): Promise<void> => runHostCommand(ctx.board, phase, command, timeoutMs);
  return {
    backend: 'command',
    on: () => run('power on', cfg.on),
    off: () => run('power off', cfg.off),
    cycle: async () => {
      if (cfg.cycle !== undefined) return run('power cycle', cfg.cycle);
      await run('power off', cfg.off);
      await run('power on', cfg.on);
    },
  };
}
