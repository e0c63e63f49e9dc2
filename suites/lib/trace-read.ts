// Reads trace files for the trace and crash suites, attaching each read to the test's evidence.
import * as path from 'node:path';
import { session } from '../../harness/jest';

/** debugfs trace file names present now, e.g. ["trace0"] (remoteproc.md §4) */
export async function traceNames(): Promise<string[]> {
  return (await session().remoteproc.listTraces()).map((p) => path.posix.basename(p));
}

/** `cat traceN` (text up to the first NUL, remoteproc.md §4), attached as evidence under `label` */
export async function readTrace(label: string, index = 0): Promise<string> {
  const text = await session().remoteproc.readTrace(index);
  session().attach(`${label}.txt`, text, 'trace');
  return text;
}

/** polls trace0 until `ready(text)` or the budget ends; returns the last text read (the firmware logs asynchronously) */
export async function readTraceUntil(label: string, ready: (text: string) => boolean, budgetMs: number): Promise<string> {
  const deadline = Date.now() + budgetMs;
  let text = await session().remoteproc.readTrace(0);
  while (!ready(text) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    text = await session().remoteproc.readTrace(0);
  }
  session().attach(`${label}.txt`, text, 'trace');
  return text;
}

/** a trace excerpt for a failure message: the end is where the newest lines are */
export function tail(text: string, chars = 400): string {
  return JSON.stringify(text.length > chars ? `…${text.slice(-chars)}` : text);
}
