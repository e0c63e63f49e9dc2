// Gates tests on host tools: skip locally with the Debian package to install, fail under CI=true.
import { execFileSync } from 'node:child_process';

export interface ToolNeed {
  command: string;
  debianPackage: string;
}

export const TOOLS = {
  armGcc: { command: 'arm-none-eabi-gcc', debianPackage: 'gcc-arm-none-eabi libnewlib-arm-none-eabi' },
  qemu: { command: 'qemu-system-arm', debianPackage: 'qemu-system-arm' },
  socat: { command: 'socat', debianPackage: 'socat' },
  ssh: { command: 'ssh', debianPackage: 'openssh-client' },
  make: { command: 'make', debianPackage: 'make' },
  xmllint: { command: 'xmllint', debianPackage: 'libxml2-utils' },
} as const satisfies Record<string, ToolNeed>;

export function hasTool(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * `describe` when every tool is present, `describe.skip` locally when one is missing (with a message naming
 * the package). Under CI=true a missing tool is a failure, because CI installs them.
 */
export function describeWithTools(needs: ToolNeed[], name: string, body: () => void): void {
  const missing = needs.filter((n) => !hasTool(n.command));
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  const install = `apt-get install --no-install-recommends ${missing.map((m) => m.debianPackage).join(' ')}`;
  const why = `${missing.map((m) => m.command).join(', ')} not found; install with: ${install}`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      test(`requires ${missing.map((m) => m.command).join(', ')}`, () => {
        throw new Error(`CI=true but ${why}`);
      });
    });
    return;
  }
  process.stderr.write(`[skip] ${name}: ${why}\n`);
  describe.skip(`${name} (skipped: ${why})`, body);
}
