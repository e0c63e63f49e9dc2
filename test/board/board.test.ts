// Board lifecycle over the virtual board's own shell: guard messages, acquire → prepare → release, signals leave it as found.
import { EventEmitter } from 'node:events';
import { Board, LEASE_PATH, parseLease, powerBackend, releaseOnSignals, type SignalTarget } from '../../harness/board';
import { StateError } from '../../harness/errors';
import { InProcessRunner } from '../remoteproc/in-process-runner';
import { disposeBoards, firmwareImage, install, makeBoard, read, readErr, start, type TestBoard } from '../virtual/kernel/fixtures';

afterAll(disposeBoards);

function boardOn(b: TestBoard, name = 'lab-dk2-1'): Board {
  return new Board({
    name,
    profile: b.profile,
    runner: new InProcessRunner(b),
    power: powerBackend({ backend: 'none' }, { board: name }),
    lease: { owner: 'alice', host: 'desk-1', pid: 100, leaseWaitS: 0 },
  });
}

describe('lifecycle guard', () => {
  test('remoteproc before the board is ready names the board, the method and the state', async () => {
    const board = boardOn(await makeBoard());
    expect(() => board.remoteproc).toThrow(StateError);
    expect(() => board.remoteproc).toThrow('board lab-dk2-1: remoteproc is not allowed while the board is idle (allowed when ready)');
    await expect(board.prepare()).rejects.toThrow('board lab-dk2-1: prepare() is not allowed while the board is idle (allowed when leased)');
    await expect(board.release()).rejects.toThrow('board lab-dk2-1: release() is not allowed while the board is idle (allowed when leased or ready)');
  });

  test('acquire twice and anything after release are refused', async () => {
    const board = boardOn(await makeBoard());
    await board.acquire();
    await expect(board.acquire()).rejects.toThrow('board lab-dk2-1: acquire() is not allowed while the board is leased (allowed when idle)');
    expect(() => board.runner).toThrow('board lab-dk2-1: runner is not allowed while the board is leased (allowed when ready)');
    await board.prepare();
    await board.release();
    expect(board.state).toBe('released');
    const e = (() => {
      try {
        return board.power;
      } catch (err) {
        return err;
      }
    })();
    expect(e).toMatchObject({ code: 'E_STATE', details: { board: 'lab-dk2-1', method: 'power', state: 'released' } });
    await expect(board.restore()).rejects.toThrow('board lab-dk2-1: restore() is not allowed while the board is released (allowed when ready)');
  });
});

describe('acquire → prepare → release', () => {
  test('the lease exists while the board is held, the firmware is put back and the lease removed on release', async () => {
    const b = await makeBoard();
    await install(b, 'rproc-m4-fw', firmwareImage());
    const board = boardOn(b);
    await board.acquire();
    expect(parseLease(await read(b, LEASE_PATH))?.owner).toBe('alice');
    const report = await board.prepare();
    expect(report.ok).toBe(true);
    expect(board.snapshot).toEqual({ firmware: 'rproc-m4-fw', state: 'offline', recovery: 'enabled', coredump: 'disabled' });

    await install(b, 'test.elf', firmwareImage());
    await board.remoteproc.setFirmware('test.elf');
    await board.remoteproc.start();
    await board.remoteproc.setCoredump('enabled');

    const done = await board.release();
    expect(done.restore?.actions).toEqual(['stop', 'firmware rproc-m4-fw', 'coredump disabled']);
    expect(done.lease).toEqual({ removed: true });
    expect(await read(b, `${b.sys}/state`)).toBe('offline\n');
    expect(await read(b, `${b.sys}/firmware`)).toBe('rproc-m4-fw\n');
    expect(await readErr(b, LEASE_PATH)).toBe('ENOENT');
  });

  test('prepare refuses a board that fails its health check, and the board stays leased', async () => {
    const b = await makeBoard();
    // an inventory that says EV1 for what is really a DK2
    const ev1 = { ...b.profile, compatible: ['st,stm32mp157c-ev1', 'st,stm32mp157c-ed1', 'st,stm32mp157'] };
    const board = new Board({ name: 'lab-ev1-1', profile: ev1, runner: new InProcessRunner(b), power: powerBackend({ backend: 'none' }, { board: 'lab-ev1-1' }), lease: { leaseWaitS: 0 } });
    await board.acquire();
    await expect(board.prepare()).rejects.toThrow(
      'board lab-ev1-1 failed its health check (1 of 4): compatible: the board\'s compatible is st,stm32mp157f-dk2, st,stm32mp157, not "st,stm32mp157c-ev1" of profile virtual-mp157; is the inventory type right for this board?',
    );
    expect(board.state).toBe('leased');
    expect((await board.release()).lease).toEqual({ removed: true });
  });
});

