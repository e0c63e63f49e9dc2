// Security: a password from passwordEnv and the contents of a private key file never appear in errors, console logs, the board's command log or output.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { utils } from 'ssh2';
import { connectBoard } from '../../harness/board/connect';
import { SshTransport } from '../../harness/transports';
import { generateParsablePair } from '../../harness/virtual/ssh/keys';
import { firmwareImage } from '../virtual/kernel/fixtures';
import { startLoggedBoard, type LoggedBoard } from './logged-board';
import { errorText, keyNeedles, makePassword, needlesOf } from './secret-scan';

const PW_CORE = `pw-${randomBytes(8).toString('hex')}`;
const PASSWORD = makePassword(PW_CORE);
const WRONG_CORE = `wrong-${randomBytes(8).toString('hex')}`;
const FW = firmwareImage();
const FAST = { connectBudgetMs: 3000, retryDelayMs: { min: 50, max: 200 } };

let b: LoggedBoard;
let dir: string;
/** what reached stdout, stderr and console.* while a test ran */
let printed: string[] = [];

beforeAll(async () => {
  b = await startLoggedBoard({ password: PASSWORD });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rproc-hil-secrets-'));
}, 30_000);

afterAll(async () => {
  await b?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  printed = [];
  const record = (...args: unknown[]): boolean => {
    printed.push(args.map(String).join(' '));
    return true;
  };
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) jest.spyOn(console, m).mockImplementation(record);
  jest.spyOn(process.stdout, 'write').mockImplementation(record);
  jest.spyOn(process.stderr, 'write').mockImplementation(record);
});

afterEach(() => jest.restoreAllMocks());

function expectNoneOf(needles: string[], texts: Record<string, string>): void {
  const hits = Object.entries(texts).flatMap(([where, text]) => needles.filter((n) => text.includes(n)).map((n) => `${where} holds ${JSON.stringify(n.slice(0, 12))}…`));
  expect(hits).toEqual([]);
}

describe('password from the environment (inventory ssh.passwordEnv, DESIGN §3)', () => {
  test('logs in, runs the full board path, and the password is in no console log, error, printed line or board command', async () => {
    const consoleLog = path.join(dir, 'console-pw.log');
    const instance = b.instance('sec-pw', { passwordEnv: 'HIL_SEC_PW' });
    const c = await connectBoard({ name: 'sec-pw', profile: b.profile, instance }, { consoleLog, ssh: { ...FAST, env: { ...process.env, HIL_SEC_PW: PASSWORD } } });
    const logBefore = b.ssh.commandLog.length;
    let refusal: unknown;
    try {
      await c.board.acquire();
      await c.board.prepare();
      const rp = c.board.remoteproc;
      await rp.deploy(FW, 'rproc-hil-secret.elf');
      await rp.setFirmware('rproc-hil-secret.elf');
      await rp.start();
      await rp.waitForState('running', { timeoutMs: 5000 });
      await rp.stop();
      // a refused write carries stderr, state and dmesg into its message: the richest error text there is
      refusal = await rp.stop().then(() => undefined, (e: unknown) => e);
      await c.board.release();
    } finally {
      await c.close();
    }
    expect(refusal).toMatchObject({ code: 'E_REMOTE', errnoName: 'EINVAL' });
    const consoleText = fs.readFileSync(consoleLog, 'utf8');
    // the scan looked at real content: the kernel's boot lines reached the console log
    expect(consoleText).toContain('remoteproc remoteproc0: Booting fw image rproc-hil-secret.elf');
    expectNoneOf(needlesOf(PASSWORD, [PW_CORE]), {
      console: consoleText,
      error: errorText(refusal),
      printed: printed.join('\n'),
      commands: b.ssh.commandLog.slice(logBefore).join('\n'),
    });
  }, 30_000);

  test('a wrong password is refused without retry; the message names the variable, never either password', async () => {
    const t = SshTransport.forInstance(b.instance('sec-pw', { passwordEnv: 'HIL_SEC_PW' }), b.profile, { ...FAST, env: { HIL_SEC_PW: makePassword(WRONG_CORE) } });
    const e = await t.exec('true').then(() => undefined, (x: unknown) => x);
    await t.close();
    expect(e).toMatchObject({
      code: 'E_TRANSPORT',
      message: `login to board sec-pw as root@127.0.0.1:${b.ssh.port} was refused with the password from ssh.passwordEnv; check that key/password is authorised on the board (not retried)`,
    });
    expectNoneOf([...needlesOf(PASSWORD, [PW_CORE]), WRONG_CORE], { error: errorText(e), printed: printed.join('\n') });
  });

  test('a virtual board started without a password refuses password logins (key login only, DESIGN §5)', async () => {
    const keyOnly = await startLoggedBoard();
    try {
      const t = SshTransport.forInstance(keyOnly.instance('sec-nopw', { passwordEnv: 'HIL_SEC_PW' }), keyOnly.profile, { ...FAST, env: { HIL_SEC_PW: PASSWORD } });
      await expect(t.exec('true')).rejects.toMatchObject({ code: 'E_TRANSPORT', details: { reason: 'auth', retryable: false } });
      await t.close();
      expect(keyOnly.ssh.commandLog).toEqual([]);
    } finally {
      await keyOnly.stop();
    }
  });

  test('an unset variable is a ConfigError naming the variable', async () => {
    const t = SshTransport.forInstance(b.instance('sec-pw', { passwordEnv: 'HIL_SEC_PW_UNSET' }), b.profile, { ...FAST, env: {} });
    await expect(t.exec('true')).rejects.toMatchObject({ code: 'E_CONFIG', message: 'board sec-pw takes its password from the environment variable HIL_SEC_PW_UNSET, which is not set' });
    await t.close();
  });
});

