#!/usr/bin/env node
// `npm run hil`: on a fresh Debian machine installs what is missing (apt tools, node_modules, firmware builds), then runs the hil CLI.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const MIN_NODE_MAJOR = 20;

/** Host tools by what needs them; `packages` are the Debian packages that provide them (reference/toolchain.md). */
const TOOLS = {
  make: { label: 'make', packages: ['make'] },
  gcc: { label: 'arm-none-eabi-gcc', packages: ['gcc-arm-none-eabi'] },
  newlib: { label: 'newlib for arm-none-eabi', packages: ['libnewlib-arm-none-eabi'] },
  qemu: { label: 'qemu-system-arm', packages: ['qemu-system-arm'] },
  socat: { label: 'socat', packages: ['socat'] },
};

/** The --board names of the arguments (comma lists and --board=X too); null when --board is absent (the twin boards). */
function boardsOf(args) {
  const boards = [];
  let given = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') break;
    if (a === '--board' && args[i + 1] !== undefined) {
      given = true;
      boards.push(...args[++i].split(','));
    } else if (a.startsWith('--board=')) {
      given = true;
      boards.push(...a.slice('--board='.length).split(','));
    }
  }
  return given ? boards.map((b) => b.trim()).filter((b) => b !== '') : null;
}

function hasFlag(args, name) {
  const end = args.indexOf('--');
  const part = end === -1 ? args : args.slice(0, end);
  return part.some((a) => a === name || a.startsWith(`${name}=`));
}

/**
 * What to do before the CLI runs, from the arguments and what the machine has (`probe`, injected by tests):
 * `{ error?, missing: [labels], apt: [argv...] | null, manual: string | null, npmCi, buildFirmware }`.
 * probe: { nodeVersion, hasCommand(name), hasNewlib(), isRoot, nodeModulesStale, firmwareStale }
 */
function planSetup(args, probe) {
  const major = Number(/^v?(\d+)/.exec(probe.nodeVersion)?.[1] ?? 0);
  if (major < MIN_NODE_MAJOR) {
    return { error: `rproc-hil needs Node ${MIN_NODE_MAJOR} or newer, this is ${probe.nodeVersion}; install Node ${MIN_NODE_MAJOR} (e.g. apt-get install nodejs from NodeSource) and run again` };
  }
  const help = hasFlag(args, '--help') || hasFlag(args, '-h');
  const boards = boardsOf(args);
  const names = boards ?? ['twin-mp157', 'twin-mp257'];
  const inProcess = names.some((b) => /^(virtual|twin)-/.test(b));
  const twin = names.some((b) => /^twin-/.test(b));
  const buildFirmware = !help && !hasFlag(args, '--firmware') && probe.firmwareStale;
  const needs = [];
  if (buildFirmware) needs.push(TOOLS.make, TOOLS.gcc, TOOLS.newlib);
  if (!help && twin) needs.push(TOOLS.qemu);
  if (!help && inProcess) needs.push(TOOLS.socat);
  const missing = needs.filter((t) => {
    if (t === TOOLS.newlib) return !probe.hasCommand('arm-none-eabi-gcc') || !probe.hasNewlib();
    if (t === TOOLS.gcc) return !probe.hasCommand('arm-none-eabi-gcc');
    return !probe.hasCommand(t.label);
  });
  const packages = [...new Set(missing.flatMap((t) => t.packages))];
  let apt = null;
  let manual = null;
  if (packages.length > 0) {
    const install = ['apt-get', 'install', '-y', '--no-install-recommends', ...packages];
    const sudo = probe.isRoot ? [] : probe.hasCommand('sudo') ? ['sudo'] : null;
    if (sudo === null) manual = `sudo sh -c 'apt-get update && ${install.join(' ')}'`;
    else apt = [[...sudo, 'apt-get', 'update'], [...sudo, ...install]];
  }
  return { missing: missing.map((t) => t.label), packages, apt, manual, npmCi: probe.nodeModulesStale, buildFirmware };
}

function newestMtime(p, filter) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return filter(p) ? st.mtimeMs : 0;
  let newest = 0;
  for (const name of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name), filter));
  return newest;
}

/** The real machine: PATH lookups without a shell, file times for node_modules and the firmware builds. */
function machineProbe() {
  const hasCommand = (name) =>
    (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
      try {
        fs.accessSync(path.join(dir || '.', name), fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  const lock = path.join(root, 'package-lock.json');
  const nm = path.join(root, 'node_modules');
  // npm rewrites node_modules/.package-lock.json on every install
  const installedAt = newestMtime(path.join(nm, '.package-lock.json'), () => true) || newestMtime(path.join(nm, '.bin'), () => false);
  const fw = path.join(root, 'firmware');
  const sources = Math.max(
    ...['common', 'soc', 'tools'].map((d) => newestMtime(path.join(fw, d), () => true)),
    newestMtime(path.join(fw, 'Makefile'), () => true),
    newestMtime(path.join(fw, 'variants.yaml'), () => true),
  );
  const built = newestMtime(path.join(fw, 'build'), (f) => f.endsWith('.elf'));
  return {
    nodeVersion: process.version,
    hasCommand,
    hasNewlib() {
      try {
        const libc = execFileSync('arm-none-eabi-gcc', ['-print-file-name=libc.a'], { encoding: 'utf8' }).trim();
        return path.isAbsolute(libc) && fs.existsSync(libc);
      } catch {
        return false;
      }
    },
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    nodeModulesStale: !fs.existsSync(nm) || installedAt < newestMtime(lock, () => true),
    firmwareStale: built === 0 || built < sources,
  };
}

function run(argv, what, env = process.env) {
  process.stderr.write(`rproc-hil: ${what}: ${argv.join(' ')}\n`);
  const r = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    process.stderr.write(`rproc-hil: ${what} failed (${r.error ? r.error.message : `exit ${r.status ?? r.signal}`}); fix that and run \`npm run hil\` again\n`);
    process.exit(2);
  }
}

function main(args) {
  const plan = planSetup(args, machineProbe());
  if (plan.error) {
    process.stderr.write(`rproc-hil: ${plan.error}\n`);
    process.exit(2);
  }
  if (plan.manual) {
    process.stderr.write(`rproc-hil: missing ${plan.missing.join(', ')}, and installing them needs root; run:\n  ${plan.manual}\nthen \`npm run hil\` again\n`);
    process.exit(2);
  }
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const argv of plan.apt ?? []) run(argv, `installing ${plan.missing.join(', ')}`, aptEnv);
  if (plan.npmCi) {
    const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
    run([...npm, 'ci'], 'installing node_modules (package-lock.json is newer)');
  }
  if (plan.buildFirmware) run(['make', '-C', 'firmware', `-j${Math.max(1, os.cpus().length)}`], 'building the test firmware');
  // the CLI runs in this process, so SIGINT/SIGTERM reach its handlers directly
  process.argv = [process.argv[0], path.join(__dirname, 'run-cli.js'), 'hil', ...args];
  require('./run-cli.js');
}

module.exports = { planSetup, boardsOf, machineProbe, TOOLS };

if (require.main === module) main(process.argv.slice(2));
