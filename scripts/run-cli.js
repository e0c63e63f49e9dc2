#!/usr/bin/env node
// Starts a compiled CLI from dist/, rebuilding first only when a source file is newer than the build.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const { ensureBuilt, root } = require('./ensure-built');

const [name, ...args] = process.argv.slice(2);
const entry = path.join(root, 'dist', 'harness', 'cli', `${name}.js`);
if (!ensureBuilt()) process.exit(2);
if (!fs.existsSync(entry)) {
  console.error(`rproc-hil: no CLI named "${name}" (expected ${path.relative(root, entry)})`);
  process.exit(2);
}
process.argv = [process.argv[0], entry, ...args];
// runMain makes the CLI the main module, so its `require.main === module` guard holds as with `node dist/...`.
require('node:module').runMain();
