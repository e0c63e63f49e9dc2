// `npm run board -- --board virtual-mp157 [--port N]` (DESIGN §4.2): a virtual board in the foreground, READY line, control on stdin.
import * as readline from 'node:readline';
import { listProfiles, loadProfile, virtualBoardNames } from '../config';
import { UsageError } from '../errors';
import { startVirtualBoard, type VirtualBoard } from '../virtual/board';
import { parseFaultAssignment, type BoardFaults } from '../virtual/faults';
import { formatHelp, parseArgs, usageError, type CommandSpec } from './args';
import { runCli, type CliIO } from './run';

const SPEC: CommandSpec = {
  usage: 'board --board NAME [--port N] [--console pty|tcp] [--console-port N] [--state-dir DIR] [--fault NAME=VALUE ...]',
  summary: 'Starts a virtual board in the foreground; prints one READY line with its SSH and console endpoints, then serves until SIGINT/SIGTERM.',
  options: [
    { name: 'board', kind: 'value', valueName: 'NAME', description: 'virtual board profile: virtual-mp157, virtual-mp257, twin-mp157, twin-mp257 (or a profile file)' },
    { name: 'port', kind: 'value', valueName: 'N', description: 'SSH port on 127.0.0.1 (default 0 = any free port)' },
    { name: 'console', kind: 'value', valueName: 'pty|tcp', description: 'serial console as a socat pty pair or a raw TCP port (default pty when socat is installed)' },
    { name: 'console-port', kind: 'value', valueName: 'N', description: 'TCP console port when --console tcp (default 0 = any free port)' },
    { name: 'state-dir', kind: 'value', valueName: 'DIR', description: 'where keys and console links live (default .board-state/<board>)' },
    { name: 'fault', kind: 'repeat', valueName: 'NAME=VALUE', description: 'fault knob set at start, e.g. latencyMs=200' },
  ],
  positionals: [],
};

/** The stdin control channel's commands (docs/virtual-board.md). */
export const CONTROL_HELP = [
  'fault NAME=VALUE [NAME=VALUE ...]   set fault knobs (latencyMs, dropAfterCommands, refuseForMs, hangStartMs,',
  '                                    corruptNextUpload, noSftp, fillFirmwareDir, rotateHostKey, crashAfterMs,',
  '                                    crashAfterMessages, hangNextStart, unplugConsoleMs)',
  'power on|off|cycle [MS]             switch the board; cycle = a reboot, off for MS milliseconds',
  'crash [watchdog|hardfault]          crash the coprocessor now',
  'status                              print power state, faults and endpoints as JSON',
  'stop                                shut the board down and exit 0',
].join('\n');

export interface BoardCliDeps {
  /** control lines; default process.stdin */
  stdin?: NodeJS.ReadableStream;
  /** where SIGINT/SIGTERM come from; default process */
  signals?: NodeJS.EventEmitter;
}

function portOf(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw usageError(SPEC, `--${name} needs a TCP port number 0..65535, not "${text}"`);
  return Number(text);
}

function boardNameOf(name: string | undefined): string {
  if (name === undefined) throw usageError(SPEC, `missing --board; virtual boards are: ${virtualBoardNames().join(', ')}`);
  const pathLike = name.includes('/') || name.endsWith('.yaml') || name.endsWith('.yml');
  if (!pathLike && !listProfiles().includes(name)) {
    throw usageError(SPEC, `unknown board "${name}"; virtual boards are: ${virtualBoardNames().join(', ')}`);
  }
  return name;
}

export async function boardMain(argv: string[], io: CliIO, deps: BoardCliDeps = {}): Promise<number> {
  const args = parseArgs(argv, SPEC);
  if (args.help) {
    io.stdout(`${formatHelp(SPEC)}\ncontrol lines on stdin while running:\n${CONTROL_HELP}\n`);
    return 0;
  }
  const name = boardNameOf(args.value('board'));
  const profile = loadProfile(name);
  if (profile.virtual === undefined) {
    throw usageError(SPEC, `board "${name}" is a real board type, not a virtual board; virtual boards are: ${virtualBoardNames().join(', ')}`);
  }
  const consoleKind = args.value('console');
  if (consoleKind !== undefined && consoleKind !== 'pty' && consoleKind !== 'tcp') {
    throw usageError(SPEC, `--console takes pty or tcp, not "${consoleKind}"`);
  }
  const faults: Partial<BoardFaults> = {};
  for (const f of args.values('fault')) {
    const [k, v] = parseFaultAssignment(f);
    Object.assign(faults, { [k]: v });
  }
  const port = portOf('port', args.value('port'));
  const consolePort = portOf('console-port', args.value('console-port'));
  // Signal handlers go in before anything starts: a SIGTERM during start-up must still stop socat/QEMU cleanly.
  const stop = stopSignal(deps.signals ?? process);
  let board: VirtualBoard;
  try {
    board = await startVirtualBoard({ profile, port, console: consoleKind, consolePort, stateDir: args.value('state-dir'), faults });
  } catch (e) {
    stop.dispose();
    throw e;
  }
  if (stop.requested === null) {
    io.stdout(`READY ${board.readyJson()}\n`);
    const s = board.ssh;
    io.stderr(`${board.profile.name}: ssh -i ${s.privateKey} -p ${s.port} root@127.0.0.1  (host key ${s.hostKey})\n`);
    io.stderr(`console: ${'path' in board.console ? board.console.path : `tcp ${board.console.tcp}`}; type "help" here for control commands\n`);
    io.stderr(`power: unix socket ${board.powerSocket} (farm inventory: power: { backend: virtual, socket: ${board.powerSocket} })\n`);
    if (consoleKind === undefined && 'tcp' in board.console) {
      io.stderr('note: socat was not found, so the console is a TCP port; install socat (apt-get install socat) for a pty console\n');
    }
  }
  await serve(board, io, deps.stdin ?? process.stdin, stop);
  return 0;
}

