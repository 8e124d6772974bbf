// Two facts about GNU as, read from GNU itself (the generator writes them to src/asm/gnuFacts.ts; a test derives
// them again and compares):
//   - per mode and AT&T mnemonic, the operand-size suffixes GNU takes on it, from the code-table corpus
//     (test/asm/diff/codetable/*.att.{32,64}.s: iced's whole code table in objdump's spelling, every suffix
//     variant): a variant GNU assembles silently is a suffix its template allows (what its NoSuf attribute says);
//   - the mnemonics iced encodes that GNU does not know: each of iced's mnemonic names alone on a line, in both
//     syntaxes and modes, is "no such instruction" (or only an invalid suffix on another name, `getsecq`) to GNU;
//     any other complaint, such as a missing operand, means GNU knows it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { knownMnemonics } from '../../src/asm/codeIndex.js';
import { parseCorpusFile } from '../../test/asm/diff/corpus-format.js';
import { gnuAssembleItems } from '../../test/asm/diff/gnu.js';

const PREFIX = /^((?:rex(?:\.[wrxb]+)?|rex64|data16|data32|addr16|addr32|lock|rep[nez]*|[c-gs]s|notrack|bnd|xacquire|xrelease|\{[a-z0-9]+\})\s+)*/i;

export interface GnuFacts {
  suffixes: Record<32 | 64, Record<string, string>>;
  unknown: string[];
}

export async function deriveGnuFacts(corpusDir: string, as = 'as'): Promise<GnuFacts> {
  const names = knownMnemonics();
  const known = new Set<string>();
  for (const syntax of ['att', 'intel'] as const) {
    for (const bitness of [32, 64] as const) {
      const g = await gnuAssembleItems(names, { syntax, bitness, as });
      names.forEach((n, i) => {
        if (!g[i]!.messages.some((m) => /no such instruction|invalid instruction suffix|only supported in 64-bit mode/.test(m))) known.add(n);
      });
    }
  }
  const taken = { 32: new Map<string, Set<string>>(), 64: new Map<string, Set<string>>() };
  for (const f of readdirSync(corpusDir).filter((n) => /\.att\.(32|64)\.s$/.test(n)).sort()) {
    const corpus = parseCorpusFile(readFileSync(join(corpusDir, f), 'utf8'));
    const have = new Set(corpus.items);
    // A line `M<s> OPS` is a suffix variant when `M OPS` is in the corpus too.
    const variants: { base: string; sfx: string; line: string }[] = [];
    for (const line of corpus.items) {
      const body = line.slice(PREFIX.exec(line)![0].length);
      const m = /^([a-z0-9]+?)([bwlq])(\s.*)?$/.exec(body);
      if (m && have.has(line.slice(0, line.length - body.length) + m[1]! + (m[3] ?? ''))) variants.push({ base: m[1]!, sfx: m[2]!, line });
    }
    const gnu = await gnuAssembleItems(variants.map((v) => v.line), { syntax: 'att', bitness: corpus.bitness, as });
    const mode = taken[corpus.bitness];
    variants.forEach((v, i) => {
      if (gnu[i]!.verdict !== 'ok') return;
      let s = mode.get(v.base);
      if (!s) mode.set(v.base, (s = new Set()));
      s.add(v.sfx);
    });
  }
  const record = (m: Map<string, Set<string>>): Record<string, string> =>
    Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, ['b', 'w', 'l', 'q'].filter((x) => v.has(x)).join('')]));
  return { suffixes: { 32: record(taken[32]), 64: record(taken[64]) }, unknown: names.filter((m) => !known.has(m)).sort() };
}
