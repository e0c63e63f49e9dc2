// mergeJunit: two boards' reports become one junit.xml whose totals add up and whose cases keep their board.
import * as fs from 'node:fs';
import { finalizeBoard, mergeJunit, readJunitCases } from '../../harness/reporting';
import { boardInfo, makeRunDir, removeRunDir } from './run-dir';

let outDir: string;
afterAll(() => removeRunDir(outDir));

test('two boards merge into one <testsuites> with summed counts and both boards\' classnames', () => {
  outDir = makeRunDir({ boards: ['twin-mp157', 'twin-mp257'] });
  const a = finalizeBoard(boardInfo(outDir, 'twin-mp157'));
  const b = finalizeBoard({ ...boardInfo(outDir, 'twin-mp257'), soc: 'stm32mp257', compatible: 'st,stm32mp257f-ev1' });
  const merged = mergeJunit(outDir, ['junit-twin-mp157.xml', b.junitPath]);
  expect(merged).toBe(`${outDir}/junit.xml`);
  const xml = fs.readFileSync(merged, 'utf8');
  expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="rproc-hil" tests="18" failures="6" errors="2" skipped="2" time="[0-9.]+">/);
  expect(xml.match(/<testsuite /g)).toHaveLength(6);
  expect(xml).toContain('classname="twin-mp157.rpmsg"');
  expect(xml).toContain('classname="twin-mp257.rpmsg"');
  expect(xml).toContain('<property name="compatible" value="st,stm32mp257f-ev1"/>');
  const cases = readJunitCases(merged);
  expect(cases.filter((c) => c.id === 'rpmsg/st-default/echo-496-bytes').map((c) => [c.board, c.status]))
    .toEqual([['twin-mp157', 'failed'], ['twin-mp257', 'failed']]);
  expect(a.counts.passed + b.counts.passed).toBe(cases.filter((c) => c.status === 'passed').length);
});

test('a board report that is missing is an error naming the file', () => {
  outDir ??= makeRunDir();
  expect(() => mergeJunit(outDir, ['junit-nope.xml'])).toThrow(`cannot read ${outDir}/junit-nope.xml: no such file`);
});
