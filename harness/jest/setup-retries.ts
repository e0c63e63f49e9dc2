// setupFilesAfterEnv of a board run: applies the session's --retries to every test (failed attempts are kept as retry reasons).
import { session } from './register';

const retries = session().spec.retries;
if (retries > 0) jest.retryTimes(retries, { logErrorsBeforeRetry: true });
