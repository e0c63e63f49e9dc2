// The table of external commands the virtual board's shell finds on its PATH.
import type { ShellCommand } from '../types';
import { DD_COMMANDS } from './dd';
import { DF_COMMANDS } from './df';
import { FILE_COMMANDS } from './files';
import { GREP_COMMANDS } from './grep';
import { LISTING_COMMANDS } from './listing';
import { SYSTEM_COMMANDS } from './system';
import { TEXT_COMMANDS } from './text';
import { SED_COMMANDS } from './sed';

export const COMMANDS: Record<string, ShellCommand> = {
  ...FILE_COMMANDS,
  ...LISTING_COMMANDS,
  ...TEXT_COMMANDS,
  ...GREP_COMMANDS,
  ...SYSTEM_COMMANDS,
  ...DD_COMMANDS,
  ...DF_COMMANDS,
  ...SED_COMMANDS,
};
