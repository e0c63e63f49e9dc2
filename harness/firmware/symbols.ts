// Names trace buffers after the ELF symbol at their device address (e.g. `system_log_buf`), as DESIGN §4.1 asks.
import type { ElfSymbol, ResourceTable } from './types';

/**
 * The data symbol whose value equals `address`, or null: an object symbol first, else a global notype one, else
 * any notype one. Arm mapping symbols (`$d`, `$t`) are not names a person would look for, so they never count.
 */
export function symbolAt(symbols: readonly ElfSymbol[], address: number): string | null {
  const named = symbols.filter((s) => s.value === address && s.name !== '' && !s.name.startsWith('$'));
  const notype = named.filter((s) => s.type === 'notype');
  const pick = named.find((s) => s.type === 'object') ?? notype.find((s) => s.bind !== 0) ?? notype[0];
  return pick ? pick.name : null;
}

/** Fills `symbol` of every trace entry in place (symbols indexed by address once: both lists may be long). */
export function attachSymbols(table: ResourceTable, symbols: readonly ElfSymbol[]): void {
  const byValue = new Map<number, ElfSymbol[]>();
  for (const s of symbols) {
    const list = byValue.get(s.value);
    if (list) list.push(s);
    else byValue.set(s.value, [s]);
  }
  for (const e of table.entries) if (e.type === 'trace') e.symbol = symbolAt(byValue.get(e.da) ?? [], e.da);
}
