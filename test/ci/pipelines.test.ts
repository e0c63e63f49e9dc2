// ci/gitlab-ci.yml and ci/github-hil.yml: they parse, have the nightly farm shape (DESIGN §1), and call only what exists.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { GATE } from '../../harness/cli/gate';
import { loadKnownFailures } from '../../harness/reporting';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
/** DESIGN §4.3 flags of `npm run hil` (+ --retries, --json from CONTRACT-6) */
const HIL_FLAGS = ['--board', '--variant', '--suite', '--firmware', '--out', '--farm', '--known-failures', '--lease-wait', '--retries', '--json'];

type Yaml = Record<string, unknown>;
const load = (file: string): Yaml => parse(fs.readFileSync(path.join(root, file), 'utf8')) as Yaml;

/** Every `npm run X` names a package.json script, whose own target file exists; returns the problems. */
function missingCommands(lines: string[], vars: Record<string, string> = {}): string[] {
  const problems: string[] = [];
  for (const line of lines) {
    for (const m of line.matchAll(/npm run ([\w:-]+)/g)) {
      const name = m[1] as string;
      const script = pkg.scripts[name];
      if (script === undefined) {
        problems.push(`"${line}": no npm script "${name}"`);
        continue;
      }
      const cli = /^node scripts\/run-cli\.js (\S+)/.exec(script);
      const file = cli ? `harness/cli/${cli[1]}.ts` : /^node (\S+)/.exec(script)?.[1];
      if (file !== undefined && !fs.existsSync(path.join(root, file))) problems.push(`"${line}": npm script ${name} runs ${file}, which does not exist`);
      const args = line.split(`npm run ${name} --`)[1] ?? '';
      const flags = [...args.matchAll(/(?:^|\s)(--[a-z-]+)/g)].map((f) => f[1] as string);
      const allowed = name === 'gate' ? GATE.options.map((o) => `--${o.name}`) : name === 'hil' ? HIL_FLAGS : flags;
      for (const f of flags) if (!allowed.includes(f)) problems.push(`"${line}": npm run ${name} has no option ${f}`);
    }
    for (const m of line.matchAll(/--known-failures "?([^"\s]+)/g)) {
      const file = (m[1] as string).replace(/^\$(\w+)$/, (_, v: string) => vars[v] ?? `$${v}`);
      if (!fs.existsSync(path.join(root, file))) problems.push(`"${line}": known-failures file ${file} does not exist`);
    }
    const node = /(?:^|\s)node (\S+\.[cm]?js)/.exec(line);
    if (node && !fs.existsSync(path.join(root, node[1] as string))) problems.push(`"${line}": ${node[1]} does not exist`);
  }
  return problems;
}

function outDirOf(line: string): string | undefined {
  const m = /--out (?:"([^"]+)"|(\S+))/.exec(line);
  return m?.[1] ?? m?.[2];
}

describe('GitLab nightly pipeline (ci/gitlab-ci.yml)', () => {
  const ci = load('ci/gitlab-ci.yml');
  const vars = ci.variables as Record<string, string>;
  const jobs = Object.entries(ci).filter(([name, v]) => !name.startsWith('.') && v !== null && typeof v === 'object' && ('script' in v || 'extends' in v)) as Array<[string, Yaml]>;
  const resolved = (job: Yaml): Yaml => (typeof job.extends === 'string' ? { ...(ci[job.extends] as Yaml), ...job } : job);
  const boardJobs = jobs.map(([n, j]) => [n, resolved(j)] as [string, Yaml]).filter(([, j]) => j.stage === 'hil');
  const gate = resolved(ci.gate as Yaml);

  test('runs on a schedule', () => {
    expect((ci.workflow as { rules: { if: string }[] }).rules.map((r) => r.if)).toContain('$CI_PIPELINE_SOURCE == "schedule"');
  });

  test('one job per board, each in its own resource_group, uploading JUnit as a report and evidence always', () => {
    expect(boardJobs.map(([n]) => n)).toEqual(['hil:mp157', 'hil:mp257']);
    const groups = new Set<string>();
    for (const [name, job] of boardJobs) {
      const board = (job.variables as Record<string, string>).HIL_BOARD as string;
      const out = outDirOf((job.script as string[]).find((l) => l.includes('npm run hil')) ?? '')?.replace('$HIL_BOARD', board);
      expect([name, out]).toEqual([name, `results/${board}`]);
      expect(job.resource_group).toBe(`hil-${board}`);
      groups.add(job.resource_group as string);
      const artifacts = job.artifacts as { when: string; paths: string[]; reports: { junit: string } };
      expect(artifacts.when).toBe('always');
      expect(artifacts.paths).toContain(`${out}/`);
      expect(artifacts.reports.junit).toBe(`${out}/junit.xml`);
    }
    expect(groups.size).toBe(boardJobs.length);
  });

  test('the gate runs last, after every board job, even when one failed, over every board\'s results', () => {
    const stages = ci.stages as string[];
    expect(gate.stage).toBe(stages[stages.length - 1]);
    expect((gate.needs as { job: string }[]).map((n) => n.job).sort()).toEqual(boardJobs.map(([n]) => n).sort());
    expect((gate.rules as { when: string }[]).every((r) => r.when === 'always')).toBe(true);
    const line = (gate.script as string[]).find((l) => l.includes('npm run gate')) ?? '';
    for (const [, job] of boardJobs) expect(line).toContain(`results/${(job.variables as Record<string, string>).HIL_BOARD}`);
  });

  test('every command exists: npm scripts, their CLI files, options and the known-failures file', () => {
    const lines = [...jobs.map(([, j]) => resolved(j)), ci['.hil-board'] as Yaml].flatMap((j) => (j.script as string[] | undefined) ?? []);
    expect(lines.length).toBeGreaterThan(0);
    expect(missingCommands(lines, vars)).toEqual([]);
    expect(() => loadKnownFailures(path.join(root, vars.HIL_KNOWN_FAILURES as string))).not.toThrow();
  });
});

