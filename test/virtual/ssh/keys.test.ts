// The board's key files must always be usable: ssh2 sometimes generates ed25519 keys it cannot read back.
import { utils } from 'ssh2';
import { generateParsablePair } from '../../../harness/virtual/ssh/keys';

test('every generated key pair parses (ssh2 rejects ~1 in 500 raw ed25519 pairs; a board must never keep one)', () => {
  for (let i = 0; i < 2000; i++) {
    const pair = generateParsablePair('t');
    expect(utils.parseKey(pair.private)).not.toBeInstanceOf(Error);
    expect(utils.parseKey(pair.public)).not.toBeInstanceOf(Error);
  }
});
