// The console log file: one `[ISO time] line` per console line, appended and handed to the OS as each line completes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../errors';
import { messageOf } from '../message-of';

export class ConsoleLog {
  private fd: number | undefined;

  constructor(readonly file: string) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      this.fd = fs.openSync(file, 'a');
    } catch (e) {
      throw new InputError('E_IO', `cannot open the console log ${file}: ${messageOf(e)}`, { file }, { cause: e });
    }
  }

  /** Synchronous append: a killed run still leaves every line that arrived (DESIGN §7). */
  line(at: Date, text: string): void {
    if (this.fd === undefined) return;
    fs.writeSync(this.fd, `[${at.toISOString()}] ${text}\n`);
  }

  /** Harness notes (disconnects, reopens) stand out from board output. */
  marker(at: Date, text: string): void {
    this.line(at, `--- ${text} ---`);
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
