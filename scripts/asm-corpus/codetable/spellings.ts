// From objdump's text to corpus lines: the real-code normalization (objdump-text.ts), direct branches
// turned into branches to a label (objdump prints their targets as addresses in the flat binary), and the
// variants GNU has to judge: every operand-size suffix of an AT&T mnemonic, every size keyword of an Intel
// memory operand.

import type { CorpusSyntax } from '../../../test/asm/diff/corpus-format.js';
import { normalizeObjdumpInsn } from '../../../test/asm/diff/objdump-text.js';

// Same prefixes as objdump-text's DIRECT_BRANCH, with the flat binary's `0x` targets.
const DIRECT_BRANCH = /^(?:(?:bnd|notrack|cs|ds|es|ss|fs|gs|data16|data32|addr16|addr32|rex\.?[wrxb]*)\s+)*(?:j[a-z]+|call[lqw]?|loop[a-z]*|xbegin[wlq]?)(?:,p[nt])?\s+(?:0x)?[0-9a-f]+$/i;

export type Spelling = { line: string } | { branch: string } | { skip: 'unspellable' };

/** Replaced by a label unique in the file (GNU assembles a whole corpus file at once). */
const BRANCH_TARGET = '@TARGET@';
/** Bytes between a branch and its label in the far variant: beyond any rel8. */
const FAR_FILL = `.quad ${Array.from({ length: 20 }, () => '0').join(',')}`;

