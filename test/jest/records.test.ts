// Test ids, slugs and failure classification of the board run's records (CONTRACT-6 "The jest process").
import * as vm from 'node:vm';
import { failureOf, slugOf, suiteOf, uniqueId, variantOf } from '../../harness/jest/records';

describe('test ids <suite>/<variant>/<slug>', () => {
  test('slug: lowercased, runs of other characters become one -, trimmed, at most 80 characters', () => {
    expect(slugOf('Echo of 496 bytes (one full rpmsg buffer)!')).toBe('echo-of-496-bytes-one-full-rpmsg-buffer');
    expect(slugOf('--Ünïcode__and   spaces--')).toBe('n-code-and-spaces');
    expect(slugOf('x'.repeat(100))).toHaveLength(80);
    expect(slugOf(`${'a'.repeat(79)} b`)).toBe('a'.repeat(79));
    expect(slugOf('!!!')).toBe('test');
  });

  test('suite is the spec file base name; variant the outermost describe when it is a planned variant', () => {
    expect(suiteOf('/repo/suites/rpmsg.spec.ts')).toBe('rpmsg');
    expect(variantOf(['st-default', 'echo', 'one byte'], ['no-table', 'st-default'])).toBe('st-default');
    expect(variantOf(['echo', 'st-default'], ['st-default'])).toBe('_');
    expect(variantOf(['st-default'], ['st-default'])).toBe('_');
  });

  test('a repeated id gets -2, -3 so evidence directories never collide', () => {
    const used = new Set<string>();
    expect([uniqueId('a/_/x', used), uniqueId('a/_/x', used), uniqueId('a/_/x', used)]).toEqual(['a/_/x', 'a/_/x-2', 'a/_/x-3']);
  });
});

describe('failure kind by error code, never instanceof', () => {
  test('infrastructure codes are errors, everything else (timeouts, assertions, remote refusals) failures', () => {
    for (const code of ['E_TRANSPORT', 'E_HOSTKEY', 'E_LEASE', 'E_TOOL', 'E_IO']) expect(failureOf(Object.assign(new Error('m'), { code })).kind).toBe('error');
    for (const code of ['E_TIMEOUT', 'E_REMOTE', undefined]) expect(failureOf(Object.assign(new Error('m'), { code })).kind).toBe('failure');
  });

  test('an error from another realm (a test file runs in a vm context) is classified by its code', () => {
    const foreign = vm.runInNewContext('Object.assign(new Error("link lost"), { code: "E_TRANSPORT" })') as unknown;
    expect(foreign instanceof Error).toBe(false);
    expect(failureOf(foreign)).toMatchObject({ kind: 'error', code: 'E_TRANSPORT', message: 'link lost' });
  });

  test('colour codes of matcher messages are stripped', () => {
    expect(failureOf(new Error('\u001b[31mExpected\u001b[39m: 3')).message).toBe('Expected: 3');
  });
});
