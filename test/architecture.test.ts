// DESIGN §2: imports flow one way through harness/, and only transports/ (plus the virtual board's server) touch ssh2/serialport.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const harness = path.join(root, 'harness');

/** Which harness rooms each room may import from (besides itself). */
const ALLOWED: Record<string, string[]> = {
  'errors.ts': [],
  firmware: ['errors.ts'],
  config: ['errors.ts', 'firmware'],
  transports: ['errors.ts', 'config', 'firmware'],
  remoteproc: ['errors.ts', 'config', 'firmware', 'transports'],
  board: ['errors.ts', 'config', 'firmware', 'transports', 'remoteproc'],
  reporting: ['errors.ts', 'config', 'firmware', 'transports', 'remoteproc', 'board'],
  jest: ['errors.ts', 'config', 'firmware', 'transports', 'remoteproc', 'board', 'reporting'],
  virtual: ['errors.ts', 'config', 'firmware'],
  cli: ['errors.ts', 'config', 'firmware', 'transports', 'remoteproc', 'board', 'reporting', 'jest', 'virtual'],
};

/** Packages that only some rooms may import. */
const RESTRICTED_PACKAGES: Record<string, string[]> = {
  ssh2: ['transports', 'virtual'], // virtual/ runs the board's SSH *server*; every client is in transports/
  serialport: ['transports'],
};

function listTs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return listTs(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

function roomOf(file: string): string {
  return path.relative(harness, file).split(path.sep)[0] ?? '';
}

function importsOf(source: string): string[] {
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(re)) specs.push(m[1] ?? m[2] ?? m[3] ?? '');
  return specs;
}

describe('DESIGN §2 one-way imports', () => {
  const files = fs.existsSync(harness) ? listTs(harness) : [];

  test('every harness file sits in a known room', () => {
    const unknown = files.map(roomOf).filter((r) => !(r in ALLOWED));
    expect(unknown).toEqual([]);
  });

  test('no room imports a room above it, and restricted packages stay in their rooms', () => {
    const violations: string[] = [];
    for (const file of files) {
      const room = roomOf(file);
      const src = fs.readFileSync(file, 'utf8');
      for (const spec of importsOf(src)) {
        if (spec.startsWith('.')) {
          const target = path.resolve(path.dirname(file), spec);
          if (!target.startsWith(harness + path.sep)) {
            violations.push(`${path.relative(root, file)} imports ${spec} from outside harness/`);
            continue;
          }
          const isDir = fs.existsSync(target) && fs.statSync(target).isDirectory();
          const targetRoom = roomOf(isDir ? path.join(target, 'index.ts') : target.endsWith('.ts') ? target : `${target}.ts`);
          const t = targetRoom === 'errors' ? 'errors.ts' : targetRoom;
          if (t !== room && !(ALLOWED[room] ?? []).includes(t)) {
            violations.push(`${path.relative(root, file)} (${room}) imports ${spec} (${t})`);
          }
        } else {
          const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0] ?? '';
          const rooms = RESTRICTED_PACKAGES[pkg];
          if (rooms && !rooms.includes(room)) violations.push(`${path.relative(root, file)} (${room}) imports ${pkg}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  test('the rule itself catches an upward import', () => {
    expect(importsOf("import { Board } from '../board/board';")).toEqual(['../board/board']);
    expect(ALLOWED.firmware).not.toContain('board');
  });
});