describe('release when the board cannot be put back', () => {
  test('the lease is still removed and the error says what could not be restored', async () => {
    const b = await makeBoard();
    expect((await start(b, firmwareImage(), 'st-default.elf')).errno).toBeNull(); // found running a firmware
    const board = boardOn(b);
    await board.acquire();
    await board.prepare();
    expect(board.snapshot).toMatchObject({ firmware: 'st-default.elf', state: 'running' });
    await board.remoteproc.stop();
    await b.fs.unlink('/lib/firmware/st-default.elf'); // a test removed the image the board was running
    const e = await board.release().catch((err: unknown) => err);
    expect(e).toMatchObject({ code: 'E_REMOTE' });
    expect((e as Error).message).toMatch(/^board lab-dk2-1 could not be restored as found \(the lease was released\): start of m4 \(remoteproc0\) on lab-dk2-1 failed: ENOENT/);
    expect(board.state).toBe('released');
    expect(await readErr(b, LEASE_PATH)).toBe('ENOENT');
  });
});

describe('releaseOnSignals', () => {
  class FakeProcess extends EventEmitter implements SignalTarget {
    pid = 4321;
    killed: [number, NodeJS.Signals][] = [];
    exited: number[] = [];
    exit(code: number): void {
      this.exited.push(code);
    }
    kill(pid: number, signal: NodeJS.Signals): boolean {
      this.killed.push([pid, signal]);
      return true;
    }
  }

  test('SIGTERM restores the board, removes the lease, then re-raises the signal with the handlers gone', async () => {
    const b = await makeBoard();
    await install(b, 'rproc-m4-fw', firmwareImage());
    const board = boardOn(b);
    await board.acquire();
    await board.prepare();
    await install(b, 'other.elf', firmwareImage());
    await board.remoteproc.setFirmware('other.elf');
    const proc = new FakeProcess();
    releaseOnSignals([board], { target: proc });
    proc.emit('SIGTERM', 'SIGTERM');
    for (let i = 0; i < 200 && proc.killed.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(proc.killed).toEqual([[4321, 'SIGTERM']]);
    expect(proc.listenerCount('SIGTERM')).toBe(0);
    expect(proc.listenerCount('SIGINT')).toBe(0);
    expect(board.state).toBe('released');
    expect(await read(b, `${b.sys}/firmware`)).toBe('rproc-m4-fw\n');
    expect(await readErr(b, LEASE_PATH)).toBe('ENOENT');
  });

  test('when another SIGINT listener would swallow the re-raised signal, the process exits with 130 instead', async () => {
    const b = await makeBoard();
    const board = boardOn(b);
    await board.acquire();
    const proc = new FakeProcess();
    proc.on('SIGINT', () => undefined); // e.g. a progress display's own handler
    releaseOnSignals([board], { target: proc });
    proc.emit('SIGINT', 'SIGINT');
    for (let i = 0; i < 200 && proc.exited.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(proc.exited).toEqual([130]);
    expect(proc.killed).toEqual([]);
    expect(await readErr(b, LEASE_PATH)).toBe('ENOENT');
  });
});
