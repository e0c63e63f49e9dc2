#!/usr/bin/env node
// Prints "N passed, N failed, N skipped" from jest's --json result (reports/jest.json); exit 1 when it is missing.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const file = process.argv[2] ?? path.resolve(__dirname, '..', 'reports', 'jest.json');
if (!fs.existsSync(file)) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const r = JSON.parse(fs.readFileSync(file, 'utf8'));
// A test file that fails to load has no failed test of its own; count it as one failure.
const brokenFiles = r.testResults.filter((t) => t.status === 'failed' && t.assertionResults.every((a) => a.status !== 'failed')).length;
console.log(`${r.numPassedTests} passed, ${r.numFailedTests + brokenFiles} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
