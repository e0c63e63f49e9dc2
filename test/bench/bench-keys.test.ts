// `npm run bench -- --quick` for real on virtual boards: the contract keys of (a) remote op, (d) echo, (f) rsc, their table and --out.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../harness/cli/bench';
import { runMain, type CliIO } from '../../harness/cli/run';
import { describeWithTools, TOOLS } from '../helpers/tools';

/** issue 7: keys of bench.json that other tools read (a), (d), (f) */
const CONTRACT_KEYS = [
  'op_ms_ours',
  'op_ms_controlmaster',
  'op_ms_plain_ssh',
  'ratio_controlmaster',
  'ratio_plain_ssh',
  'echo_pipelined_msgs_per_s',
  'echo_lockstep_msgs_per_s',
  'rsc_1mib_ms',
];

let dir = '';
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-keys-'));
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describeWithTools([TOOLS.ssh], 'npm run bench -- --quick --only rsc,remote-op,echo', () => {
  let code = -1;
  let stdout = '';
  let stderr = '';
  let data: Record<string, unknown> = {};

  beforeAll(async () => {
    const io: CliIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), cwd: dir };
    code = await runMain(main, ['--quick', '--only', 'rsc,remote-op,echo', '--out', 'quick.json'], io, {});
    data = JSON.parse(fs.readFileSync(path.join(dir, 'quick.json'), 'utf8')) as Record<string, unknown>;
  }, 120_000);

  test('it exits 0 and writes one flat object holding every contract key as a positive number', () => {
    expect({ code, stderr: stderr.split('\n').filter((l) => l.startsWith('error')) }).toEqual({ code: 0, stderr: [] });
    for (const key of CONTRACT_KEYS) {
      expect([key, typeof data[key]]).toEqual([key, 'number']);
      expect(data[key]).toBeGreaterThan(0);
    }
    expect(Object.values(data).every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
  });

  test('the ratios are the quotients of the op times they name', () => {
    const d = data as Record<string, number>;
    expect(d.ratio_controlmaster).toBeCloseTo((d.op_ms_controlmaster ?? 0) / (d.op_ms_ours ?? 1), 0);
    expect(d.ratio_plain_ssh).toBeCloseTo((d.op_ms_plain_ssh ?? 0) / (d.op_ms_ours ?? 1), 0);
  });

  test('the table has one row per key with its target, and says where it wrote', () => {
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^key +value +target +result +how$/);
    const rows = lines.slice(1, -1).map((l) => l.split(/\s+/)[0]);
    expect(rows).toEqual(Object.keys(data));
    expect(stdout).toMatch(/\nratio_plain_ssh +[0-9.]+ x +>= 100 x +(ok|MISSED) +op_ms_plain_ssh \/ op_ms_ours\n/);
    expect(stdout).toMatch(/\necho_pipelined_msgs_per_s +[0-9]+ msg\/s +>= 5000 msg\/s +(ok|MISSED) +burst window 16, 200 echoes in /);
    expect(lines[lines.length - 1]).toBe('wrote quick.json');
  });

  test('progress goes to stderr, one header per benchmark', () => {
    expect(stderr.match(/^bench [a-z-]+: /gm)).toEqual(['bench rsc: ', 'bench remote-op: ', 'bench echo: ']);
  });
});
