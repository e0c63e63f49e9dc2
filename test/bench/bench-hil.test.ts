// `npm run bench -- --quick --only suite`: the real hil flow twice on one modelled board; keys of (b) and (c), and no re-upload.
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
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-hil-'));
  const io: CliIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), cwd: dir };
  code = await runMain(main, ['--quick', '--only', 'suite', '--out', path.join(dir, 'suite.json')], io, {});
  data = JSON.parse(fs.readFileSync(path.join(dir, 'suite.json'), 'utf8')) as Record<string, number>;
}, 180_000);
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the suite benchmark (hil on one virtual board with modelled latencies, run twice)', () => {
  test('both hil runs pass and every key is a number', () => {
    expect({ code, errors: stderr.split('\n').filter((l) => l.startsWith('error')) }).toEqual({ code: 0, errors: [] });
    expect(Object.keys(data)).toEqual([
      'suite_overhead_ratio',
      'suite_wall_s',
      'suite_modelled_board_s',
      'suite_starts',
      'suite_commands',
      'suite_rpmsg_messages',
      'first_run_upload_bytes',
      'second_run_upload_bytes',
    ]);
    expect(Object.values(data).every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
  });

  test('the board counted the modelled time it imposed: starts, commands, and their union over the run', () => {
    expect(data.suite_starts).toBeGreaterThan(0);
    expect(data.suite_commands).toBeGreaterThan(data.suite_starts ?? 0);
    // union <= sum of 300 ms per start and 5 ms per command (+ 0.2 ms per message), and at least the starts alone
    const sum = ((data.suite_starts ?? 0) * 300 + (data.suite_commands ?? 0) * 5 + (data.suite_rpmsg_messages ?? 0) * 0.2) / 1000;
    expect(data.suite_modelled_board_s).toBeLessThanOrEqual(sum + 0.01);
    expect(data.suite_modelled_board_s).toBeGreaterThanOrEqual(((data.suite_starts ?? 0) * 300) / 1000 - 0.01);
    expect(data.suite_overhead_ratio).toBeCloseTo((data.suite_wall_s ?? 0) / (data.suite_modelled_board_s ?? 1), 1);
  });

  test('the first run uploads its firmware; the identical second run finds it on the board and uploads nothing', () => {
    expect(data.first_run_upload_bytes).toBeGreaterThan(0);
    expect(data.second_run_upload_bytes).toBe(0);
    expect(stdout).toMatch(/\nsecond_run_upload_bytes +0 B +<= 0 B +ok +the identical run again on the same board /);
    expect(stderr).toMatch(/\n {2}second run: \d+ passed, \d+ skipped in [0-9.]+ s; board busy [0-9.]+ s \(\d+ starts, \d+ commands, \d+ rpmsg messages\); 0 bytes written to \/lib\/firmware \(no file\)\n/);
  });
});
