// Loads and validates a farm inventory file; refuses secrets written into it (keys by path or agent, passwords by env var name).
import * as os from 'node:os';
import * as path from 'node:path';
import { isPlainObject } from './merge';
import { configErrorOf, describeValue, formatKeyPath, problemsFromIssues, type ConfigProblem, type KeyPath } from './problems';
import { INSTANCE_NAME, inventorySchema, type FarmInstance, type FarmInventory } from './inventory-schema';
import { defaultBoardsDir, listProfiles } from './load-profile';
import { allowedKeysAt } from './schema-keys';
import { readYamlFile } from './yaml-file';

export interface LoadInventoryOptions {
  /** where instance `type`s are looked up (default: the repository's boards/) */
  boardsDir?: string;
}

const FIX_HINT = 'Fix the inventory; boards/farm.example.yaml shows the format.';
const SECRET_KEY = /^(password|passwd|pass|passphrase|secret|token|privatekeydata|keydata|key)$/i;
const KEY_MATERIAL = /-----BEGIN|PRIVATE KEY|^(ssh-ed25519|ssh-rsa|ecdsa-sha2-\S+) AAAA/;

/** Problems for every plain secret in the file; their values are never echoed. */
function findSecrets(value: unknown, keyPath: KeyPath, file: string, out: ConfigProblem[]): void {
  if (typeof value === 'string' && KEY_MATERIAL.test(value)) {
    out.push({
      file,
      keyPath: formatKeyPath(keyPath),
      expected: 'a file path (key material is never written into the inventory)',
      found: 'key material (not shown)',
      hint: 'save the key in a file readable only by you (chmod 600) and give its path as privateKey: ~/.ssh/KEY, or use agent: true',
    });
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => findSecrets(v, [...keyPath, i], file, out));
  if (!isPlainObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (SECRET_KEY.test(k)) {
      out.push({
        file,
        keyPath: formatKeyPath([...keyPath, k]),
        expected: 'no plain secret in the inventory',
        found: `a ${k} value (not shown)`,
        hint: 'secrets go by reference only: put a password in an environment variable and write passwordEnv: VAR_NAME; give keys by path (privateKey) or agent: true',
      });
    } else {
      findSecrets(v, [...keyPath, k], file, out);
    }
  }
}

function expandPath(p: string, baseDir: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/')) return path.join(os.homedir(), p.slice(2));
  return path.resolve(baseDir, p);
}

export function loadInventory(file: string, opts: LoadInventoryOptions = {}): FarmInventory {
  const abs = path.resolve(file);
  const data = readYamlFile(abs);
  const secrets: ConfigProblem[] = [];
  findSecrets(data, [], abs, secrets);
  if (secrets.length > 0) throw configErrorOf(secrets, FIX_HINT);

  const result = inventorySchema.safeParse(data);
  const problems: ConfigProblem[] = result.success
    ? []
    : problemsFromIssues(result.error.issues, { data, blame: () => abs, allowedKeys: (p) => allowedKeysAt(inventorySchema, p) });
  for (const p of problems) {
    if (p.keyPath.endsWith('.passwordEnv')) p.found = 'a value that is not a variable name (not shown, in case it is the password itself)';
  }
  const boardsDir = opts.boardsDir ?? defaultBoardsDir();
  const profiles = listProfiles(boardsDir);
  const raw = isPlainObject(data) && isPlainObject(data.boards) ? data.boards : {};
  for (const [name, inst] of Object.entries(raw)) {
    if (!INSTANCE_NAME.test(name)) {
      problems.push({ file: abs, keyPath: formatKeyPath(['boards', name]), expected: 'an instance name starting with a letter (letters, digits, . _ -)', found: describeValue(name) });
    }
    const type = isPlainObject(inst) ? inst.type : undefined;
    if (typeof type === 'string' && !profiles.includes(type)) {
      problems.push({ file: abs, keyPath: formatKeyPath(['boards', name, 'type']), expected: `a profile in boards/ (${profiles.join(', ')})`, found: describeValue(type) });
    }
  }
  if (problems.length > 0 || !result.success) throw configErrorOf(problems, FIX_HINT);

  const baseDir = path.dirname(abs);
  const instances: FarmInstance[] = Object.entries(result.data.boards).map(([name, inst]) => {
    const ssh = { ...inst.ssh };
    if (ssh.privateKey !== undefined) ssh.privateKey = expandPath(ssh.privateKey, baseDir);
    if (ssh.knownHosts !== undefined) ssh.knownHosts = expandPath(ssh.knownHosts, baseDir);
    const out: FarmInstance = { name, type: inst.type, ssh, power: inst.power };
    if (inst.description !== undefined) out.description = inst.description;
    if (inst.console !== undefined) out.console = inst.console;
    return out;
  });
  return { file: abs, instances };
}
