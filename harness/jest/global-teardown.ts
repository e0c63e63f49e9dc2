// jest globalTeardown of a board's run: restore the snapshot, release the lease, close; exit 3 after a board-level failure.
import { finishRun } from './finish';
import { glueState } from './state';

export default async function globalTeardown(): Promise<void> {
  const state = glueState();
  if (!state) return;
  const exitCode = await finishRun(state);
  if (exitCode !== undefined) process.exit(exitCode);
}
