// Security e2e: a real `hil` run (runHil) against a farm board logging in by passwordEnv or by key file; no file of the run dir holds the secret.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { runHil } from '../../harness/cli/hil';
import { startLoggedBoard, type LoggedBoard } from './logged-board';
import { filesHolding, filesUnder, keyNeedles, makePassword, needlesOf } from './secret-scan';

const PW_CORE = `pw-${randomBytes(8).toString('hex')}`;
const PASSWORD = makePassword(PW_CORE);

let b: LoggedBoard;
let dir: string;

beforeAll(async () => {
  b = await startLoggedBoard({ password: PASSWORD });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rproc-hil-secrets-hil-'));
}, 30_000);

afterAll(async () => {
  await b?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes a farm inventory holding one instance, runs `hil` on one variant of the boot suite, returns the exit code and everything printed. */
async function hilRun(label: string, ssh: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; runDir: string }> {
  const inst = b.instance(`sec-${label}`);
  const farm = path.join(dir, `farm-${label}.yaml`);
  fs.writeFileSync(farm, JSON.stringify({ boards: { [inst.name]: { type: inst.type, ssh: { host: inst.ssh.host, port: inst.ssh.port, user: 'root', hostKey: inst.ssh.hostKey, ...ssh }, console: inst.console, power: { backend: 'none' } } } }));
  const runDir = path.join(dir, `run-${label}`);
  const sink = new PassThrough();
  let out = '';
  sink.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const code = await runHil(['--farm', farm, '--board', inst.name, '--suite', 'boot', '--variant', 'st-default', '--lease-wait', '0', '--out', runDir], { stdout: sink, stderr: sink, env: { ...process.env, ...env } });
  return { code, out, runDir };
}

describe('`hil` run directories (CONTRACT-6: junit, summary, console log, evidence, .work)', () => {
  test('passwordEnv: the run passes and neither its output nor any file of the run dir holds the password', async () => {
    const r = await hilRun('pw', { passwordEnv: 'HIL_SEC_PASSWORD' }, { HIL_SEC_PASSWORD: PASSWORD });
    expect([r.code, r.out]).toEqual([0, expect.stringContaining('PASS (exit 0)')]);
    // the scan covered every artefact kind a run writes
    expect(filesUnder(r.runDir)).toEqual(expect.arrayContaining(['junit.xml', 'junit-sec-pw.xml', 'summary.json', 'console-sec-pw.log', '.work/sec-pw/session.json', '.work/sec-pw/records.jsonl']));
    expect(filesUnder(r.runDir).some((f) => f.startsWith('evidence/sec-pw/boot/st-default/') && f.endsWith('/index.json'))).toBe(true);
    expect(filesHolding(r.runDir, needlesOf(PASSWORD, [PW_CORE]))).toEqual([]);
    expect(needlesOf(PASSWORD, [PW_CORE]).filter((n) => r.out.includes(n))).toEqual([]);
    // the session file that crosses to the jest process names the variable only
    expect(fs.readFileSync(path.join(r.runDir, '.work/sec-pw/session.json'), 'utf8')).toContain('"passwordEnv": "HIL_SEC_PASSWORD"');
  }, 60_000);

  test('a wrong password in the environment: exit 3 (infrastructure) and still no trace of it anywhere', async () => {
    const wrongCore = `wrong-${randomBytes(8).toString('hex')}`;
    const r = await hilRun('bad', { passwordEnv: 'HIL_SEC_PASSWORD' }, { HIL_SEC_PASSWORD: makePassword(wrongCore) });
    expect(r.code).toBe(3);
    expect(r.out).toContain('refused with the password from ssh.passwordEnv');
    const needles = [...needlesOf(PASSWORD, [PW_CORE]), wrongCore];
    expect(filesHolding(r.runDir, needles)).toEqual([]);
    expect(needles.filter((n) => r.out.includes(n))).toEqual([]);
  }, 60_000);

  test('privateKey: the run passes and no line of the key file is in its output or run dir', async () => {
    const pem = fs.readFileSync(b.ssh.privateKeyPath, 'utf8');
    const r = await hilRun('key', { privateKey: b.ssh.privateKeyPath }, {});
    expect([r.code, r.out]).toEqual([0, expect.stringContaining('PASS (exit 0)')]);
    expect(filesHolding(r.runDir, keyNeedles(pem))).toEqual([]);
    expect(keyNeedles(pem).filter((n) => r.out.includes(n))).toEqual([]);
  }, 60_000);
});
