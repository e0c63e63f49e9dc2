// --board resolution (DESIGN §3): instance, else profile, else alias -> first free instance of the SoC; clear errors otherwise.
import { resolveBoard, resolveBoards } from '../../harness/config';
import { ConfigError, InfraError } from '../../harness/errors';
import { tmpBoards, type TmpBoards } from './tmp-boards';

const KEY = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';

let boards: TmpBoards;
let farmFile: string;
const savedFarm = process.env.HIL_FARM;

beforeEach(() => {
  boards = tmpBoards();
  const ssh = `{ host: 127.0.0.1, agent: true, hostKey: "${KEY}" }`;
  farmFile = boards.write(
    'farm-lab.yaml',
    `boards:\n` +
      `  dk2-a: { type: stm32mp157f-dk2, ssh: ${ssh} }\n` +
      `  ev1-a: { type: stm32mp257f-ev1, ssh: ${ssh} }\n` +
      `  dk-b: { type: stm32mp257f-dk, ssh: ${ssh} }\n` +
      `  dk2-b: { type: stm32mp157f-dk2, ssh: ${ssh} }\n`,
  );
  delete process.env.HIL_FARM;
});
afterEach(() => {
  boards.cleanup();
  if (savedFarm === undefined) delete process.env.HIL_FARM;
  else process.env.HIL_FARM = savedFarm;
});

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('resolveBoard', () => {
  test('an instance name gives the instance and its type profile', async () => {
    const b = await resolveBoard('ev1-a', { farmFile, boardsDir: boards.dir });
    expect([b.name, b.profile.name, b.instance?.name, b.via]).toEqual(['ev1-a', 'stm32mp257f-ev1', 'ev1-a', 'instance']);
  });

  test('a profile name gives the profile without an instance, inventory or not', async () => {
    const b = await resolveBoard('twin-mp157', { boardsDir: boards.dir });
    expect([b.name, b.profile.virtual?.coprocessor, b.instance, b.via]).toEqual(['twin-mp157', 'twin', undefined, 'profile']);
    expect((await resolveBoard('stm32mp157f-dk2', { farmFile, boardsDir: boards.dir })).instance).toBeUndefined();
  });

  test('alias mp257 picks the first free instance of that SoC in file order', async () => {
    const first = await resolveBoard('mp257', { farmFile, boardsDir: boards.dir });
    expect([first.name, first.profile.soc, first.via]).toEqual(['ev1-a', 'stm32mp25', 'alias']);
    const asked: string[] = [];
    const next = await resolveBoard('mp257', {
      farmFile,
      boardsDir: boards.dir,
      isFree: async (n) => {
        asked.push(n);
        return n !== 'ev1-a';
      },
    });
    expect(next.name).toBe('dk-b');
    expect(asked).toEqual(['ev1-a', 'dk-b']);
  });

  test('alias with every instance leased is a lease error naming the busy boards', async () => {
    const e = await rejection(resolveBoard('mp157', { farmFile, boardsDir: boards.dir, isFree: () => false }));
    expect(e).toBeInstanceOf(InfraError);
    expect((e as InfraError).code).toBe('E_LEASE');
    expect(e.message).toBe(
      'no free stm32mp15 board for "mp157": dk2-a is leased, dk2-b is leased. Try again later, or name one instance with --board to wait for its lease (--lease-wait).',
    );
  });

  test('alias with no board of that SoC in the inventory is a config error', async () => {
    const only = boards.write('farm-one.yaml', `boards:\n  dk2-a: { type: stm32mp157f-dk2, ssh: { host: h, agent: true, hostKey: "${KEY}" } }\n`);
    const e = await rejection(resolveBoard('mp257', { farmFile: only, boardsDir: boards.dir }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe(`alias "mp257" needs a stm32mp25 board, but ${only} has none (instances: dk2-a (stm32mp157f-dk2)). Add one or name a board.`);
  });

  test('no inventory and not a profile: the error names --farm, HIL_FARM and the virtual boards', async () => {
    const e = await rejection(resolveBoard('mp157', { boardsDir: boards.dir }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe(
      'board "mp157" is not a board profile, and no farm inventory was given to look it up as an instance or alias: ' +
        'pass --farm FILE or set HIL_FARM to your farm inventory (boards/farm.example.yaml shows the form). ' +
        'Without hardware, use a virtual board: --board twin-mp157, --board twin-mp257, --board virtual-mp157, --board virtual-mp257.',
    );
  });

  test('HIL_FARM is the default inventory', async () => {
    process.env.HIL_FARM = farmFile;
    expect((await resolveBoard('mp157', { boardsDir: boards.dir })).name).toBe('dk2-a');
  });

  test('an unknown name with an inventory lists instances, profiles and aliases and suggests one', async () => {
    const e = await rejection(resolveBoard('dk2-c', { farmFile, boardsDir: boards.dir }));
    expect(e.message).toContain('unknown board "dk2-c" (did you mean "dk2-a"?): it is no instance in');
    expect(e.message).toContain('(dk2-a, ev1-a, dk-b, dk2-b), no profile (');
    expect(e.message).toContain('and no alias (mp157, mp257).');
  });

  test('a board name with shell characters is refused before any lookup', async () => {
    const e = await rejection(resolveBoard('mp157;reboot', { farmFile, boardsDir: boards.dir }));
    expect(e.message).toBe('invalid board name "mp157;reboot": expected an instance, profile or alias name (letters, digits, . _ -)');
  });
});

describe('resolveBoards', () => {
  test('a comma list resolves each; repeated aliases take distinct instances', async () => {
    const list = await resolveBoards('mp157,mp157,virtual-mp257', { farmFile, boardsDir: boards.dir });
    expect(list.map((b) => b.name)).toEqual(['dk2-a', 'dk2-b', 'virtual-mp257']);
  });

  test('more aliases than boards: the last one says which are already used in this run', async () => {
    const e = await rejection(resolveBoards('mp157,mp157,mp157', { farmFile, boardsDir: boards.dir }));
    expect(e.message).toContain('dk2-a is already used in this run, dk2-b is already used in this run');
  });

  test('a board named twice is run once', async () => {
    const list = await resolveBoards(['dk2-a', 'dk2-a,twin-mp257'], { farmFile, boardsDir: boards.dir });
    expect(list.map((b) => b.name)).toEqual(['dk2-a', 'twin-mp257']);
  });
});
