// The shm window: file offset = da - base, bounds-checked, removed on demand (qemu-twin.md §1.2).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SharedWindow } from '../../../../harness/virtual/coprocessor/twin/window';
import { StateError } from '../../../../harness/errors';

const BASE = 0x21000000;
const SIZE = 16 * 1024 * 1024;

describe('SharedWindow', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-window-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a write at da lands at file offset da - base, and reads come back from the file', () => {
    const file = path.join(dir, 'ram');
    const w = SharedWindow.create(file, BASE, SIZE);
    w.write(BASE + 0xf00000, Buffer.from('TWIN'));
    expect(fs.statSync(file).size).toBe(SIZE);
    const fd = fs.openSync(file, 'r');
    const b = Buffer.alloc(4);
    fs.readSync(fd, b, 0, 4, 0xf00000);
    fs.closeSync(fd);
    expect(b.toString()).toBe('TWIN');
    // another process (QEMU) writing the file is seen by the next read
    fs.writeFileSync(file, Buffer.from([1, 2, 3]), { flag: 'r+' });
    expect([...w.read(BASE, 4)]).toEqual([1, 2, 3, 0]);
    w.remove();
  });

  test('the last byte is reachable, one past it is not', () => {
    const w = SharedWindow.create(path.join(dir, 'ram'), BASE, SIZE);
    w.write(BASE + SIZE - 1, Buffer.of(0x5a));
    expect(w.read(BASE + SIZE - 1, 1)[0]).toBe(0x5a);
    expect(w.contains(BASE + SIZE - 1, 2)).toBe(false);
    expect(() => w.read(BASE + SIZE - 1, 2)).toThrow('shared window read: 2 bytes at 0x21ffffff lie outside [0x21000000, 0x22000000)');
    expect(() => w.write(BASE - 4, Buffer.alloc(4))).toThrow(StateError);
    w.remove();
  });

  test('an existing file is never taken over (each board owns a unique one)', () => {
    const file = path.join(dir, 'ram');
    fs.writeFileSync(file, 'someone else');
    expect(() => SharedWindow.create(file, BASE, SIZE)).toThrow(`cannot create the twin's shared window ${file}`);
    expect(fs.readFileSync(file, 'utf8')).toBe('someone else');
  });

  test('remove deletes the file and later accesses say so', () => {
    const file = path.join(dir, 'ram');
    const w = SharedWindow.create(file, BASE, SIZE);
    w.remove();
    w.remove();
    expect(fs.existsSync(file)).toBe(false);
    expect(() => w.read(BASE, 4)).toThrow(`the twin's shared window ${file} was already removed`);
  });
});
