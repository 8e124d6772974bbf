// What every table block's checker needs to read its values: an error pushed as a diagnostic, bounded numbers,
// and a name written with or without quotes.
import { error, type Diagnostic, type SourceSpan } from '../diag/diagnostic.js';
import type { Name } from '../syntax/ast.js';
import { ARCHES, archHints } from './arch.js';
import { parseInteger } from './numbers.js';
import { didYouMean } from './suggest.js';

export const joinedName = (toks: readonly Name[]): string => toks.map((t) => t.text).join('').replace(/^"|"$/g, '');

export function tableValueReaders(diags: Diagnostic[]) {
  const fail = (msg: string, span: SourceSpan, hints: string[] = []): undefined => {
    diags.push(error('table-value', msg, span, hints));
    return undefined;
  };
  const int = (tok: Name | undefined, what: string, max: number, span: SourceSpan): number | undefined => {
    const v = tok ? parseInteger(tok.text) : undefined;
    if (v === undefined || v < 0n || v > BigInt(max)) return fail(`${what}: expected a number from 0 to ${max}, found '${tok?.text ?? ''}'`, tok?.span ?? span);
    return Number(v);
  };
  return { fail, int };
}

/**
 * Whether a block line's key is one the block takes and not given twice (`repeatable` keys may be); pushes the
 * diagnostic and says false otherwise. `seen` collects the keys given.
 */
export function acceptKey(key: Name, kind: string, block: string, keys: readonly string[], seen: Set<string>, diags: Diagnostic[], repeatable: readonly string[] = []): boolean {
  if (!keys.includes(key.text)) {
    diags.push(error('table-key', `unknown ${kind} entry '${key.text}'`, key.span, [...didYouMean(key.text, keys), `entries: ${keys.join(', ')}`]));
    return false;
  }
  if (!repeatable.includes(key.text) && seen.has(key.text)) {
    diags.push(error('table-duplicate', `'${key.text}' is given twice in ${kind} ${block}`, key.span));
    return false;
  }
  seen.add(key.text);
  return true;
}

/** An `arch NAME` line's value, or undefined with the diagnostic pushed. */
export function archValue(rest: readonly Name[], span: SourceSpan, diags: Diagnostic[]): string | undefined {
  if (rest.length === 1 && ARCHES.has(rest[0]!.text)) return rest[0]!.text;
  diags.push(error('unknown-arch', `unknown architecture '${joinedName(rest)}'`, rest[0]?.span ?? span, archHints(joinedName(rest))));
  return undefined;
}