export function corpusLine(objdumpText: string, syntax: CorpusSyntax): Spelling {
  const t = objdumpText.replace(/\s+#.*$/, '').replace(/\s*<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
  if (DIRECT_BRANCH.test(t)) {
    const b = t.replace(/ (0x)?[0-9a-f]+$/i, ` ${BRANCH_TARGET}`);
    return { branch: syntax === 'attnp' ? b.replaceAll('%', '') : b };
  }
  const n = normalizeObjdumpInsn(objdumpText, syntax);
  if (n === null || n === 'branch') return { skip: 'unspellable' };
  return { line: n };
}

/**
 * A branch to a label just after it, and one 320 bytes further (rel8-only forms must then be refused);
 * labels `.Lt<id>` and `.Lt<id>f`.
 */
export function branchBlocks(branch: string, id: number): string[] {
  const near = `.Lt${id}`;
  const far = `.Lt${id}f`;
  return [`${branch.replace(BRANCH_TARGET, near)}\n${near}:`, `${branch.replace(BRANCH_TARGET, far)}\n${FAR_FILL}\n${FAR_FILL}\n${far}:`];
}

const SUFFIXES = ['b', 'w', 'l', 'q'];
const SIZE_PREFIX = /^(data16|data32|rex(\.[WRXB]+)?|rex64)$/;
// The words objdump puts before a mnemonic (normalizeObjdumpInsn has already collapsed the spaces).
const PREFIX_WORD = /^(lock|rep|repz|repnz|repe|repne|bnd|notrack|xacquire|xrelease|cs|ds|es|fs|gs|ss|data16|data32|addr16|addr32|rex(\.[WRXB]+)?|rex64|\{[a-z0-9]+\})$/;

/**
 * `line` with the mnemonic given each suffix; when it already ends in a suffix letter (objdump prints
 * `movl $1,(%rax)`, but also `shl`), also the stem alone and with each other suffix: GNU decides which of
 * these exist, and the bare `mov $1,(%rax)` must be refused as GNU refuses it.
 */
/**
 * The line without objdump's operand-size and REX prefix words (data16 str (%rsi) -> str (%rsi)): on a
 * variant they would make most lines refusals for the prefix, not tests of the suffix or size keyword.
 */
function withoutSizePrefixes(line: string): string {
  const words = line.split(' ');
  const k = words.findIndex((w) => !PREFIX_WORD.test(w));
  return words.filter((w, i) => !(i < k && SIZE_PREFIX.test(w))).join(' ');
}

export function suffixVariants(line: string): string[] {
  const words = withoutSizePrefixes(line).split(' ');
  const k = words.findIndex((w) => !PREFIX_WORD.test(w));
  const m = words[k];
  if (m === undefined || k < 0) return [];
  const head = words.slice(0, k).map((w) => `${w} `).join('');
  const tail = words.length > k + 1 ? ` ${words.slice(k + 1).join(' ')}` : '';
  const stems = [m];
  if (m.length > 2 && SUFFIXES.includes(m.slice(-1))) stems.push(m.slice(0, -1));
  const names = stems.flatMap((st, i) => [...SUFFIXES.map((s) => st + s), ...(i > 0 ? [st] : [])]);
  const bare = `${head}${m}${tail}`;
  return [...new Set(names)].filter((n) => n !== m).map((n) => `${head}${n}${tail}`).concat(bare !== line ? [bare] : []);
}

const REG_CLASS: Array<[RegExp, string]> = [
  [/^%?(al|cl|dl|bl|ah|ch|dh|bh|spl|bpl|sil|dil|r\d+b)$/, 'r8'],
  [/^%?(ax|cx|dx|bx|sp|bp|si|di|r\d+w)$/, 'r16'],
  [/^%?(eax|ecx|edx|ebx|esp|ebp|esi|edi|r\d+d)$/, 'r32'],
  [/^%?(rax|rcx|rdx|rbx|rsp|rbp|rsi|rdi|r\d+)$/, 'r64'],
];
// Vector, mask and other registers never decide an operand-size suffix: one class for all.
const OTHER_REG = /^%?([xyz]mm|mm|k|st|cr|dr|db|tr|bnd|tmm)\(?\d*\)?$/;

function regClass(w: string): string {
  const c = REG_CLASS.find(([re]) => re.test(w));
  if (c) return c[1];
  return OTHER_REG.test(w) ? 'V' : w;
}

/**
 * The line with registers replaced by their class, memory operands and numbers collapsed: lines with
 * the same shape take the same suffixes, so the suffix variants are made once per shape.
 */
export function operandShape(line: string): string {
  const words = line.split(' ');
  return words
    .slice(words.findIndex((w) => !PREFIX_WORD.test(w)))
    .join(' ')
    .replace(/(%?[a-z]{2}:)?-?(0x[0-9a-f]+|\d+)?\([^)]*\)/g, 'M')
    .replace(/\[[^\]]*\]/g, 'M')
    .replace(/\$?-?0x[0-9a-f]+|\b\d+\b/g, 'N')
    .replace(/%?[a-z][a-z0-9]*(\(\d\))?/g, regClass)
    .replace(/\{[^}]*\}/g, '');
}

const INTEL_SIZES = ['BYTE', 'WORD', 'DWORD', 'QWORD'];
const SIZE_PTR = /\b(BYTE|WORD|DWORD|QWORD|TBYTE|FWORD|OWORD|MMWORD|XMMWORD|YMMWORD|ZMMWORD) PTR /;
const MEMORY = /((?:[a-z]s:)?\[)/;

/**
 * Intel's counterpart of the suffix variants: the memory operand's size keyword replaced by each GPR
 * size or dropped, or, where objdump wrote none, each one added. GNU decides which are valid.
 */
export function sizeKeywordVariants(line: string): string[] {
  // `DWORD BCST [..]` already is the operand's size keyword; another one before it means nothing.
  if (line.includes(' BCST ')) return [];
  const bare = withoutSizePrefixes(line);
  const m = SIZE_PTR.exec(bare);
  let out: string[];
  if (m) out = [bare, ...INTEL_SIZES.filter((s) => s !== m[1]).map((s) => bare.replace(SIZE_PTR, `${s} PTR `)), bare.replace(SIZE_PTR, '')];
  else if (MEMORY.test(bare)) out = [bare, ...INTEL_SIZES.map((s) => bare.replace(MEMORY, `${s} PTR $1`))];
  else out = [];
  return out.filter((v) => v !== line);
}
