// What the board says about itself over SSH: DT compatible string and kernel release (DESIGN §5 Kernel model).
import { loadProfile } from '../../../harness/config';
import { startBoard, stopBoards } from './board-fixture';

afterAll(stopBoards);

describe('board identity over SSH', () => {
  test('/proc/device-tree/compatible holds the profile compatibles, NUL-separated (MP15)', async () => {
    const t = await startBoard('virtual-mp157');
    const res = await t.remote.exec('cat /proc/device-tree/compatible');
    expect(res.stdout).toBe(`${loadProfile('virtual-mp157').compatible.join('\0')}\0`);
    expect(res.stdout).toContain('st,stm32mp157');
  });

  test('uname -r is the profile kernel release and uname -n the board hostname (MP25)', async () => {
    const t = await startBoard('virtual-mp257');
    const p = loadProfile('virtual-mp257');
    expect((await t.remote.exec('uname -r; uname -n')).stdout).toBe(`${p.kernel.release}\n${p.virtual?.hostname ?? ''}\n`);
    expect((await t.remote.exec('cat /proc/device-tree/compatible')).stdout).toContain('st,stm32mp257');
  });
});
