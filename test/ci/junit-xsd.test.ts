// ci/junit.xsd: every JUnit file rproc-hil writes validates with xmllint, and the schema does reject broken JUnit.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { finalizeBoard, mergeJunit } from '../../harness/reporting';
import { describeWithTools, TOOLS } from '../helpers/tools';
import { boardInfo, JEST_JUNIT_17, makeRunDir, removeRunDir, validate } from '../reporting/run-dir';

describeWithTools([TOOLS.xmllint], 'ci/junit.xsd with xmllint', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeRunDir));
  const fresh = (o?: Parameters<typeof makeRunDir>[0]): string => {
    const d = makeRunDir(o);
    dirs.push(d);
    return d;
  };

  test('the enriched per-board file and the merged junit.xml of two boards validate', () => {
    const outDir = fresh({ boards: ['twin-mp157', 'twin-mp257'] });
    const a = finalizeBoard(boardInfo(outDir, 'twin-mp157'));
    const b = finalizeBoard(boardInfo(outDir, 'twin-mp257'));
    expect(validate(a.junitPath)).toEqual({ ok: true, output: '' });
    expect(validate(mergeJunit(outDir, [a.junitPath, b.junitPath]))).toEqual({ ok: true, output: '' });
  });

  test('the partial JUnit built from the records of a killed run validates, infra.json case included', () => {
    const outDir = fresh({ boards: ['virtual-mp257'], jestJunit: false });
    fs.writeFileSync(path.join(outDir, '.work/virtual-mp257/infra.json'), JSON.stringify({ code: 'E_TRANSPORT', message: 'connection lost' }));
    expect(validate(finalizeBoard(boardInfo(outDir, 'virtual-mp257')).junitPath)).toEqual({ ok: true, output: '' });
  });

  describe('invalid JUnit is rejected', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hil-xsd-'));
      dirs.push(dir);
    });
    const suite = (cases: string): string =>
      `<testsuites><testsuite name="b.s" tests="1" failures="0" errors="0" skipped="0">${cases}</testsuite></testsuites>`;
    const check = (name: string, xml: string) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, xml);
      return validate(file);
    };

    test('raw jest-junit output (empty classname of top-level tests) is not our format', () => {
      const r = validate(JEST_JUNIT_17);
      expect(r.ok).toBe(false);
      expect(r.output).toContain("Element 'testcase', attribute 'classname'");
    });

    test('a case that both failed and was skipped', () => {
      const r = check('two-outcomes.xml', suite('<testcase classname="b.s" name="t" time="0"><failure message="x"/><skipped/></testcase>'));
      expect(r.ok).toBe(false);
      expect(r.output).toContain("Element 'skipped': This element is not expected");
    });

    test('a flakyFailure without its stackTrace', () => {
      const r = check('flaky.xml', suite('<testcase classname="b.s" name="t" time="0"><flakyFailure type="failure" message="m"/></testcase>'));
      expect(r.ok).toBe(false);
      expect(r.output).toContain("Element 'flakyFailure': Missing child element(s). Expected is ( stackTrace )");
    });

    test('a case without time, and a negative count', () => {
      const noTime = check('no-time.xml', suite('<testcase classname="b.s" name="t"/>'));
      expect(noTime.output).toContain("Element 'testcase': The attribute 'time' is required but missing");
      const negative = check('negative.xml', '<testsuites><testsuite name="b.s" tests="-1" failures="0" errors="0" skipped="0"/></testsuites>');
      expect(negative.output).toContain("attribute 'tests': '-1' is not a valid value");
    });

    test('system-out before the outcome (GitLab would still read it, but it is not what we write)', () => {
      const r = check('order.xml', suite('<testcase classname="b.s" name="t" time="0"><system-out>x</system-out><failure/></testcase>'));
      expect(r.ok).toBe(false);
    });
  });
});
