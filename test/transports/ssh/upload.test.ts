// Uploads by SFTP and by the `cat >` fallback, sha256Remote, and shellQuote against hostile file names (DESIGN §7).
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { remotePathArg, shellQuote } from '../../../harness/transports/ssh';
import { rejectionOf, SshFixture } from '../helpers/ssh-fixture';

const HOSTILE = [
  `it's`,
  'a"b',
  '$(touch pwned)',
  '`touch pwned`',
  'x; touch pwned',
  'line\nbreak',
  '-rf',
  '--help',
  '*',
  '$HOME ${IFS} \\ !',
];

let fx: SshFixture;
beforeEach(() => {
  fx = new SshFixture();
});
afterEach(async () => {
  await fx.cleanup();
});

describe('shellQuote', () => {
  test('every hostile string reaches the remote command unchanged and nothing is executed', async () => {
    const server = await fx.server();
    const t = fx.transport(fx.target(server));
    for (const s of HOSTILE) {
      await expect(t.exec(`printf %s ${shellQuote(s)}`)).resolves.toMatchObject({ stdout: s, code: 0 });
    }
    expect(fs.existsSync(path.join(fx.dir, 'pwned'))).toBe(false);
  });

  test('an empty string is an empty argument, and a NUL byte is refused', () => {
    expect(shellQuote('')).toBe(`''`);
    expect(() => shellQuote('a\0b')).toThrow('cannot pass "a\\u0000b" to a remote shell: it contains a NUL byte');
  });

  test('a relative path starting with - cannot be read as an option', () => {
    expect(remotePathArg('-rf')).toBe(`'./-rf'`);
    expect(remotePathArg('/lib/firmware/-x.elf')).toBe(`'/lib/firmware/-x.elf'`);
  });
});

describe.each([
  ['SFTP', true],
  ['the cat > fallback (no sftp subsystem)', false],
])('upload by %s', (_how, sftp) => {
  test('bytes arrive intact with the requested mode, and sha256Remote agrees', async () => {
    const server = await fx.server({ sftp });
    const t = fx.transport(fx.target(server));
    const bytes = randomBytes(200_000);
    const remote = path.join(fx.dir, 'fw.elf');
    await t.upload(bytes, remote, { mode: 0o640 });
    expect(fs.readFileSync(remote).equals(bytes)).toBe(true);
    expect(fs.statSync(remote).mode & 0o777).toBe(0o640);
    await expect(t.sha256Remote(remote)).resolves.toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  test('a local file path is uploaded (1 MiB)', async () => {
    const server = await fx.server({ sftp });
    const t = fx.transport(fx.target(server));
    const local = path.join(fx.dir, 'local.bin');
    fs.writeFileSync(local, randomBytes(1024 * 1024));
    const remote = path.join(fx.dir, 'remote.bin');
    await t.upload(local, remote);
    expect(fs.readFileSync(remote).equals(fs.readFileSync(local))).toBe(true);
  });

  test('hostile remote file names are written under exactly that name', async () => {
    const server = await fx.server({ sftp });
    const t = fx.transport(fx.target(server));
    for (const [i, name] of HOSTILE.filter((n) => !n.includes('/')).entries()) {
      const remote = path.join(fx.dir, name);
      await t.upload(Buffer.from(`content ${i}`), remote);
      expect(fs.readFileSync(remote, 'utf8')).toBe(`content ${i}`);
      await expect(t.sha256Remote(remote)).resolves.toBe(createHash('sha256').update(`content ${i}`).digest('hex'));
    }
    expect(fs.existsSync(path.join(fx.dir, 'pwned'))).toBe(false);
  });

  test('a directory that does not exist gives E_REMOTE naming the path', async () => {
    const server = await fx.server({ sftp });
    const t = fx.transport(fx.target(server));
    const remote = path.join(fx.dir, 'missing-dir', 'fw.elf');
    const err = await rejectionOf(t.upload(Buffer.from('x'), remote));
    expect(err.code).toBe('E_REMOTE');
    expect(err.message).toContain(`upload of ${remote} to test-board failed`);
  });
});

test('SFTP sessions a server never confirms closed do not starve the channel pool', async () => {
  const server = await fx.server({ sftpAnswersClose: false });
  const t = fx.transport(fx.target(server));
  for (let i = 0; i < 10; i++) await t.upload(Buffer.from(`v${i}`), path.join(fx.dir, `f${i}`), { timeoutMs: 8000 });
  expect(fs.readFileSync(path.join(fx.dir, 'f9'), 'utf8')).toBe('v9');
});

test('sha256Remote of a missing file says which file and what the board answered', async () => {
  const server = await fx.server();
  const t = fx.transport(fx.target(server));
  const err = await rejectionOf(t.sha256Remote('/nonexistent/fw.elf'));
  expect(err.code).toBe('E_REMOTE');
  expect(err.message).toMatch(/^sha256sum \/nonexistent\/fw\.elf on test-board failed \(exit 1\): sha256sum: \/nonexistent\/fw\.elf: No such file or directory$/);
});
