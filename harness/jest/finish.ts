// Ends a board session: restore + release + close, then the exit code a board-level failure demands (infra.json written).
import { EXIT_INFRA, writeInfra } from './infra';
import { closeSession } from './session';
import type { GlueState } from './state';

/** undefined = a normal end; EXIT_INFRA after a board-level failure (then `.work/<board>/infra.json` says which) */
export async function finishRun(state: GlueState): Promise<number | undefined> {
  const problems = await closeSession(state);
  for (const p of problems) process.stderr.write(`rproc-hil: ${p}\n`);
  const infra = state.infra ?? (problems[0] !== undefined ? { code: 'E_REMOTE', message: problems[0] } : undefined);
  if (!infra) return undefined;
  writeInfra(state.spec.workDir, infra);
  process.stderr.write(`rproc-hil: board ${state.spec.board}: ${infra.message}\n`);
  return EXIT_INFRA;
}
