// Power backends picked by name from the inventory's `power.backend` (one file per backend).
import type { PowerConfig } from '../../config';
import { commandPower } from './command';
import { nonePower } from './none';
import type { PowerBackend, PowerContext } from './types';
import { virtualPower } from './virtual';

export type { PowerBackend, PowerBackendName, PowerContext, VirtualPowerSwitch } from './types';
export { runHostCommand } from './command';
export type { CommandPowerConfig } from './command';

export function powerBackend(config: PowerConfig, ctx: PowerContext): PowerBackend {
  switch (config.backend) {
    case 'none':
      return nonePower(ctx);
    case 'command':
      return commandPower(config, ctx);
    case 'virtual':
      return virtualPower(ctx, config);
  }
}
