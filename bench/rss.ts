// Peak resident memory of a process tree (this process and every descendant, e.g. one jest child per board), sampled from /proc.
import * as fs from 'node:fs';

/** pid -> parent pid of every process visible in /proc */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // the command name (field 2) may hold spaces and parentheses: the fields after the last ')' are fixed
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(Number(name), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  return map;
}

function rssKiB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** `root` and its descendants. */
export function treeOf(root: number, ppids: Map<number, number> = parents()): number[] {
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of ppids) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

/** Summed VmRSS of the tree right now, in KiB. */
export function treeRssKiB(root: number = process.pid): number {
  return treeOf(root).reduce((sum, pid) => sum + rssKiB(pid), 0);
}

export interface RssSampler {
  /** stops sampling; the highest sum seen (KiB) and how many samples were taken */
  stop(): { peakKiB: number; samples: number; maxProcesses: number };
}

/** Samples the tree every `everyMs` until stopped (the peak of a jest child's start-up lasts well over 100 ms). */
export function sampleTreeRss(root: number = process.pid, everyMs = 100): RssSampler {
  let peakKiB = 0;
  let samples = 0;
  let maxProcesses = 0;
  const sample = (): void => {
    const tree = treeOf(root);
    const kib = tree.reduce((sum, pid) => sum + rssKiB(pid), 0);
    peakKiB = Math.max(peakKiB, kib);
    maxProcesses = Math.max(maxProcesses, tree.length);
    samples += 1;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakKiB, samples, maxProcesses };
    },
  };
}
