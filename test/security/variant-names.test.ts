// Security: hostile --firmware file names are refused at plan time (a ConfigError naming the file) and never become a deployed name.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadProfile } from '../../harness/config';
import { checkFirmwareName } from '../../harness/remoteproc';
import { planVariants } from '../../harness/jest/plan';
import type { SessionSpec } from '../../harness/jest/types';
import { firmwareImage } from '../virtual/kernel/fixtures';

const profile = loadProfile('virtual-mp157');
let root: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'rproc-hil-variants-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let n = 0;
/** a --firmware directory holding one ELF under `file` */
function firmwareDir(file: string): string {
  const dir = path.join(root, `d${n++}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, file), firmwareImage());
  return dir;
}

function spec(dir: string): SessionSpec {
  return {
    runId: '20260101-000000-beef', board: 'sec-01', profile, instance: { name: 'sec-01', type: profile.name, ssh: { host: '127.0.0.1', port: 22, user: 'root', agent: true, hostKey: `SHA256:${'A'.repeat(43)}` }, power: { backend: 'none' } },
    outDir: root, workDir: root, evidenceDir: root, consoleLog: path.join(root, 'c.log'),
    firmwareDir: dir, firmwareSource: 'custom', variants: null, suites: null, leaseWaitS: 0, owner: 'sec', retries: 0,
  };
}

/** File names a Linux file system accepts (no "/" or NUL) that a shell, an option parser or the firmware loader would misread. */
const HOSTILE_FILES = [
  '$(touch pwned).elf', '`id`.elf', 'a;reboot.elf', 'a&&reboot.elf', 'a|reboot.elf', 'line\nbreak.elf', "it's.elf", '"q".elf',
  '-rf.elf', '--help.elf', '.hidden.elf', '..elf', 'a b.elf', 'tab\t.elf', '$HOME.elf', '*.elf', 'UPPER.elf', 'ünï.elf',
  `${'x'.repeat(65)}.elf`, '.elf',
];

describe('--firmware DIR file names (CONTRACT-6: variant names match /^[a-z0-9][a-z0-9._-]{0,63}$/)', () => {
  test.each(HOSTILE_FILES.map((f) => [JSON.stringify(f), f]))('%s is refused at plan time with a ConfigError naming the file', (_label, file) => {
    const dir = firmwareDir(file);
    let error: unknown;
    try {
      planVariants(spec(dir));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining(`--firmware ${path.join(dir, file)}: `) });
    expect((error as Error).message).toMatch(/cannot be a variant name .* rename the file to lower-case letters, digits, \. _ - \(at most 64, starting with a letter or digit\) \+ \.elf$/s);
  });

  test('a good name plans, and its deployed name passes the board-side check', () => {
    const [v] = planVariants(spec(firmwareDir('my-fw_1.2.elf')));
    expect(v?.firmwareName).toBe('rproc-hil-my-fw_1.2.elf');
    expect(checkFirmwareName(v?.firmwareName ?? '')).toBe('rproc-hil-my-fw_1.2.elf');
  });

  // VARIANT_NAME alone admits "..": "fw..v2.elf" would be planned, then refused at deploy by checkFirmwareName
  // (remoteproc/shell-words.ts) in the middle of the run; the plan must refuse it up front.
  test('every name the plan accepts is one the board-side check accepts too ("fw..v2.elf" refused at plan time)', () => {
    const dir = firmwareDir('fw..v2.elf');
    expect(() => planVariants(spec(dir))).toThrow(expect.objectContaining({ code: 'E_CONFIG', message: `--firmware ${path.join(dir, 'fw..v2.elf')}: "fw..v2" cannot be a variant name: it contains ".." and the board's firmware loader refuses path walking; rename the file without ".."` }));
  });
});
