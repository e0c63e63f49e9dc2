// Fuzz: the remoteproc driver, health check, lease and snapshot against a board whose every answer is generated (often wrong): typed errors only.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { BoardLease, checkHealth, takeSnapshot } from '../../harness/board';
import { loadProfile } from '../../harness/config';
import { RemoteprocDriver, type CommandRunner, type ExecResult, type RemoteStream } from '../../harness/remoteproc';
import { firmwareImage } from '../virtual/kernel/fixtures';
import { params, runs, Tally, typedOnlyAsync } from './fuzz-kit';
import { damaged, dfText, dmesgText, hexdumpOf, leaseText, rscDumpText } from './remote-text';

const profile = loadProfile('virtual-mp157');
const FW = firmwareImage();

/** What a board can answer to one command: right, wrong, failing, killed. */
type Answer = ExecResult;

const ok = (stdout: string): Answer => ({ stdout, stderr: '', code: 0 });
const junk: fc.Arbitrary<Answer> = fc.record({
  stdout: fc.oneof(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200, unit: 'binary' })),
  stderr: fc.oneof(fc.constant(''), fc.string({ maxLength: 80 }), fc.constantFrom('bash: echo: write error: Device or resource busy\n', 'bash: echo: write error: Invalid argument\n', 'sh: write error: No space left on device\n', 'cat: can\'t open: Permission denied\n')),
  code: fc.oneof(fc.constantFrom(0, 1, 2, 73, 75, 127, 255), fc.constant(null)),
});
const sha = fc.constantFrom('', '0'.repeat(64), 'ffff', createHash('sha256').update(FW).digest('hex')).map((h) => ({ stdout: `${h}  /lib/firmware/x\n`, stderr: '', code: 0 }));

/** Per command family, a pool of answers: mostly plausible (so later code paths are reached), always some garbage. */
const pools = fc.record({
  name: fc.array(fc.oneof(fc.constant(ok('/sys/class/remoteproc/remoteproc0/name:m4\n')), fc.constant(ok('/sys/class/remoteproc/remoteproc1/name:m4\n/sys/class/remoteproc/remoteproc0/name:other\n')), fc.string({ maxLength: 120 }).map(ok), junk), { minLength: 1, maxLength: 4 }),
  state: fc.array(fc.oneof(fc.constantFrom('offline\n', 'running\n', 'crashed\n', 'detached\n', 'bogus\n', '').map(ok), junk), { minLength: 1, maxLength: 4 }),
  write: fc.array(fc.oneof(fc.constant(ok('')), junk), { minLength: 1, maxLength: 4 }),
  dmesg: fc.array(fc.oneof(dmesgText.map(ok), damaged(dmesgText).map(ok), junk), { minLength: 1, maxLength: 4 }),
  sha: fc.array(fc.oneof(sha, junk), { minLength: 1, maxLength: 4 }),
  ls: fc.array(fc.oneof(fc.constantFrom('trace0\ntrace1\n', 'devcd1 devcd12\n', '/dev/ttyRPMSG0 /dev/ttyRPMSG1\n', 'trace99999999999999999999\n').map(ok), junk), { minLength: 1, maxLength: 4 }),
  rsc: fc.array(fc.oneof(rscDumpText.map(ok), damaged(rscDumpText).map(ok), junk), { minLength: 1, maxLength: 4 }),
  base64: fc.array(fc.oneof(fc.uint8Array({ maxLength: 200 }).map((b) => ok(Buffer.from(b).toString('base64'))), fc.constant({ stdout: '', stderr: 'sh: base64: not found\n', code: 127 }), junk), { minLength: 1, maxLength: 3 }),
  hexdump: fc.array(fc.oneof(fc.uint8Array({ maxLength: 200 }).map((b) => ok(hexdumpOf(b, true))), damaged(fc.uint8Array({ maxLength: 100 }).map((b) => hexdumpOf(b, false))).map(ok), junk), { minLength: 1, maxLength: 3 }),
  lease: fc.array(fc.oneof(leaseText.map((t) => ok(`1700000000\n${t}\n`)), junk), { minLength: 1, maxLength: 3 }),
  df: fc.array(fc.oneof(dfText.map(ok), junk), { minLength: 1, maxLength: 3 }),
  other: fc.array(junk, { minLength: 1, maxLength: 4 }),
});
type Pools = Record<'name' | 'state' | 'write' | 'dmesg' | 'sha' | 'ls' | 'rsc' | 'base64' | 'hexdump' | 'lease' | 'df' | 'other', Answer[]>;

const FAMILIES: [RegExp, keyof Pools][] = [
  [/^grep -H \. \/sys\/class\/remoteproc/, 'name'],
  [/^cat \S*\/(state|recovery|coredump|firmware|fw_format)$/, 'state'],
  [/^echo /, 'write'],
  [/^dmesg/, 'dmesg'],
  [/^sha256sum /, 'sha'],
  [/^ls /, 'ls'],
  [/resource_table/, 'rsc'],
  [/^base64 /, 'base64'],
  [/^hexdump /, 'hexdump'],
  [/^date \+%s/, 'lease'],
  [/^df /, 'df'],
];

