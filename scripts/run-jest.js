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
// The suites' end-to-end tests deploy firmware/build/<port>: build it once here (make is incremental), so no test
// spends its budget compiling and no two jest workers run make in the same directory at once.
const hasCommand = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
if (hasCommand('make') && hasCommand('arm-none-eabi-gcc')) {
  const made = spawnSync('make', ['-C', path.join(root, 'firmware'), '-j2', '--no-print-directory'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (made.status !== 0) {
    console.error('rproc-hil: building the test firmware failed (make -C firmware); the tests that deploy it will fail');
  }
} else {
  console.error('rproc-hil: make or arm-none-eabi-gcc is missing, so the test firmware is not built: tests that need it skip (apt-get install --no-install-recommends make gcc-arm-none-eabi libnewlib-arm-none-eabi)');
}
// Tests that start a CLI as users do (`node scripts/run-cli.js hil ...`) find dist/ built, instead of several of them
// compiling it at once inside their own time budgets.
require('./ensure-built').ensureBuilt();
const jestBin = require.resolve('jest/bin/jest');
// Two workers even on a 2-core runner (jest's default there is one, i.e. in band): most suites wait on sockets, QEMU
// and child processes, not on the CPU; and a worker that keeps a handle open is ended by jest instead of hanging CI.
const args = [jestBin, '--ci', '--json', `--outputFile=${out}`, '--maxWorkers=2', '--forceExit', ...process.argv.slice(2)];
const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
const status = run.status ?? 1;
const summary = spawnSync(process.execPath, [path.join(__dirname, 'summary.js'), out], { stdio: 'inherit' });
process.exit(status || summary.status || 0);
