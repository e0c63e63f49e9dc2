// Jest reporter of a board run (plain JS: jest loads reporters untransformed): silent on stdout, on stderr only what broke.
'use strict';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

function firstLine(text) {
  return (String(text).replace(ANSI, '').split('\n').find((l) => l.trim() !== '') ?? '').trim();
}

class QuietReporter {
  onTestResult(test, result) {
    if (result.testExecError) process.stderr.write(`rproc-hil: ${test.path} could not run: ${firstLine(result.testExecError.message)}\n`);
    for (const r of result.testResults) {
      if (r.status === 'failed') process.stderr.write(`rproc-hil: FAIL ${[...r.ancestorTitles, r.title].join(' › ')}: ${firstLine(r.failureMessages[0] ?? '')}\n`);
    }
  }

  getLastError() {
    return undefined;
  }
}

module.exports = QuietReporter;