describe('GitHub Actions workflow (ci/github-hil.yml)', () => {
  const wf = load('ci/github-hil.yml');
  const jobs = wf.jobs as Record<string, Yaml>;
  const hil = jobs.hil as Yaml;
  const gate = jobs.gate as Yaml;
  const steps = (job: Yaml) => job.steps as Array<{ run?: string; uses?: string; if?: string; with?: Record<string, string> }>;
  const boards = ((hil.strategy as Yaml).matrix as { board: string[] }).board;

  test('runs nightly on a schedule', () => {
    expect((wf.on as { schedule: { cron: string }[] }).schedule[0]?.cron).toMatch(/^\S+ \S+ \* \* \*$/);
  });

  test('board jobs run on self-hosted runners labelled per board, one at a time per board', () => {
    expect(boards).toEqual(['mp157', 'mp257']);
    expect(hil['runs-on']).toEqual(['self-hosted', 'hil', '${{ matrix.board }}']);
    expect(hil.concurrency).toEqual({ group: 'hil-board-${{ matrix.board }}', 'cancel-in-progress': false });
    expect((hil.strategy as Yaml)['fail-fast']).toBe(false);
  });

  test('JUnit and evidence are uploaded even when the board job fails', () => {
    const run = steps(hil).find((s) => s.run?.includes('npm run hil'))?.run ?? '';
    const out = outDirOf(run);
    expect(out).toBe('results/${{ matrix.board }}');
    const upload = steps(hil).find((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(upload?.if).toBe('always()');
    expect(upload?.with?.path?.split('\n')[0]).toBe(`${out}/`);
  });

  test('the gate job runs after all boards, always, over each board\'s downloaded results', () => {
    expect(gate.needs).toBe('hil');
    expect(gate.if).toBe('always()');
    const download = steps(gate).find((s) => s.uses?.startsWith('actions/download-artifact'));
    expect(download?.with).toEqual({ pattern: 'hil-*', path: 'results' });
    const run = steps(gate).find((s) => s.run?.includes('npm run gate'))?.run ?? '';
    for (const b of boards) expect(run).toContain(`results/hil-${b}`);
  });

  test('every command exists: npm scripts, their CLI files, options and the known-failures file', () => {
    const lines = Object.values(jobs).flatMap((j) => steps(j).flatMap((s) => (s.run ? s.run.split('\n') : [])));
    expect(missingCommands(lines)).toEqual([]);
  });
});

test('the command check itself catches a script, option or file that does not exist', () => {
  expect(missingCommands(['npm run nightly-hil'])).toEqual(['"npm run nightly-hil": no npm script "nightly-hil"']);
  expect(missingCommands(['npm run gate -- results/x --known-failure ci/known-failures.yaml'])).toEqual([
    '"npm run gate -- results/x --known-failure ci/known-failures.yaml": npm run gate has no option --known-failure',
  ]);
  expect(missingCommands(['npm run gate -- r --known-failures ci/nope.yaml'])).toEqual(['"npm run gate -- r --known-failures ci/nope.yaml": known-failures file ci/nope.yaml does not exist']);
});
