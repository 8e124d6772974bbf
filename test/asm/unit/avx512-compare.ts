// The verdicts both AVX-512 tests use: each line assembles to GNU as's bytes or is refused; a line GNU rejects,
// or only warns about, must be refused; a line GNU accepts may be refused only on purpose (listed here).
import { assembleBlock } from '../../../src/asm/index.js';
import { gnuAssemble, type GnuOptions } from './gnuAs.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// A sizeless memory source of an integer-to-float conversion, which GNU reads as 32-bit without a word
// (patchc refuses cvtsi2sd (%rax) the same way).
const SIZELESS_CONVERSION = /^vcvtu?si2s[sdh] ([^%$\s]|\S+,\S+,\s*\[[^\]]*\]$)/;

export interface Verdicts {
  same: number;
  /** GNU refuses or warns, patchc encodes; or the bytes differ. */
  wrong: string[];
  /** GNU encodes silently, patchc refuses, and not on purpose. */
  refused: string[];
}

export function compareWithGnu(lines: string[], gnu: GnuOptions): Verdicts {
  const ref = gnuAssemble(lines, gnu);
  const v: Verdicts = { same: 0, wrong: [], refused: [] };
  lines.forEach((line, i) => {
    const g = ref[i]!;
    const r = assembleBlock(line, { bitness: gnu.bitness, syntax: gnu.syntax });
    if (r.errors.length > 0) {
      const msg = r.errors[0]!.message;
      // GNU's 32-bit Intel syntax reads `zmm16` or `rax` as a symbol, a memory operand: refused here.
      const symbolToGnu = gnu.syntax === 'intel' && /does not exist in 32-bit mode/.test(msg);
      if (msg === '') v.wrong.push(`${line}: refused without a message`);
      else if (g.error === undefined && g.warning === undefined && !SIZELESS_CONVERSION.test(line) && !symbolToGnu) v.refused.push(`${line}: ${msg}`);
      return;
    }
    if (g.error !== undefined) v.wrong.push(`${line}: ours ${hex(r.bytes)}, GNU refuses: ${g.error}`);
    else if (g.warning !== undefined) v.wrong.push(`${line}: ours ${hex(r.bytes)}, GNU warns: ${g.warning}`);
    else if (hex(r.bytes) !== g.bytes) v.wrong.push(`${line}: ours ${hex(r.bytes)}, GNU ${g.bytes}`);
    else v.same++;
  });
  return v;
}
