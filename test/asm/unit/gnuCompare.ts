// Each line through patchc and GNU as (at test time): what differs, and how many lines both encoded. A line
// GNU errs or warns on must be refused; a line GNU takes silently must get GNU's bytes or be refused.
import { assembleBlock } from '../../../src/asm/index.js';
import { gnuAssemble, type GnuOptions } from './gnuAs.js';

export interface GnuComparison {
  /** Lines with other bytes than GNU, or accepted where GNU errs or warns, each with both answers. */
  wrong: string[];
  /** Lines GNU assembles silently and patchc encodes. */
  compared: number;
  /** Lines GNU assembles silently. */
  gnuOk: number;
}

export function compareWithGnu(lines: string[], opts: GnuOptions & { syntax: 'att' | 'intel'; bitness: 32 | 64 }): GnuComparison {
  const gnu = gnuAssemble(lines, opts);
  const out: GnuComparison = { wrong: [], compared: 0, gnuOk: 0 };
  lines.forEach((line, i) => {
    const ref = gnu[i]!;
    const r = assembleBlock(line, { bitness: opts.bitness, syntax: opts.syntax });
    const mine = r.errors.length > 0 ? `refused: ${r.errors[0]!.message}` : Buffer.from(r.bytes).toString('hex');
    if (ref.error || ref.warning) {
      if (r.errors.length === 0) out.wrong.push(`${line}: GNU says ${ref.error ?? ref.warning}; patchc ${mine}`);
      return;
    }
    out.gnuOk++;
    if (r.errors.length > 0) return;
    if (mine !== ref.bytes) out.wrong.push(`${line}: GNU ${ref.bytes}; patchc ${mine}`);
    out.compared++;
  });
  return out;
}
