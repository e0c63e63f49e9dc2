// jest globalSetup of a board's run: opens the ONE board session (outer realm) or ends the process with infra.json + exit 2/3.
import * as path from 'node:path';
import { codeOf, EXIT_CONFIG, EXIT_INFRA, messageOf, writeInfra } from './infra';
import { openSession, readSessionSpec } from './session';

export default async function globalSetup(): Promise<void> {
  const sessionFile = process.env.HIL_SESSION;
  try {
    await openSession(readSessionSpec(sessionFile));
  } catch (e) {
    const code = codeOf(e) ?? 'E_REMOTE';
    const message = messageOf(e);
    if (sessionFile) writeInfra(path.dirname(sessionFile), { code, message });
    process.stderr.write(`rproc-hil: ${message}\n`);
    // the exit code is how the parent tells a configuration mistake from a board it could not use
    process.exit(code === 'E_CONFIG' || code === 'E_USAGE' ? EXIT_CONFIG : EXIT_INFRA);
  }
}