describe('private key by path (inventory ssh.privateKey)', () => {
  function keyFile(name: string, pem: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, pem, { mode: 0o600 });
    return file;
  }

  test('the board key logs in; its contents reach no error, printed line or board command', async () => {
    const pem = fs.readFileSync(b.ssh.privateKeyPath, 'utf8');
    const t = SshTransport.forInstance(b.instance('sec-key'), b.profile, FAST);
    const logBefore = b.ssh.commandLog.length;
    const r = await t.exec('cat /no/such/file');
    await t.close();
    expect(r.code).toBe(1);
    expectNoneOf(keyNeedles(pem), { stderr: r.stderr, printed: printed.join('\n'), commands: b.ssh.commandLog.slice(logBefore).join('\n') });
  });

  test.each([
    // generateParsablePair: ssh2 now and then makes a pair its own parser rejects (mscdex/ssh2#1390)
    ['a key the board does not accept', () => generateParsablePair('other').private, /^login to board sec-key as root@127\.0\.0\.1:\d+ was refused with the key in ssh\.privateKey; check that key\/password is authorised on the board \(not retried\)$/],
    ['a passphrase-protected key', () => utils.generateKeyPairSync('ed25519', { passphrase: 'pass-phrase-123', cipher: 'aes256-ctr', rounds: 16 }).private, /^cannot use the private key of board sec-key: .* \(use an unencrypted key file or agent: true\)$/],
    ['a damaged key file', () => `-----BEGIN OPENSSH PRIVATE KEY-----\n${Buffer.from(Array.from({ length: 210 }, (_, i) => (i * 37 + 11) & 0xff)).toString('base64').replace(/(.{70})/g, '$1\n')}\n-----END OPENSSH PRIVATE KEY-----\n`, /^cannot use the private key of board sec-key: .* \(use an unencrypted key file or agent: true\)$/],
  ])('%s: refused with a message that holds no line of the key', async (_what, makePem, message) => {
    const pem = makePem();
    const file = keyFile(`key-${randomBytes(4).toString('hex')}`, pem);
    const t = SshTransport.forInstance(b.instance('sec-key', { privateKey: file }), b.profile, FAST);
    const e = await t.exec('true').then(() => undefined, (x: unknown) => x);
    await t.close();
    expect(e).toMatchObject({ code: 'E_TRANSPORT', message: expect.stringMatching(message) });
    expectNoneOf(keyNeedles(pem), { error: errorText(e), printed: printed.join('\n') });
  });
});
