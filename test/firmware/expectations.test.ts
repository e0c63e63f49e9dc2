// Expectations derived from an ELF's own table (--firmware DIR) agree with firmware/variants.yaml for every built variant.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { boardRulesOf, loadProfile } from '../../harness/config';
import { analyzeFirmware, expectFromReport, parseVariantManifest, variantsForPort, type ManifestExpect } from '../../harness/firmware';
import { describeWithTools, TOOLS } from '../helpers/tools';
import { firmwareDirOf } from '../helpers/suite-run';

const root = path.resolve(__dirname, '..', '..');
const manifest = parseVariantManifest(fs.readFileSync(path.join(root, 'firmware', 'variants.yaml'), 'utf8'), 'firmware/variants.yaml');

/** what the table alone can tell; channels/ttys/control may instead be null (found by asking, DESIGN §6) */
function comparable(e: ManifestExpect, derived: ManifestExpect): ManifestExpect {
  return {
    ...e,
    channels: derived.channels === null ? null : e.channels,
    ttys: derived.ttys === null ? null : e.ttys,
    control: derived.control === null ? null : e.control,
  };
}

describeWithTools([TOOLS.armGcc, TOOLS.make], 'expectFromReport on the built test firmware', () => {
  for (const board of ['virtual-mp157', 'virtual-mp257'] as const) {
    const profile = loadProfile(board);
    const port = profile.coprocessor.firmwarePort;
    for (const v of variantsForPort(manifest, port)) {
      test(`${board} ${v.name}: verdict, errno, boots, rpmsg, traces, log size and vring size as variants.yaml says`, () => {
        const file = path.join(firmwareDirOf(port), `${v.name}.elf`);
        const derived = expectFromReport(analyzeFirmware(fs.readFileSync(file), { file, board: boardRulesOf(profile) }));
        const want = v.expect[profile.soc];
        if (!want) throw new Error(`variants.yaml has no expect.${profile.soc} for ${v.name}`);
        expect(derived).toEqual(comparable(want, derived));
      });
    }
  }

  test('channels are unknown only where rpmsg comes up with name service; no-ns and no-table are known silent (remoteproc.md §6.2)', () => {
    const profile = loadProfile('virtual-mp157');
    const get = (name: string): ManifestExpect => {
      const file = path.join(firmwareDirOf('stm32mp15'), `${name}.elf`);
      return expectFromReport(analyzeFirmware(fs.readFileSync(file), { file, board: boardRulesOf(profile) }));
    };
    expect(get('st-default')).toMatchObject({ channels: null, ttys: null, control: null });
    expect(get('no-ns')).toMatchObject({ rpmsg: true, channels: 0, ttys: 0, control: false });
    expect(get('no-table')).toMatchObject({ verdict: 'no-table', rpmsg: false, channels: 0, traces: [], vringNum: 0 });
  });
});