/** A CommandRunner whose answers come from the generated pools, in turn per family; it records what was asked. */
class HostileBoard implements CommandRunner {
  readonly asked: string[] = [];
  private readonly turn = new Map<string, number>();

  constructor(private readonly pools: Pools) {}

  async exec(command: string): Promise<ExecResult> {
    this.asked.push(command);
    const family = FAMILIES.find(([re]) => re.test(command))?.[1] ?? 'other';
    const pool = this.pools[family];
    const i = this.turn.get(family) ?? 0;
    this.turn.set(family, i + 1);
    await Promise.resolve();
    return pool[i % pool.length] as Answer;
  }

  async stream(): Promise<RemoteStream> {
    throw new Error('the hostile board opens no streams in this test');
  }
}

const WAIT = { timeoutMs: 3 };
type Op = (d: RemoteprocDriver) => Promise<unknown>;
const OPS: Record<string, Op> = {
  instance: (d) => d.instance(),
  state: (d) => d.state(),
  firmware: (d) => d.firmware(),
  setFirmware: (d) => d.setFirmware('rproc-hil-ok.elf'),
  start: (d) => d.start(),
  stop: (d) => d.stop(),
  waitRunning: (d) => d.waitForState('running', WAIT),
  ttys: (d) => d.ttys(),
  waitTtys: (d) => d.waitForTtys(2, WAIT),
  traces: (d) => d.listTraces(),
  readTrace: (d) => d.readTrace(0),
  recovery: (d) => d.getRecovery(),
  setRecovery: (d) => d.setRecovery('enabled'),
  coredumpMode: (d) => d.getCoredump(),
  resourceTable: (d) => d.resourceTable(),
  coredumps: (d) => d.listCoredumps(),
  fetchCoredump: (d) => d.fetchCoredump(WAIT),
  deploy: (d) => d.deploy(FW, 'rproc-hil-ok.elf'),
  deployImage: (d) => d.deployImage(FW, 'rproc-hil-ok.elf'),
  format: (d) => d.firmwareFormat(),
  crash: (d) => d.crash(1),
  since: async (d) => d.since(await d.mark()),
};

describe('a board that answers anything', () => {
  test(`driver operations end in a value or E_REMOTE/E_TIMEOUT, never a TypeError or RangeError (${runs(1_000)} sequences)`, async () => {
    const tally = new Tally();
    await fc.assert(
      fc.asyncProperty(pools, fc.array(fc.constantFrom(...Object.keys(OPS)), { minLength: 1, maxLength: 6 }), async (p, ops) => {
        const board = new HostileBoard(p);
        const driver = new RemoteprocDriver({ runner: board, profile, board: 'hostile', pollMs: 1 });
        for (const op of ops) tally.add(`${op}:${await typedOnlyAsync(() => (OPS[op] as Op)(driver), ['E_REMOTE', 'E_TIMEOUT'])}`);
      }),
      params(1_000),
    );
    // the pools reach the success path of the reads as well as their refusals
    for (const op of ['state', 'resourceTable', 'deploy', 'fetchCoredump']) expect([op, tally.has(`${op}:E_REMOTE`)]).toEqual([op, true]);
    for (const op of ['state', 'resourceTable', 'deploy', 'ttys']) expect([op, tally.has(`${op}:ok`)]).toEqual([op, true]);
  }, 120_000 * (runs(1_000) / 1_000));

  test(`health check, snapshot and lease: a report, a snapshot or a typed error (${runs(500)} boards)`, async () => {
    const tally = new Tally();
    await fc.assert(
      fc.asyncProperty(pools, async (p) => {
        const board = new HostileBoard(p);
        const remoteproc = new RemoteprocDriver({ runner: board, profile, board: 'hostile', pollMs: 1 });
        const report = await checkHealth({ board: 'hostile', profile, runner: board, remoteproc });
        expect(report.checks.map((c) => c.name)).toEqual(['ssh', 'remoteproc', 'compatible', 'firmware-space']);
        tally.add(`snapshot:${await typedOnlyAsync(() => takeSnapshot(remoteproc, profile), ['E_REMOTE', 'E_TIMEOUT'])}`);
        const lease = new BoardLease({ runner: board, board: 'hostile', leaseWaitS: 0, pollMs: 1, ttlS: 60 });
        tally.add(`lease:${await typedOnlyAsync(() => lease.acquire(), ['E_REMOTE', 'E_LEASE'])}`);
        lease.stopHeartbeat();
      }),
      params(500),
    );
    expect([tally.has('lease:ok'), tally.has('lease:E_REMOTE')]).toEqual([true, true]);
  }, 60_000 * (runs(500) / 500));
});
