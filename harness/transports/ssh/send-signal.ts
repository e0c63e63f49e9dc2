// Sends an SSH "signal" request also after stdin was closed (ssh2's Channel.signal() silently skips non-writable channels).
import type { ClientChannel } from 'ssh2';

interface ChannelInternals {
  outgoing?: { id?: number; state?: string };
  _client?: { _protocol?: { signal?: (id: number, name: string) => void } };
}

/** RFC 4254 §6.9: signal names without the SIG prefix (KILL, TERM, INT). Returns false when the channel is gone. */
export function sendSignal(ch: ClientChannel, name: string): boolean {
  const inner = ch as unknown as ChannelInternals;
  const id = inner.outgoing?.id;
  const send = inner._client?._protocol?.signal;
  if (id === undefined || (inner.outgoing?.state !== 'open' && inner.outgoing?.state !== 'eof') || typeof send !== 'function') return false;
  try {
    send.call(inner._client?._protocol, id, name);
    return true;
  } catch {
    return false;
  }
}
