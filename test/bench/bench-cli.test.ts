// `npm run bench`: the registry runs, a table is printed and one flat JSON object is written; --check, --only, --list.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, loadBenchmarks } from '../../harness/cli/bench';
import { runMain, type CliIO } from '../../harness/cli/run';
import { BENCHMARKS } from '../../bench';
import { buildLargeFirmware } from '../../bench/rsc';
import { analyzeFirmware } from '../../harness/firmware';
import type { Benchmark } from '../../bench/types';
import { InfraError } from '../../harness/errors';

let dir = '';
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-'));
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function bench(argv: string[], benchmarks?: Benchmark[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), cwd: dir };
  const code = await runMain((a, i) => (benchmarks ? main(a, i, benchmarks) : main(a, i)), argv, io, {});
  return { code, stdout, stderr };
}

/** A benchmark whose result is fixed, to check the CLI's handling of targets without timing anything. */
function fixed(key: string, value: number, target?: number): Benchmark {
  return { name: key, description: `fixed ${key}`, run: async () => [{ key, value, unit: 'ms', target, detail: 'fixed' }] };
}

/** A ratio or rate that should be at least `atLeast`. */
function floor(key: string, value: number, atLeast: number): Benchmark {
  return { name: key, description: `fixed ${key}`, run: async () => [{ key, value, unit: 'x', atLeast, detail: 'fixed' }] };
}

describe('bench registry', () => {
  test('the CLI loads the same list bench/index exports, with unique names', () => {
    const loaded = loadBenchmarks();
    expect(loaded.map((b) => b.name)).toEqual(BENCHMARKS.map((b) => b.name));
    expect(new Set(loaded.map((b) => b.name)).size).toBe(loaded.length);
  });

  test('the rsc fixture is a 1 MiB+ ELF that boots cleanly on the MP257 EV1 rules it is measured with', () => {
    const bytes = buildLargeFirmware();
    expect(bytes.length).toBeGreaterThanOrEqual(1024 * 1024);
    const report = analyzeFirmware(bytes, { file: 'x' });
    expect(report.verdict).toEqual({ boots: true, rpmsg: true, traces: ['trace0'], errno: null });
  });
});

describe('npm run bench', () => {
  test('the real registry writes rsc_1mib_ms as a number into one flat object', async () => {
    const r = await bench(['--only', 'rsc', '--runs', '3', '--out', 'b.json']);
    expect(r.code).toBe(0);
    const data = JSON.parse(fs.readFileSync(path.join(dir, 'b.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(['rsc_1mib_ms']);
    expect(typeof data.rsc_1mib_ms).toBe('number');
    expect(r.stdout).toMatch(/^key +value +target +result +how\nrsc_1mib_ms +[0-9.]+ ms +<= 5 ms +(ok|MISSED) +median of 3, p90 /);
    expect(r.stdout.endsWith('wrote b.json\n')).toBe(true);
  });

  test('keys of several benchmarks merge into one object; --check fails on a missed target only', async () => {
    const set = [fixed('a_ms', 1, 5), fixed('b_ms', 9, 5), fixed('c_count', 3)];
    const plain = await bench(['--out', 'c.json'], set);
    expect(plain.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'c.json'), 'utf8'))).toEqual({ a_ms: 1, b_ms: 9, c_count: 3 });
    expect(plain.stdout).toContain('b_ms     9 ms   <= 5 ms  MISSED  fixed\n');
    expect(plain.stdout).toContain('c_count  3 ms   -        -       fixed\n');
    expect((await bench(['--out', 'c.json', '--check'], set)).code).toBe(1);
    expect((await bench(['--out', 'c.json', '--check', '--only', 'a_ms'], set)).code).toBe(0);
  });

  test('ratios have a lower bound: below it is MISSED and fails --check, at or above it is ok', async () => {
    const set = [floor('r_low', 12.5, 20), floor('r_ok', 20, 20)];
    const r = await bench(['--out', 'r.json'], set);
    expect(r.stdout).toContain('r_low  12.5 x  >= 20 x  MISSED  fixed\n');
    expect(r.stdout).toContain('r_ok   20 x    >= 20 x  ok      fixed\n');
    expect((await bench(['--out', 'r.json', '--check'], set)).code).toBe(1);
    expect((await bench(['--out', 'r.json', '--check', '--only', 'r_ok'], set)).code).toBe(0);
  });

  test('a benchmark that fails is named, the others still write their keys, and the exit code says so', async () => {
    const broken: Benchmark = {
      name: 'broken',
      description: 'needs a tool that is missing',
      run: async () => {
        throw new InfraError('E_TOOL', 'ssh-keyscan exited 1: connection refused');
      },
    };
    const r = await bench(['--out', 'f.json', '--only', 'a_ms,broken,c_count'], [fixed('a_ms', 1), broken, fixed('c_count', 3)]);
    expect(r.code).toBe(3);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'f.json'), 'utf8'))).toEqual({ a_ms: 1, c_count: 3 });
    expect(r.stderr).toContain('error: benchmark broken failed, its keys are missing from the results: ssh-keyscan exited 1: connection refused\n');
    expect(r.stderr.endsWith('error: 1 benchmark failed: broken (see above)\n')).toBe(true);
  });

  test('--only with an unknown name and a bad --runs are usage errors', async () => {
    const set = [fixed('a_ms', 1)];
    expect(await bench(['--only', 'nope'], set)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: unknown benchmark nope (known: a_ms)\nusage: bench [--only NAME]... [--runs N] [--quick] [--out FILE] [--check] [--list]\n',
    });
    expect((await bench(['--runs', '0'], set)).stderr.split('\n')[0]).toBe('error: --runs must be an integer from 1 to 100000, got 0');
  });

  test('--list names the benchmarks without running them', async () => {
    let ran = false;
    const set: Benchmark[] = [{ name: 'x', description: 'does x', run: async () => ((ran = true), []) }];
    const r = await bench(['--list'], set);
    expect(r.stdout).toBe(`${'x'.padEnd(16)} does x\n`);
    expect(ran).toBe(false);
  });

  test('an --out in a missing directory is refused before anything runs', async () => {
    let ran = false;
    const set: Benchmark[] = [{ name: 'x', description: 'does x', run: async () => ((ran = true), []) }];
    const r = await bench(['--out', 'missing-dir/b.json'], set);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: cannot write ${path.join(dir, 'missing-dir/b.json')}: its directory does not exist\nCheck the path and its permissions.\n`,
    });
    expect(ran).toBe(false);
  });

  test('a failed write leaves the previous bench.json and no temporary file', async () => {
    fs.mkdirSync(path.join(dir, 'taken.json'));
    const r = await bench(['--out', 'taken.json'], [fixed('a_ms', 1)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^error: cannot write ${path.join(dir, 'taken.json')}: `, 'm'));
    expect(fs.statSync(path.join(dir, 'taken.json')).isDirectory()).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
