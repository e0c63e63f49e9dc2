// Public API of the SSH transport: one pinned, reconnecting connection per board.
export { SshTransport } from './ssh-transport';
export type { SshTransportOptions, ExecOptions, ExecResult, UploadOptions, ConnectInfo, SshTransportEvents } from './ssh-transport';
export { SshStream } from './ssh-stream';
export type { StreamExit } from './ssh-stream';
export { shellQuote, remotePathArg } from './shell-quote';
export { fingerprintOf, normalizeFingerprint } from './fingerprint';
export { parseKnownHosts, knownHostsName } from './known-hosts';
export type { KnownHostKey } from './known-hosts';
