#!/usr/bin/env node
// Runs the jest suite with a JSON result and prints the plain "N passed, N failed, N skipped" line CI reads.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'reports', 'jest.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.rmSync(out, { force: true });
const jestBin = require.resolve('jest/bin/jest');
// Two workers even on a 2-core runner (jest's default there is one, i.e. in band): most suites wait on sockets, QEMU
// and child processes, not on the CPU; and a worker that keeps a handle open is ended by jest instead of hanging CI.
const args = [jestBin, '--ci', '--json', `--outputFile=${out}`, '--maxWorkers=2', '--forceExit', ...process.argv.slice(2)];
const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
const status = run.status ?? 1;
const summary = spawnSync(process.execPath, [path.join(__dirname, 'summary.js'), out], { stdio: 'inherit' });
process.exit(status || summary.status || 0);
