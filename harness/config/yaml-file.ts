// Reads one YAML config file into plain data; syntax errors carry line and column, huge or alias-bomb files are refused.
import * as fs from 'node:fs';
import { parseDocument } from 'yaml';
import { ConfigError, describeError } from '../errors';
import { displayPath } from './problems';

const MAX_BYTES = 1024 * 1024;
const MAX_DEPTH = 64;

/** Depth of nested lists/mappings, counted without recursion so a hostile file cannot overflow the stack. */
function nestingDepth(root: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    max = Math.max(max, d);
    if (d > MAX_DEPTH) return d;
    if (v !== null && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

export function readYamlFile(file: string): unknown {
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new ConfigError(`${displayPath(file)}: not a file`, { file });
    if (stat.size > MAX_BYTES) {
      throw new ConfigError(`${displayPath(file)}: ${stat.size} bytes is too large for a config file (limit ${MAX_BYTES}); check the path`, { file });
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : describeError(e);
    throw new ConfigError(`${displayPath(file)}: cannot read: ${why}`, { file }, { cause: e });
  }
  return parseYamlText(text, file);
}

export function parseYamlText(text: string, file: string): unknown {
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  } catch (e) {
    throw new ConfigError(`${displayPath(file)}: cannot parse this YAML: ${describeError(e)}`, { file }, { cause: e });
  }
  const err = doc.errors[0];
  if (err && /call stack/i.test(err.message)) {
    throw new ConfigError(`${displayPath(file)}: lists and mappings are nested more than ${MAX_DEPTH} levels deep; a config file never needs that`, { file });
  }
  if (err) {
    const pos = err.linePos?.[0];
    const where = pos ? `:${pos.line}:${pos.col}` : '';
    const firstLine = err.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? err.message;
    throw new ConfigError(`${displayPath(file)}${where}: YAML syntax error: ${firstLine}. Fix the YAML at that line.`, {
      file,
      line: pos?.line,
      column: pos?.col,
    });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(`${displayPath(file)}: cannot use this YAML: ${describeError(e)}`, { file }, { cause: e });
  }
  if (nestingDepth(data) > MAX_DEPTH) {
    throw new ConfigError(`${displayPath(file)}: lists and mappings are nested more than ${MAX_DEPTH} levels deep; a config file never needs that`, { file });
  }
  return data;
}