interface StopSignal {
  /** the signal (or 'stop') that asked for shutdown, null while none did */
  readonly requested: string | null;
  readonly wait: Promise<string>;
  request(why: string): void;
  dispose(): void;
}

function stopSignal(signals: NodeJS.EventEmitter): StopSignal {
  let resolveWait: (why: string) => void = () => undefined;
  const wait = new Promise<string>((r) => (resolveWait = r));
  const state: { requested: string | null } = { requested: null };
  const request = (why: string): void => {
    if (state.requested !== null) return;
    state.requested = why;
    resolveWait(why);
  };
  const onInt = (): void => request('SIGINT');
  const onTerm = (): void => request('SIGTERM');
  signals.on('SIGINT', onInt);
  signals.on('SIGTERM', onTerm);
  return {
    get requested() {
      return state.requested;
    },
    wait,
    request,
    dispose() {
      signals.off('SIGINT', onInt);
      signals.off('SIGTERM', onTerm);
    },
  };
}

async function serve(board: VirtualBoard, io: CliIO, input: NodeJS.ReadableStream, stop: StopSignal): Promise<void> {
  const rl = readline.createInterface({ input, terminal: false });
  rl.on('line', (line) => {
    if (stop.requested !== null) return;
    control(board, line, () => stop.request('stop')).then(
      (reply) => reply && io.stderr(`${reply}\n`),
      (e: unknown) => io.stderr(`error: ${e instanceof Error ? e.message : String(e)}\n`),
    );
  });
  const why = await stop.wait;
  io.stderr(`${why}: stopping the board\n`);
  rl.close();
  if (input === process.stdin) process.stdin.destroy();
  await board.stop();
  stop.dispose();
}

/** One control line; resolves with the reply for stderr. */
export async function control(board: VirtualBoard, line: string, stop: () => void): Promise<string> {
  const [cmd, ...rest] = line.trim().split(/\s+/);
  switch (cmd) {
    case undefined:
    case '':
      return '';
    case 'help':
      return CONTROL_HELP;
    case 'fault': {
      if (rest.length === 0) throw new UsageError('fault needs NAME=VALUE, e.g. "fault latencyMs=200"');
      const pairs = rest.map(parseFaultAssignment);
      for (const [k, v] of pairs) await board.setFault(k, v);
      return `ok: ${pairs.map(([k, v]) => `${k}=${String(v)}`).join(' ')}${pairs.some(([k]) => k === 'rotateHostKey') ? ` (host key now ${board.ssh.hostKey})` : ''}`;
    }
    case 'power': {
      const [what, ms] = rest;
      if (what === 'on') await board.power.on();
      else if (what === 'off') await board.power.off();
      else if (what === 'cycle') {
        if (ms !== undefined && !/^\d+$/.test(ms)) throw new UsageError(`power cycle takes an off time in milliseconds, not "${ms}"`);
        await board.power.cycle(ms === undefined ? 0 : Number(ms));
      } else throw new UsageError(`power takes on, off or cycle, not "${what ?? ''}"`);
      return `ok: power ${board.power.state}`;
    }
    case 'crash': {
      const kind = rest[0] ?? 'watchdog';
      if (kind !== 'watchdog' && kind !== 'hardfault') throw new UsageError(`crash takes watchdog or hardfault, not "${kind}"`);
      board.kernel.injectCrash(kind);
      return `ok: crash ${kind}`;
    }
    case 'status': {
      // `power` stays the state word; the READY line's power object is shown as powerSocket
      const { power: _ready, ...endpoints } = JSON.parse(board.readyJson()) as Record<string, unknown>;
      return JSON.stringify({ power: board.power.state, powerSocket: board.powerSocket, faults: board.faults, ...endpoints });
    }
    case 'stop':
    case 'quit':
      stop();
      return '';
    default:
      throw new UsageError(`unknown control command "${cmd}"; commands:\n${CONTROL_HELP}`);
  }
}

// scripts/run-cli.js require()s this file after pointing argv[1] at it, so require.main is the launcher there
if (require.main === module) runCli((argv, io) => boardMain(argv, io));
