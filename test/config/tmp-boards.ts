// Test helper: a throw-away boards/ directory holding copies of the real profiles plus the files a test writes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REAL_BOARDS = path.resolve(__dirname, '../../boards');

export interface TmpBoards {
  dir: string;
  write(name: string, text: string): string;
  read(name: string): string;
  cleanup(): void;
}

export function tmpBoards(): TmpBoards {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hil-config-'));
  for (const f of fs.readdirSync(REAL_BOARDS)) {
    if (f.endsWith('.yaml')) fs.copyFileSync(path.join(REAL_BOARDS, f), path.join(dir, f));
  }
  return {
    dir,
    write(name, text) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    },
    read(name) {
      return fs.readFileSync(path.join(dir, name), 'utf8');
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The DK2 profile text without its `name:` line, so it can be saved under another file name. */
export function dk2Body(boards: TmpBoards): string {
  return boards.read('stm32mp157f-dk2.yaml').replace(/^name:.*\n/m, '');
}

/** The message of what `fn` throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): Error & { code?: string; details?: Record<string, unknown> } {
  try {
    fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a throw');
}
