// Benchmark (a): one remote op, three ways against the same virtual board: our SSH connection, OpenSSH ControlMaster, plain ssh.
import * as path from 'node:path';
import { InfraError } from '../harness/errors';
import { startBenchBoard } from './board-fixture';
import { ControlMaster, plainSsh, writeKnownHosts, type SshEndpoint } from './openssh';
import { round, timeRuns } from './stats';
import type { Benchmark } from './types';

/** the op of issue 7 (a); the board's only rproc is remoteproc0 */
export const REMOTE_OP = 'cat /sys/class/remoteproc/remoteproc0/state';
const STATES = /^(offline|running|crashed|attached|detached|suspended|deleted)\n$/;

function checkState(out: string, how: string): void {
  if (!STATES.test(out)) throw new InfraError('E_REMOTE', `${how}: \`${REMOTE_OP}\` printed ${JSON.stringify(out)}, not a remoteproc state`, { output: out });
}

export const remoteOpBenchmark: Benchmark = {
  name: 'remote-op',
  description: `\`${REMOTE_OP}\` on a virtual board: rproc-hil's connection vs ssh with ControlMaster vs plain ssh (median of 200)`,
  async run(ctx) {
    const runs = ctx.runs ?? (ctx.quick ? 20 : 200);
    const b = await startBenchBoard({ name: 'bench-remote-op' });
    let master: ControlMaster | undefined;
    try {
      const ep: SshEndpoint = b.board.ssh;
      const knownHosts = path.join(b.dir, 'known_hosts');
      await writeKnownHosts(ep, knownHosts);

      const ours = await timeRuns(async () => checkState((await b.transport.exec(REMOTE_OP)).stdout, 'SshTransport'), runs, 10);
      ctx.log(`SshTransport: median ${round(ours.medianMs)} ms, p90 ${round(ours.p90Ms)} ms`);

      master = await ControlMaster.open(ep, knownHosts, b.dir);
      const cm = master;
      const viaMaster = await timeRuns(async () => checkState(await cm.exec(REMOTE_OP), 'ssh ControlMaster'), runs, 3);
      ctx.log(`ssh via ControlMaster: median ${round(viaMaster.medianMs, 1)} ms, p90 ${round(viaMaster.p90Ms, 1)} ms`);

      const plain = await timeRuns(async () => checkState(await plainSsh(ep, knownHosts, REMOTE_OP), 'plain ssh'), runs, 3);
      ctx.log(`plain ssh: median ${round(plain.medianMs, 1)} ms, p90 ${round(plain.p90Ms, 1)} ms`);

      const how = (t: { p90Ms: number }, digits = 3) => `median of ${runs}, p90 ${round(t.p90Ms, digits)} ms`;
      return [
        { key: 'op_ms_ours', value: round(ours.medianMs), unit: 'ms', detail: `SshTransport.exec on one open connection, ${how(ours)}` },
        { key: 'op_ms_controlmaster', value: round(viaMaster.medianMs, 2), unit: 'ms', detail: `\`ssh -o ControlPath=…\` per op through a ControlMaster, ${how(viaMaster, 1)}` },
        { key: 'op_ms_plain_ssh', value: round(plain.medianMs, 2), unit: 'ms', detail: `\`ssh\` per op (handshake + login each time), ${how(plain, 1)}` },
        { key: 'ratio_controlmaster', value: round(viaMaster.medianMs / ours.medianMs, 1), unit: 'x', atLeast: 20, detail: 'op_ms_controlmaster / op_ms_ours' },
        { key: 'ratio_plain_ssh', value: round(plain.medianMs / ours.medianMs, 1), unit: 'x', atLeast: 100, detail: 'op_ms_plain_ssh / op_ms_ours' },
      ];
    } finally {
      await master?.close().catch(() => undefined);
      await b.close();
    }
  },
};
