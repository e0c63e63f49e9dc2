// Test helper: a virtual board assembled like startVirtualBoard (kernel model, SSH server, TCP console) whose command log and files a test can read.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadProfile, type BoardProfile, type FarmInstance } from '../../harness/config';
import { startConsole, type VirtualConsole } from '../../harness/virtual/console';
import { consoleShellFactory } from '../../harness/virtual/console/shell';
import { ModelCoprocessor } from '../../harness/virtual/coprocessor/model';
import { MemFs } from '../../harness/virtual/fs/memfs';
import { KernelModel } from '../../harness/virtual/kernel';
import { startSshServer, type SshServerHandle } from '../../harness/virtual/ssh/server';

export interface LoggedBoard {
  profile: BoardProfile;
  fs: MemFs;
  kernel: KernelModel;
  ssh: SshServerHandle;
  /** a TCP serial console carrying the kernel log and a login prompt, as on startVirtualBoard */
  console: VirtualConsole;
  stateDir: string;
  /** the farm inventory entry that reaches it (private key login unless `over` says otherwise) */
  instance(name: string, over?: Partial<FarmInstance['ssh']>): FarmInstance;
  /** every regular file and directory path, for before/after comparisons */
  tree(): string[];
  stop(): Promise<void>;
}

/** `password`: the board also accepts that root password (for inventories using passwordEnv). */
export async function startLoggedBoard(opts: { profile?: string; password?: string } = {}): Promise<LoggedBoard> {
  const profile = loadProfile(opts.profile ?? 'virtual-mp157');
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rproc-hil-sec-'));
  const memfs = new MemFs();
  const kernel = new KernelModel({ profile, fs: memfs, coprocessor: () => new ModelCoprocessor({ memory: profile.coprocessor.memory }) });
  await kernel.boot();
  const ssh = await startSshServer({ stateDir, fs: memfs, host: kernel.shellHost(), ...(opts.password !== undefined ? { password: opts.password } : {}) });
  const con = await startConsole({ kind: 'tcp', stateDir, hostname: kernel.settings.hostname, shell: consoleShellFactory(memfs, () => kernel.shellHost()) });
  const unsubscribe = kernel.onDmesg((line) => con.kernelLine(line));
  con.loginPrompt();
  return {
    profile,
    fs: memfs,
    kernel,
    ssh,
    console: con,
    stateDir,
    instance(name, over = {}) {
      const base = { host: ssh.host, port: ssh.port, user: ssh.user, hostKey: ssh.hostKeyFingerprint };
      const login = over.passwordEnv !== undefined ? {} : { privateKey: ssh.privateKeyPath };
      return { name, type: profile.name, ssh: { ...base, ...login, ...over }, console: con.endpoint, power: { backend: 'none' } };
    },
    tree() {
      const out: string[] = [];
      const walk = (dir: string): void => {
        for (const name of memfs.readdir(dir)) {
          const p = dir === '/' ? `/${name}` : `${dir}/${name}`;
          const st = memfs.stat(p);
          // sysfs/debugfs/proc/dev are the kernel's, not files a deploy could create
          if (/^\/(sys|proc|dev)(\/|$)/.test(p)) continue;
          if (st?.type === 'dir') {
            out.push(`${p}/`);
            walk(p);
          } else if (st?.type === 'file') out.push(p);
        }
      };
      walk('/');
      return out.sort();
    },
    async stop() {
      unsubscribe();
      await Promise.allSettled([ssh.close(), con.close()]);
      await kernel.dispose();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
