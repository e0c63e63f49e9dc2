// The README's set-up contract: exactly two commands (the main job and the test suite), and .ci/run runs the latter.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

test('the Set up section holds exactly the two commands, and both are npm scripts of this package', () => {
  const section = readme.slice(readme.indexOf('## Set up'), readme.indexOf('\n## ', readme.indexOf('## Set up') + 1));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  expect(block.trim().split('\n')).toEqual(['npm run hil', 'npm test']);
  const scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  expect(scripts.hil).toBe('node scripts/hil.js');
  expect(scripts.test).toMatch(/typecheck.*lint.*run-jest/);
});

test('.ci/run runs the README test command and prints the summary line last', () => {
  const ci = fs.readFileSync(path.join(root, '.ci/run'), 'utf8');
  expect(ci).toMatch(/^npm test$/m);
  expect(ci.trimEnd().split('\n').slice(-3).join('\n')).toMatch(/node scripts\/summary\.js/);
});

test('every docs link of the README points at a file that exists', () => {
  const links = [...readme.matchAll(/\]\(((?:docs|boards|ci)\/[^)#]+)\)/g)].map((m) => m[1] ?? '');
  expect(links.length).toBeGreaterThan(5);
  expect(links.filter((l) => !fs.existsSync(path.join(root, l)))).toEqual([]);
});
