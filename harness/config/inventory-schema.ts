// Zod schema of the farm inventory (DESIGN §3, a contract): where each physical board is reached. No secrets inside.
import { z } from 'zod';
import { flag, intField, mapping, matching, oneOf, text } from './schema-fields';

export const INSTANCE_NAME = /^[A-Za-z][A-Za-z0-9._-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOST = /^[A-Za-z0-9_.:[\]%-]+$/;
export const HOST_KEY = /^SHA256:[A-Za-z0-9+/]{43}=?$/;

const sshSchema = mapping({
  host: matching(HOST, 'a host name or IP address').refine((h) => !h.startsWith('-'), { error: 'a host name or IP address' }),
  port: intField('a TCP port from 1 to 65535', (n) => n >= 1 && n <= 65535).default(22),
  user: matching(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'a user name').default('root'),
  /** path of the private key file (~ is expanded; relative to the inventory file) */
  privateKey: text('the path of a private key file').optional(),
  agent: flag.optional(),
  /** NAME of the environment variable that holds the password, never the password */
  passwordEnv: matching(ENV_NAME, 'the NAME of an environment variable holding the password (e.g. HIL_MP157_PW)').optional(),
  hostKey: matching(HOST_KEY, 'a host-key fingerprint "SHA256:<43 base64 chars>" (ssh-keygen -lf)').optional(),
  knownHosts: text('the path of a known_hosts file').optional(),
}).superRefine((s, ctx) => {
  const auth = (['privateKey', 'agent', 'passwordEnv'] as const).filter((k) => s[k] !== undefined && s[k] !== false);
  if (auth.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: auth.length === 0 ? ['privateKey'] : [auth[1] ?? 'agent'],
      message: 'exactly one way to log in: privateKey: PATH, agent: true, or passwordEnv: ENV_VAR_NAME',
    });
  }
  if ((s.hostKey === undefined) === (s.knownHosts === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: s.hostKey === undefined ? ['hostKey'] : ['knownHosts'],
      message: 'exactly one pinned host key: hostKey: "SHA256:..." (from `ssh-keyscan HOST | ssh-keygen -lf -`) or knownHosts: PATH',
    });
  }
});

const consoleSchema = mapping({
  path: text('a serial device path, e.g. /dev/serial/by-id/...').optional(),
  tcp: matching(/^(?:tcp:\/\/)?[A-Za-z0-9_.-]+:\d{1,5}$/, 'a TCP address "host:port" (or "tcp://host:port")').optional(),
})
  .superRefine((c, ctx) => {
    if ((c.path === undefined) === (c.tcp === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['path'], message: 'exactly one of path: DEVICE or tcp: "host:port"' });
    }
  })
  .transform((c): ConsoleTarget => (c.tcp !== undefined ? { tcp: c.tcp.replace(/^tcp:\/\//, '') } : { path: c.path ?? '' }));

const powerSchema = mapping({
  backend: oneOf(['none', 'command', 'virtual']),
  on: text('a shell command that powers the board on').optional(),
  off: text('a shell command that powers the board off').optional(),
  cycle: text('a shell command that power-cycles the board').optional(),
  /** backend virtual: the power socket a virtual board prints in its READY line (`power.socket`) */
  socket: matching(/^(?:\/|~\/)\S*$/, 'the absolute path of a virtual board\'s power socket (the READY line\'s power.socket)').optional(),
})
  .superRefine((p, ctx) => {
    if (p.backend !== 'virtual' && p.socket !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['socket'], message: 'no value: only backend "virtual" has a power socket' });
    }
    for (const key of ['on', 'off', 'cycle'] as const) {
      if (p.backend === 'command' && key !== 'cycle' && p[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `a shell command (backend "command" needs on and off)` });
      }
      if (p.backend !== 'command' && p[key] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `no value: only backend "command" runs commands` });
      }
    }
  })
  .transform((p): PowerConfig =>
    p.backend === 'command'
      ? { backend: 'command', on: p.on ?? '', off: p.off ?? '', ...(p.cycle !== undefined ? { cycle: p.cycle } : {}) }
      : p.backend === 'virtual'
        ? { backend: 'virtual', ...(p.socket !== undefined ? { socket: p.socket } : {}) }
        : { backend: p.backend },
  );

export const instanceSchema = mapping({
  type: matching(/^[a-z0-9][a-z0-9._-]*$/, 'a board profile name from boards/ (e.g. stm32mp157f-dk2)'),
  description: z.string({ error: 'a string' }).optional(),
  ssh: sshSchema,
  console: consoleSchema.optional(),
  power: powerSchema.prefault({ backend: 'none' }),
});

export const inventorySchema = mapping({
  boards: z.record(z.string(), instanceSchema, { error: 'a mapping of instance name -> { type, ssh, console, power }' }),
});

export type ConsoleTarget = { path: string } | { tcp: string };
/** `virtual` with `socket`: a virtual board in another process (its power socket); without: the in-process board's switch */
export type PowerConfig = { backend: 'none' } | { backend: 'virtual'; socket?: string } | { backend: 'command'; on: string; off: string; cycle?: string };
export type SshTarget = z.output<typeof sshSchema>;

export interface FarmInstance {
  name: string;
  type: string;
  description?: string;
  ssh: SshTarget;
  console?: ConsoleTarget;
  power: PowerConfig;
}

export interface FarmInventory {
  file: string;
  /** in file order: alias resolution takes the first free one */
  instances: FarmInstance[];
}
