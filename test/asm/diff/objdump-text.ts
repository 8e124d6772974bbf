// objdump's instruction text -> a line GNU as reassembles. Shared by the real-code samples (realcode.ts)
// and the code-table generator (scripts/asm-corpus/codetable/), whose corpus is stale when this changes.

import type { CorpusSyntax } from './corpus-format.js';

// Direct branches print an absolute target (`jne 4012 <x>`), which as would turn into a relocation
// against an absolute address; they are covered by the corpus's label blocks instead.
export const BRANCH_PREFIXES = '(?:(?:bnd|notrack|cs|ds|es|ss|fs|gs|data16|addr32|rex\\.?[wrxb]*)\\s+)*';
const DIRECT_BRANCH = new RegExp(`^${BRANCH_PREFIXES}(?:j[a-z]+|call[lqw]?|loop[a-z]*|xbegin)(?:,p[nt])?\\s+[0-9a-f]+$`);

/** One objdump instruction line -> the text to assemble, or null when it cannot be reassembled. */
export function normalizeObjdumpInsn(text: string, syntax: CorpusSyntax): string | 'branch' | null {
  let t = text.replace(/\s+#.*$/, '').replace(/\s*<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
  if (t === '' || t.includes('(bad)') || t.startsWith('.')) return null;
  if (DIRECT_BRANCH.test(t)) return 'branch';
  if (syntax === 'attnp') t = t.replaceAll('%', '');
  return t;
}
