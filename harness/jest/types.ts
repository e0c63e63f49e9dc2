// Contract types between `npm run hil` (the parent) and the jest process it starts per board, and what suites see.
import type { BoardProfile, FarmInstance } from '../config';
import type { Board } from '../board';
import type { FirmwareReport, ManifestExpect } from '../firmware';
import type { CommandRunner, RemoteprocDriver } from '../remoteproc';
import type { ConsoleCapture } from '../transports';

/**
 * Written by the parent to `<out>/.work/<board>/session.json`; the jest process finds it through env `HIL_SESSION`.
 * Everything a board's jest process needs: nothing else is passed.
 */
export interface SessionSpec {
  runId: string;
  /** instance name (JUnit classname prefix), e.g. `mp157-03` or `twin-mp157` */
  board: string;
  profile: BoardProfile;
  /** how to reach it; a virtual board started by the parent has power `{ backend: virtual, socket }` */
  instance: FarmInstance;
  /** the run directory (`--out`), absolute */
  outDir: string;
  /** `<out>/.work/<board>`: records.jsonl, jest-junit.xml, session.json */
  workDir: string;
  /** `<out>/evidence/<board>` */
  evidenceDir: string;
  /** `<out>/console-<board>.log` */
  consoleLog: string;
  /** directory holding the ELF files of this board's firmware port (firmware/build/<port>, or --firmware DIR) */
  firmwareDir: string;
  /** builtin: expectations from firmware/variants.yaml; custom: derived from each ELF's table (--firmware DIR) */
  firmwareSource: 'builtin' | 'custom';
  /** --variant filter (null = all) */
  variants: string[] | null;
  /** --suite filter (null = all) */
  suites: string[] | null;
  leaseWaitS: number;
  /** lease owner text (user@host of the runner) */
  owner: string;
  /** jest retryTimes for every test (0 = none); a test that passes on a retry is reported flaky */
  retries: number;
}

/** What a board shows with one variant (firmware/variants.yaml `expect.<soc>`); null = unknown (custom firmware). */
export type VariantExpect = ManifestExpect;

/** One firmware variant as planned for this board. */
export interface VariantPlan {
  name: string;
  /** absolute path of the ELF on the runner */
  elfPath: string;
  /** the file name deployed to /lib/firmware (`rproc-hil-<name>.elf`, validated) */
  firmwareName: string;
  sha256: string;
  report: FirmwareReport;
  expect: VariantExpect;
  /** set when the variant cannot run on this board: the reason every skipped test carries */
  skip?: string;
}

/** The board session a suite file gets from `session()` (one per jest process, shared by every spec file). */
export interface HilSession {
  spec: SessionSpec;
  board: Board;
  runner: CommandRunner;
  remoteproc: RemoteprocDriver;
  console: ConsoleCapture | undefined;
  /** variants after --variant filtering, in manifest order */
  variants: VariantPlan[];
  /** attach a file to the evidence of the running test */
  attach(name: string, data: string | Uint8Array, kind?: 'console' | 'dmesg' | 'trace' | 'coredump' | 'resource-table' | 'other'): void;
  /** a test-case property of the running test (JUnit `<property>`) */
  property(name: string, value: string | number): void;
}
