// The lease on the board (/run/rproc-hil.lease) over the virtual board's own shell: acquire, wait, take over, renew, release.
import { BoardLease, LEASE_PATH, leaseWaitSeconds, parseLease } from '../../harness/board';
import { InfraError } from '../../harness/errors';
import { InProcessRunner } from '../remoteproc/in-process-runner';
import { disposeBoards, makeBoard, read, readErr, type TestBoard } from '../virtual/kernel/fixtures';

afterAll(disposeBoards);

const other = (expiresAt: string) => JSON.stringify({ owner: 'ci-nightly', host: 'lab-runner-2', pid: 4242, expiresAt });
const future = () => new Date(Date.now() + 3600_000).toISOString();
const past = () => new Date(Date.now() - 60_000).toISOString();

function lease(b: TestBoard, over: Partial<ConstructorParameters<typeof BoardLease>[0]> = {}): BoardLease {
  return new BoardLease({ runner: new InProcessRunner(b), board: 'virtual-mp157', owner: 'alice', host: 'desk-1', pid: 100, leaseWaitS: 0, pollMs: 20, ...over });
}

async function leaseOnBoard(b: TestBoard) {
  return parseLease(await read(b, LEASE_PATH));
}

describe('lease', () => {
  test('acquire writes {owner, host, pid, expiresAt} as ISO-8601 and release removes it', async () => {
    const b = await makeBoard();
    const l = lease(b, { ttlS: 120 });
    const { record } = await l.acquire();
    const onBoard = await leaseOnBoard(b);
    expect(onBoard).toEqual(record);
    expect(onBoard).toMatchObject({ owner: 'alice', host: 'desk-1', pid: 100 });
    expect(onBoard?.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(record.expiresAt)).toBeGreaterThan(Date.now() + 100_000);
    expect(await l.release()).toEqual({ removed: true });
    expect(await readErr(b, LEASE_PATH)).toBe('ENOENT');
  });

  test('renew pushes the expiry forward and the heartbeat does it by itself', async () => {
    const b = await makeBoard();
    const l = lease(b, { ttlS: 2, heartbeatMs: 30 });
    const first = (await l.acquire()).record;
    await new Promise((r) => setTimeout(r, 1100)); // the board's clock has whole seconds
    const renewed = await l.renew();
    expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.parse(first.expiresAt));
    expect(await leaseOnBoard(b)).toEqual(renewed);
    await new Promise((r) => setTimeout(r, 1100));
    const beaten = await leaseOnBoard(b);
    expect(Date.parse(beaten?.expiresAt ?? '')).toBeGreaterThan(Date.parse(renewed.expiresAt));
    await l.release();
  });

  test('a lease held by another runner is waited for, then E_LEASE names owner, host, pid and expiry', async () => {
    const b = await makeBoard();
    const until = future();
    await b.fs.writeFile(LEASE_PATH, Buffer.from(other(until)));
    const l = lease(b, { leaseWaitS: 0.2 });
    const err = await l.acquire().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect((err as InfraError).code).toBe('E_LEASE');
    expect((err as InfraError).message).toBe(
      `board virtual-mp157 is leased by ci-nightly on lab-runner-2 (pid 4242) until ${until}; waited 0.2 s (--lease-wait / HIL_LEASE_WAIT_S). Wait for that run to end or raise --lease-wait`,
    );
    expect(await read(b, LEASE_PATH)).toBe(other(until));
  });

  test('a held lease that is released while waiting is taken', async () => {
    const b = await makeBoard();
    await b.fs.writeFile(LEASE_PATH, Buffer.from(other(future())));
    const l = lease(b, { leaseWaitS: 10 });
    const taking = l.acquire();
    setTimeout(() => void b.fs.unlink(LEASE_PATH), 100);
    expect((await taking).record.owner).toBe('alice');
    expect((await leaseOnBoard(b))?.owner).toBe('alice');
    await l.release();
  });

  test('an expired lease is taken over and reported', async () => {
    const b = await makeBoard();
    const expired = past();
    await b.fs.writeFile(LEASE_PATH, Buffer.from(other(expired)));
    const l = lease(b);
    const r = await l.acquire();
    expect(r.tookOverFrom).toEqual({ owner: 'ci-nightly', host: 'lab-runner-2', pid: 4242, expiresAt: expired });
    expect((await leaseOnBoard(b))?.owner).toBe('alice');
    await l.release();
  });

  test("release never removes another owner's lease", async () => {
    const b = await makeBoard();
    const l = lease(b);
    await l.acquire();
    // our lease expired and another runner took the board over
    await b.fs.writeFile(LEASE_PATH, Buffer.from(other(future())));
    const r = await l.release();
    expect(r).toEqual({ removed: false, heldBy: expect.objectContaining({ owner: 'ci-nightly' }) });
    expect(parseLease(await read(b, LEASE_PATH))?.owner).toBe('ci-nightly');
  });

  test('renew after a takeover reports the lease lost, naming the new holder', async () => {
    const b = await makeBoard();
    const l = lease(b);
    await l.acquire();
    const until = future();
    await b.fs.writeFile(LEASE_PATH, Buffer.from(other(until)));
    await expect(l.renew()).rejects.toThrow(
      `lease on board virtual-mp157 was lost: it is now held by ci-nightly on lab-runner-2 (pid 4242) until ${until}; this run no longer owns the board`,
    );
    expect(parseLease(await read(b, LEASE_PATH))?.owner).toBe('ci-nightly');
  });

  test('a second runner of the same user on the same host (other pid) does not share the board', async () => {
    const b = await makeBoard();
    const first = lease(b, { pid: 1 });
    await first.acquire();
    await expect(lease(b, { pid: 2 }).acquire()).rejects.toThrow(/is leased by alice on desk-1 \(pid 1\)/);
    await first.release();
  });

  test('an unreadable lease file is never overwritten; the error says to remove it by hand', async () => {
    const b = await makeBoard();
    await b.fs.writeFile(LEASE_PATH, Buffer.from('locked by bob'));
    await expect(lease(b).acquire()).rejects.toThrow(
      'board virtual-mp157 has a lease file /run/rproc-hil.lease this harness cannot read ("locked by bob"); remove it by hand if no runner uses the board; waited 0 s (--lease-wait / HIL_LEASE_WAIT_S). Wait for that run to end or raise --lease-wait',
    );
    expect(await read(b, LEASE_PATH)).toBe('locked by bob');
  });

  test('a lock directory left behind by a runner killed mid-write is reported with what to remove', async () => {
    const b = await makeBoard();
    b.fs.mkdir(`${LEASE_PATH}.lock`, { recursive: true });
    await expect(lease(b, { leaseWaitS: 0.1 }).acquire()).rejects.toThrow(
      'board virtual-mp157: could not take the lease /run/rproc-hil.lease: the lock /run/rproc-hil.lease.lock stayed busy or the lease kept changing (if no runner uses the board, remove that directory); waited 0.1 s (--lease-wait / HIL_LEASE_WAIT_S)',
    );
    expect(await readErr(b, LEASE_PATH)).toBe('ENOENT');
  });

  test('two runners racing for a free board: exactly one gets it', async () => {
    const b = await makeBoard();
    const a = lease(b, { owner: 'a', leaseWaitS: 0.3 });
    const c = lease(b, { owner: 'c', leaseWaitS: 0.3 });
    const results = await Promise.allSettled([a.acquire(), c.acquire()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = results[0]?.status === 'fulfilled' ? 'a' : 'c';
    expect((await leaseOnBoard(b))?.owner).toBe(winner);
    a.stopHeartbeat();
    c.stopHeartbeat();
  });
});

describe('heartbeat and lease-wait', () => {
  test('the heartbeat tells onLost when another runner took the board over', async () => {
    const b = await makeBoard();
    const lost: string[] = [];
    const l = lease(b, { heartbeatMs: 20, onLost: (e) => lost.push(e.message) });
    await l.acquire();
    const until = future();
    await b.fs.writeFile(LEASE_PATH, Buffer.from(other(until)));
    for (let i = 0; i < 200 && lost.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(lost).toEqual([`lease on board virtual-mp157 was lost: it is now held by ci-nightly on lab-runner-2 (pid 4242) until ${until}; this run no longer owns the board`]);
    expect(l.record).toBeUndefined();
    expect(parseLease(await read(b, LEASE_PATH))?.owner).toBe('ci-nightly');
  });

  test('--lease-wait wins over HIL_LEASE_WAIT_S, which wins over the default 60', () => {
    expect(leaseWaitSeconds('5', { HIL_LEASE_WAIT_S: '30' })).toBe(5);
    expect(leaseWaitSeconds(undefined, { HIL_LEASE_WAIT_S: '30' })).toBe(30);
    expect(leaseWaitSeconds(undefined, {})).toBe(60);
    expect(() => leaseWaitSeconds(undefined, { HIL_LEASE_WAIT_S: 'soon' })).toThrow(
      'HIL_LEASE_WAIT_S is "soon"; expected the number of seconds to wait for a board leased by another runner (e.g. 60, or 0 to fail at once)',
    );
    expect(() => leaseWaitSeconds('-1')).toThrow(/^--lease-wait is "-1"/);
  });
});

describe('lease write read-back', () => {
  test('a lease write that does not read back is removed and reported, so no runner is blocked by an unreadable lease', async () => {
    const b = await makeBoard();
    const inner = new InProcessRunner(b);
    // the board stores a torn lease: the JSON loses its last characters on the way to the file
    const tearing = {
      exec: (cmd: string, opts: Parameters<InProcessRunner['exec']>[1]) => inner.exec(cmd.replace(/printf %s '(\{[^']*\})' >/, (_m, json: string) => `printf %s '${json.slice(0, -5)}' >`), opts),
      stream: (cmd: string) => inner.stream(cmd),
    };
    const l = new BoardLease({ runner: tearing, board: 'virtual-mp157', owner: 'alice', host: 'desk-1', pid: 100, leaseWaitS: 0, pollMs: 20 });
    await expect(l.acquire()).rejects.toMatchObject({ code: 'E_REMOTE', message: expect.stringContaining(`the lease ${LEASE_PATH} on board virtual-mp157 did not read back as written (a corrupted write?); it was removed so no runner is blocked by it`) });
    expect(await readErr(b, LEASE_PATH)).toBe('ENOENT');
  });
});
