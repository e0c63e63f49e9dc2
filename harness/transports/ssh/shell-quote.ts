// Quotes one argument for a POSIX shell so that no character in it (quotes, $(), backticks, ;, newlines) is interpreted.
import { InputError } from '../../errors';

/**
 * Single-quote style: `it's` -> `'it'\''s'`. A leading `-` is still seen as an option by the command
 * that receives it; pass such paths after `--` or make them absolute (see `remotePathArg`).
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) {
    throw new InputError('E_USAGE', `cannot pass ${JSON.stringify(value.slice(0, 60))} to a remote shell: it contains a NUL byte`, { value });
  }
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A quoted path that a command cannot mistake for an option: relative paths starting with `-` get a `./` prefix. */
export function remotePathArg(remotePath: string): string {
  if (remotePath.length === 0) throw new InputError('E_USAGE', 'a remote path is empty; give the full path of the file on the board');
  return shellQuote(remotePath.startsWith('-') ? `./${remotePath}` : remotePath);
}
