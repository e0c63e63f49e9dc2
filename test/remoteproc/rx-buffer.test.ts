// RxBuffer: a reply line is bounded, so a board that streams without newlines ends the wait with a typed error.
import { InfraError } from '../../harness/errors';
import { MAX_LINE_BYTES, RxBuffer } from '../../harness/remoteproc/rx-buffer';

const timeout = (seen: Buffer): InfraError => new InfraError('E_TIMEOUT', `no line; saw ${seen.length} bytes`);

test('takeLine returns one line including its newline and keeps the rest', async () => {
  const rx = new RxBuffer();
  rx.push(Buffer.from('pong\nnext'));
  expect((await rx.takeLine(Date.now() + 1000, timeout)).toString()).toBe('pong\n');
  expect(rx.available).toBe(4);
});

test('more than MAX_LINE_BYTES without a newline is refused as bad remote output, not buffered forever', async () => {
  const rx = new RxBuffer();
  const pending = rx.takeLine(Date.now() + 10_000, timeout);
  for (let i = 0; i <= MAX_LINE_BYTES / 65536; i++) rx.push(Buffer.alloc(65536, 0x41));
  await expect(pending).rejects.toMatchObject({ code: 'E_REMOTE', message: expect.stringMatching(/bytes without a newline while a reply line was awaited/) });
});
