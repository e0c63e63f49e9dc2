// Host keys pinned through known_hosts (plain, [host]:port, hashed |1| entries) and fingerprints as OpenSSH prints them.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fingerprintOf, knownHostsName, parseKnownHosts } from '../../../harness/transports/ssh';
import { describeWithTools, TOOLS } from '../../helpers/tools';
import { rejectionOf, SshFixture } from '../helpers/ssh-fixture';
import { generateKey, TestSshServer } from '../helpers/ssh-test-server';

const keyA = generateKey().public;
const keyB = generateKey().public;
const blobOf = (pub: string) => Buffer.from(pub.split(' ')[1] ?? '', 'base64');

describe('parseKnownHosts', () => {
  test('port 22 uses the bare name, other ports the [host]:port form', () => {
    expect(knownHostsName('board1', 22)).toBe('board1');
    expect(knownHostsName('192.0.2.21', 2222)).toBe('[192.0.2.21]:2222');
    const text = `board1 ${keyA}\n[board1]:2222 ${keyB}\n`;
    expect(parseKnownHosts(text, 'board1', 22).map((k) => k.fingerprint)).toEqual([fingerprintOf(blobOf(keyA))]);
    expect(parseKnownHosts(text, 'board1', 2222).map((k) => k.fingerprint)).toEqual([fingerprintOf(blobOf(keyB))]);
  });

  test('comma lists, wildcards and negations follow OpenSSH; comments and @cert-authority lines are skipped', () => {
    const text = [
      '# lab boards',
      `mp157-01,192.0.2.21 ${keyA}`,
      `mp257-*,!mp257-99 ${keyB}`,
      `@cert-authority * ${keyA}`,
      '',
    ].join('\n');
    expect(parseKnownHosts(text, '192.0.2.21', 22).map((k) => k.line)).toEqual([2]);
    expect(parseKnownHosts(text, 'mp257-03', 22).map((k) => k.line)).toEqual([3]);
    expect(parseKnownHosts(text, 'mp257-99', 22)).toEqual([]);
  });

  test('@revoked entries are returned marked as revoked', () => {
    const keys = parseKnownHosts(`@revoked board1 ${keyA}\n`, 'board1', 22);
    expect(keys).toHaveLength(1);
    expect(keys[0]?.revoked).toBe(true);
  });

  test('garbage lines are ignored, not thrown', () => {
    expect(parseKnownHosts('board1\nboard1 ssh-ed25519\nboard1 ssh-ed25519 !!!\n|1|x board1\n', 'board1', 22)).toEqual([]);
  });
});

describeWithTools([TOOLS.ssh], 'known_hosts pinning against a server (ssh-keygen writes the files)', () => {
  let fx: SshFixture;
  let server: TestSshServer;
  let hostPub: string;
  beforeAll(async () => {
    fx = new SshFixture();
    server = await fx.server();
    hostPub = `ssh-ed25519 ${server.hostKeyBlob.toString('base64')}`;
  });
  afterAll(async () => {
    await fx.cleanup();
  });

  const writeKnownHosts = (name: string, body: string): string => {
    const file = path.join(fx.dir, name);
    fs.writeFileSync(file, body);
    return file;
  };

  test('our fingerprint is the one ssh-keygen -lf prints', () => {
    const pubFile = writeKnownHosts('host.pub', `${hostPub}\n`);
    const out = execFileSync('ssh-keygen', ['-lf', pubFile], { encoding: 'utf8' });
    expect(out.split(' ')[1]).toBe(server.fingerprint);
  });

  test('a hashed [127.0.0.1]:port entry (ssh-keygen -H) matches', async () => {
    const file = writeKnownHosts('known_hosts_hashed', `[127.0.0.1]:${server.port} ${hostPub}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^\|1\|/);
    const t = fx.transport(fx.target(server, { hostKey: undefined, knownHosts: file }));
    await expect(t.exec('echo pinned')).resolves.toMatchObject({ stdout: 'pinned\n' });
  });

  test('another key for the host is refused, naming both fingerprints and the file line', async () => {
    const file = writeKnownHosts('known_hosts_other', `# lab\n[127.0.0.1]:${server.port} ${keyA}\n`);
    const t = fx.transport(fx.target(server, { hostKey: undefined, knownHosts: file }));
    const err = await rejectionOf(t.exec('true'));
    expect(err.code).toBe('E_HOSTKEY');
    expect(err.message).toBe(
      `host key of board test-board (127.0.0.1:${server.port}) does not match ${file}: expected ${fingerprintOf(blobOf(keyA))} (ssh-ed25519, ${file}:2), ` +
        `presented ${server.fingerprint} (ssh-ed25519). Connection refused. If the board was reinstalled and this key is genuine, ` +
        `update the inventory: ssh.hostKey: ${server.fingerprint}, or replace the entry: ssh-keygen -R '[127.0.0.1]:${server.port}' -f ${file} && ssh-keyscan -p ${server.port} 127.0.0.1 >> ${file}`,
    );
  });

  test('a host missing from the file is refused, not trusted on first use', async () => {
    const file = writeKnownHosts('known_hosts_empty', `otherhost ${hostPub}\n`);
    const t = fx.transport(fx.target(server, { hostKey: undefined, knownHosts: file }));
    const err = await rejectionOf(t.exec('true'));
    expect(err.code).toBe('E_HOSTKEY');
    expect(err.message).toContain(`has no entry for [127.0.0.1]:${server.port} in ${file}: expected (none), presented ${server.fingerprint}`);
  });

  test('a @revoked key is refused even if also listed', async () => {
    const file = writeKnownHosts('known_hosts_revoked', `[127.0.0.1]:${server.port} ${hostPub}\n@revoked * ${hostPub}\n`);
    const err = await rejectionOf(fx.transport(fx.target(server, { hostKey: undefined, knownHosts: file })).exec('true'));
    expect(err.code).toBe('E_HOSTKEY');
    expect(err.message).toContain(`is marked @revoked in ${file}:2`);
  });
});
