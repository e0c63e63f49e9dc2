import { ConfigError, ElfError, HilError, InputError, describeError, isHilError } from '../harness/errors';

describe('error classes', () => {
  test('carry a stable code, structured details and the cause', () => {
    const cause = new Error('EACCES');
    const e = new ConfigError('boards/x.yaml: ssh.port: expected a number, found "abc"', { file: 'boards/x.yaml', keyPath: 'ssh.port' }, { cause });
    expect(e).toBeInstanceOf(InputError);
    expect(e).toBeInstanceOf(HilError);
    expect(e.code).toBe('E_CONFIG');
    expect(e.name).toBe('ConfigError');
    expect(e.details.keyPath).toBe('ssh.port');
    expect(e.cause).toBe(cause);
    expect(isHilError(e)).toBe(true);
    expect(isHilError(new Error('x'))).toBe(false);
  });
  test('ElfError names the offset', () => {
    const e = new ElfError('section header 3 extends past end of file', { offset: 0x1234 });
    expect(e.code).toBe('E_ELF');
    expect(e.details.offset).toBe(0x1234);
    expect(describeError(e)).toBe('section header 3 extends past end of file');
    expect(describeError('plain')).toBe('plain');
  });
});
