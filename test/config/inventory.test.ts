// Farm inventory (DESIGN §3 contract): the example validates, secrets written into the file are refused without echoing them.
import * as os from 'node:os';
import * as path from 'node:path';
import { loadInventory } from '../../harness/config';
import { ConfigError } from '../../harness/errors';
import { REAL_BOARDS, thrown, tmpBoards, type TmpBoards } from './tmp-boards';

const KEY = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';
const FIX_HINT = 'Fix the inventory; boards/farm.example.yaml shows the format.';

let boards: TmpBoards;
beforeEach(() => {
  boards = tmpBoards();
});
afterEach(() => boards.cleanup());

function inventoryError(text: string): ConfigError {
  const file = boards.write('farm.yaml', text);
  const e = thrown(() => loadInventory(file, { boardsDir: boards.dir }));
  expect(e).toBeInstanceOf(ConfigError);
  return e as ConfigError;
}

function oneBoard(ssh: string, extra = ''): string {
  return `boards:\n  b1:\n    type: stm32mp157f-dk2\n    ssh: ${ssh}\n${extra}`;
}

describe('farm inventory', () => {
  test('boards/farm.example.yaml validates, in file order, with ~ expanded and defaults applied', () => {
    const inv = loadInventory(path.join(REAL_BOARDS, 'farm.example.yaml'), { boardsDir: REAL_BOARDS });
    expect(inv.instances.map((i) => [i.name, i.type, i.power.backend])).toEqual([
      ['mp157-01', 'stm32mp157f-dk2', 'command'],
      ['mp257-01', 'stm32mp257f-ev1', 'none'],
      ['mp257-02', 'stm32mp257f-dk', 'none'],
      ['vdk2-local', 'stm32mp157f-dk2', 'virtual'],
    ]);
    const first = inv.instances[0];
    expect(first?.ssh).toEqual({ host: '192.0.2.21', port: 22, user: 'root', privateKey: path.join(os.homedir(), '.ssh/hil_ed25519'), hostKey: 'SHA256:Zk5o8v2qJm1lHq3m0cD9yR4Xw7tB6nV2uP8sL1aK0eE' });
    expect(first?.power).toEqual({ backend: 'command', on: 'pdu-ctl on 3', off: 'pdu-ctl off 3', cycle: 'pdu-ctl cycle 3' });
    expect(inv.instances[1]?.console).toEqual({ tcp: 'labhost:4001' });
    expect(inv.instances[2]?.ssh.passwordEnv).toBe('HIL_MP257_02_PASSWORD');
  });

  test('tcp://host:port consoles are normalised to host:port', () => {
    const file = boards.write('farm.yaml', oneBoard(`{ host: h, agent: true, hostKey: "${KEY}" }`, '    console: { tcp: "tcp://lab:4001" }\n'));
    expect(loadInventory(file, { boardsDir: boards.dir }).instances[0]?.console).toEqual({ tcp: 'lab:4001' });
  });

  test('a relative key path is relative to the inventory file', () => {
    const file = boards.write('farm.yaml', oneBoard(`{ host: h, privateKey: keys/id, knownHosts: kh }`));
    const ssh = loadInventory(file, { boardsDir: boards.dir }).instances[0]?.ssh;
    expect([ssh?.privateKey, ssh?.knownHosts]).toEqual([path.join(boards.dir, 'keys/id'), path.join(boards.dir, 'kh')]);
  });

  test('a plain password is refused, the value is not echoed, and the fix is named', () => {
    const e = inventoryError(oneBoard(`{ host: h, password: hunter2, hostKey: "${KEY}" }`));
    expect(e.message).toBe(
      `${boards.dir}/farm.yaml: boards.b1.ssh.password: expected no plain secret in the inventory, found a password value (not shown) ` +
        '(secrets go by reference only: put a password in an environment variable and write passwordEnv: VAR_NAME; give keys by path (privateKey) or agent: true)\n' + FIX_HINT,
    );
    expect(e.message).not.toContain('hunter2');
    expect(JSON.stringify(e.details)).not.toContain('hunter2');
  });

  test('key material pasted as privateKey is refused without echoing it', () => {
    const e = inventoryError(oneBoard(`{ host: h, privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXk=\\n", hostKey: "${KEY}" }`));
    expect(e.message).toContain(`farm.yaml: boards.b1.ssh.privateKey: expected a file path (key material is never written into the inventory), found key material (not shown)`);
    expect(e.message).not.toContain('b3BlbnNzaC1rZXk');
  });

  test('a password written into passwordEnv is refused without echoing it', () => {
    const e = inventoryError(oneBoard(`{ host: h, passwordEnv: "s3cret pass!", hostKey: "${KEY}" }`));
    expect(e.message).toContain('boards.b1.ssh.passwordEnv: expected the NAME of an environment variable holding the password (e.g. HIL_MP157_PW), found a value that is not a variable name (not shown');
    expect(e.message).not.toContain('s3cret');
  });

  test('no login method, or two, is an error', () => {
    expect(inventoryError(oneBoard(`{ host: h, hostKey: "${KEY}" }`)).message).toContain(
      'boards.b1.ssh.privateKey: expected exactly one way to log in: privateKey: PATH, agent: true, or passwordEnv: ENV_VAR_NAME, found nothing (the key is missing)',
    );
    expect(inventoryError(oneBoard(`{ host: h, agent: true, privateKey: k, hostKey: "${KEY}" }`)).message).toContain('expected exactly one way to log in');
  });

  test('an unpinned host key is an error naming how to get the fingerprint', () => {
    expect(inventoryError(oneBoard('{ host: h, agent: true }')).message).toContain(
      'boards.b1.ssh.hostKey: expected exactly one pinned host key: hostKey: "SHA256:..." (from `ssh-keyscan HOST | ssh-keygen -lf -`) or knownHosts: PATH',
    );
    expect(inventoryError(oneBoard('{ host: h, agent: true, hostKey: "MD5:aa:bb" }')).message).toContain(
      'boards.b1.ssh.hostKey: expected a host-key fingerprint "SHA256:<43 base64 chars>" (ssh-keygen -lf), found "MD5:aa:bb"',
    );
  });

  test('an unknown type lists the profiles; an unknown key is an error', () => {
    const e = inventoryError(`boards:\n  b1:\n    type: stm32mp999\n    ssh: { host: h, agent: true, hostKey: "${KEY}" }\n    consol: { path: /dev/ttyUSB0 }\n`);
    expect(e.message).toContain('boards.b1.consol: expected a known key (type, description, ssh, console, power), found unknown key "consol" (did you mean "console"?)');
    expect(e.message).toContain('boards.b1.type: expected a profile in boards/ (stm32mp157c-ev1, stm32mp157f-dk2, stm32mp257f-dk, stm32mp257f-ev1, twin-mp157, twin-mp257, virtual-mp157, virtual-mp257), found "stm32mp999"');
  });

  test('power backends: command needs on and off; none takes no commands', () => {
    expect(inventoryError(oneBoard(`{ host: h, agent: true, hostKey: "${KEY}" }`, '    power: { backend: command, on: "pdu on" }\n')).message).toContain(
      'boards.b1.power.off: expected a shell command (backend "command" needs on and off), found nothing (the key is missing)',
    );
    expect(inventoryError(oneBoard(`{ host: h, agent: true, hostKey: "${KEY}" }`, '    power: { backend: none, on: "pdu on" }\n')).message).toContain(
      'boards.b1.power.on: expected no value: only backend "command" runs commands, found "pdu on"',
    );
  });

  test('a console needs exactly one of path or tcp', () => {
    expect(inventoryError(oneBoard(`{ host: h, agent: true, hostKey: "${KEY}" }`, '    console: {}\n')).message).toContain(
      'boards.b1.console.path: expected exactly one of path: DEVICE or tcp: "host:port"',
    );
  });

  test('a missing inventory file says so', () => {
    expect(thrown(() => loadInventory(path.join(boards.dir, 'none.yaml'))).message).toBe(`${boards.dir}/none.yaml: cannot read: no such file`);
  });
});
