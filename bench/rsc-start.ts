// Benchmark rsc_start_ms: wall time of `npm run rsc -- inspect <1 MiB elf>` as a user types it (process start included).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InfraError } from '../harness/errors';
import { repoRoot } from './repo';
import { buildLargeFirmware } from './rsc';
import { round, timeRuns } from './stats';
import type { Benchmark } from './types';

function runOnce(cwd: string, command: string, args: string[]): void {
  const r = spawnSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) {
    throw new InfraError('E_TOOL', `${command} ${args.join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`, { command, status: r.status });
  }
}

export const rscStartBenchmark: Benchmark = {
  name: 'rsc-start',
  description: 'wall time of `npm run rsc -- inspect` on a 1 MiB ELF, and of the node launcher alone (median of 10)',
  async run(ctx) {
    const runs = ctx.runs ?? (ctx.quick ? 2 : 10);
    const root = repoRoot();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rsc-start-'));
    try {
      const elf = path.join(dir, 'fw.elf');
      fs.writeFileSync(elf, buildLargeFirmware());
      // the first run may rebuild dist/; it is the warm-up
      const npm = await timeRuns(() => runOnce(root, 'npm', ['run', 'rsc', '--', 'inspect', elf]), runs, 1);
      const launcher = await timeRuns(() => runOnce(root, process.execPath, ['scripts/run-cli.js', 'rsc', 'inspect', elf]), runs, 1);
      const bare = await timeRuns(() => runOnce(root, process.execPath, ['-e', '0']), runs, 1);
      ctx.log(`node -e 0 on this machine: median ${round(bare.medianMs, 1)} ms`);
      return [
        { key: 'rsc_start_ms', value: round(npm.medianMs, 1), unit: 'ms', target: 300, detail: `npm run rsc -- inspect, median of ${runs}, min ${round(npm.minMs, 1)} ms` },
        { key: 'rsc_start_node_ms', value: round(launcher.medianMs, 1), unit: 'ms', detail: `node scripts/run-cli.js rsc inspect, median of ${runs}, min ${round(launcher.minMs, 1)} ms` },
        { key: 'node_start_ms', value: round(bare.medianMs, 1), unit: 'ms', detail: `node -e 0 (the floor), median of ${runs}` },
      ];
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
