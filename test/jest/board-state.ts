// Test helper: reads what a run left on a virtual board (state, firmware, lease file) over a fresh SSH connection.
import type { FarmInstance } from '../../harness/config';
import { LEASE_PATH } from '../../harness/board';
import { SshTransport } from '../../harness/transports';
import type { VirtualBoard } from '../../harness/virtual';

export interface LeftBehind {
  state: string;
  firmware: string;
  lease: boolean;
}

export async function boardLeftBehind(vb: VirtualBoard): Promise<LeftBehind> {
  const { host, port, user, privateKey, hostKey } = vb.ssh;
  const instance: FarmInstance = { name: 'inspect', type: vb.profile.name, ssh: { host, port, user, privateKey, hostKey }, power: { backend: 'none' } };
  const ssh = SshTransport.forInstance(instance, vb.profile);
  try {
    const sys = vb.kernel.sysfsDir;
    const read = async (cmd: string): Promise<string> => (await ssh.exec(cmd)).stdout.trim();
    return {
      state: await read(`cat ${sys}/state`),
      firmware: await read(`cat ${sys}/firmware`),
      lease: (await ssh.exec(`test -e ${LEASE_PATH}`)).code === 0,
    };
  } finally {
    await ssh.close();
  }
}
