// `npm run bench -- --quick --only parallel`: the real hil flow on 1 and then 2 virtual boards at once; wall time and memory keys.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../harness/cli/bench';
import { runMain, type CliIO } from '../../harness/cli/run';

let dir = '';
let code = -1;
let stdout = '';
let stderr = '';
let data: Record<string, number> = {};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-parallel-'));
  const io: CliIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), cwd: dir };
  code = await runMain(main, ['--quick', '--only', 'parallel', '--out', 'parallel.json'], io, {});
  data = JSON.parse(fs.readFileSync(path.join(dir, 'parallel.json'), 'utf8')) as Record<string, number>;
}, 180_000);
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the parallel benchmark, --quick (1 and 2 boards)', () => {
  test('both runs pass and write wall time and peak memory per board count, and the ratio', () => {
    expect({ code, errors: stderr.split('\n').filter((l) => l.startsWith('error')) }).toEqual({ code: 0, errors: [] });
    expect(Object.keys(data)).toEqual([
      'parallel_wall_s_1',
      'parallel_peak_rss_mb_1',
      'parallel_wall_s_2',
      'parallel_peak_rss_mb_2',
      'parallel_2_over_1_ratio',
    ]);
    expect(Object.values(data).every((v) => typeof v === 'number' && v > 0)).toBe(true);
    expect(data.parallel_2_over_1_ratio).toBeCloseTo((data.parallel_wall_s_2 ?? 0) / (data.parallel_wall_s_1 ?? 1), 1);
  });

  test('two boards mean two jest processes at once: the sampled tree holds more memory than with one', () => {
    expect(data.parallel_peak_rss_mb_2).toBeGreaterThan(data.parallel_peak_rss_mb_1 ?? 0);
    expect(stderr).toMatch(/\n {2}2 board\(s\): [0-9.]+ s, peak RSS \d+ MiB over up to [3-9] processes/);
  });

  test('the table shows each key with its unit', () => {
    expect(stdout).toMatch(/\nparallel_wall_s_2 +[0-9.]+ s +- +- +2 board\(s\) in one hil run, \d+ tests passed\n/);
    expect(stdout).toMatch(/\nparallel_peak_rss_mb_1 +[0-9.]+ MiB +- +- +peak of summed VmRSS/);
    expect(stdout.endsWith('wrote parallel.json\n')).toBe(true);
  });
});
