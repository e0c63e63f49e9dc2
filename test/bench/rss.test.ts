// Peak memory of the process tree (bench/rss.ts): a child's resident memory is found through /proc and counted in the sum.
import { spawn, type ChildProcess } from 'node:child_process';
import { sampleTreeRss, treeOf, treeRssKiB } from '../../bench/rss';

const MIB = 1024;
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

/** a node child holding `mib` MiB of touched memory, resolved once it is allocated */
function hog(mib: number): Promise<ChildProcess> {
  const c = spawn(process.execPath, ['-e', `const b = Buffer.alloc(${mib} * 1024 * 1024, 1); console.log('ready'); setInterval(() => b[0]++, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  child = c;
  return new Promise((resolve, reject) => {
    c.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(c));
    c.on('error', reject);
    c.on('exit', (code) => reject(new Error(`hog exited ${code}`)));
  });
}

describe('process tree memory', () => {
  test('a child is part of the tree and its resident memory is counted', async () => {
    const c = await hog(64);
    expect(treeOf(process.pid)).toContain(c.pid);
    const childKiB = treeRssKiB(c.pid ?? -1);
    expect(childKiB).toBeGreaterThan(64 * MIB);
    expect(treeRssKiB(process.pid)).toBeGreaterThan(childKiB + 10 * MIB); // plus this process itself
  });

  test('the sampler keeps the peak after the child is gone', async () => {
    const sampler = sampleTreeRss(process.pid, 20);
    const c = await hog(96);
    await new Promise((r) => setTimeout(r, 100));
    c.kill('SIGKILL');
    await new Promise((r) => c.once('exit', r));
    const { peakKiB, samples, maxProcesses } = sampler.stop();
    expect(peakKiB).toBeGreaterThan(96 * MIB);
    expect(peakKiB).toBeGreaterThan(treeRssKiB(process.pid) + 80 * MIB);
    expect(samples).toBeGreaterThan(1);
    expect(maxProcesses).toBeGreaterThanOrEqual(2);
  });

  test('a pid that does not exist has no memory and no children', () => {
    expect(treeRssKiB(2 ** 22 + 7)).toBe(0);
    expect(treeOf(2 ** 22 + 7)).toEqual([2 ** 22 + 7]);
  });
});
