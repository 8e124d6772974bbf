// The assembler against GNU as: random mnemonic × operand kinds × sizes × immediates at the edges, in AT&T
// and Intel syntax, 32- and 64-bit. Most combinations are invalid on purpose: GNU decides, and patchc must
// either produce GNU's bytes or refuse. A GNU warning counts as "must refuse".
//
// Verdicts: 'different' (patchc produced other bytes than GNU: the one rule that never bends, a test
// failure), 'accepts-invalid' (GNU errors, patchc assembles), 'accepts-warned' (GNU warns, patchc assembles
// the same bytes), 'refuses-valid' (GNU assembles cleanly, patchc refuses: allowed), 'ok'. Everything but
// 'ok' is recorded in the disagreements file for the assembler's owner.
import fc from 'fast-check';
import { appendFileSync } from 'node:fs';
import { assembleBlock } from '../../src/asm/index.js';
import type { AsmSyntax, Bitness } from '../../src/asm/types.js';
import { gnuAssemble } from '../asm/unit/gnuAs.js';

type Size = 8 | 16 | 32 | 64;
export type Operand =
  | { k: 'reg'; name: string; size: Size }
  | { k: 'imm'; value: bigint }
  | { k: 'mem'; size?: Size; base?: string; index?: string; scale?: 1 | 2 | 4 | 8; disp?: bigint };

export interface AsmCase {
  syntax: AsmSyntax;
  bitness: Exclude<Bitness, 16>;
  mnemonic: string;
  /** AT&T size suffix (ignored in Intel syntax). */
  suffix: '' | 'b' | 'w' | 'l' | 'q';
  /** Intel order: destination first. */
  ops: Operand[];
}

const REGS: Record<Size, string[]> = {
  8: ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'spl', 'sil', 'dil', 'r8b', 'r15b'],
  16: ['ax', 'cx', 'sp', 'bp', 'si', 'r9w', 'r15w'],
  32: ['eax', 'ecx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r12d', 'r13d'],
  64: ['rax', 'rcx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r12', 'r13', 'r15'],
};
const BASES = ['rax', 'rsp', 'rbp', 'r12', 'r13', 'eax', 'esp', 'ebp', 'rip', 'r8d'];
const INDEXES = ['rax', 'rbx', 'rbp', 'r13', 'r15', 'eax', 'ecx', 'rsp'];
const EDGES = [0n, 1n, -1n, 2n, 0x7fn, 0x80n, -0x80n, -0x81n, 0xffn, 0x100n, 0x7fffn, 0x8000n, -0x8000n, 0xffffn, 0x10000n, 0x7fffffffn, 0x80000000n, -0x80000000n, -0x80000001n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, -0x8000000000000000n, 0xffffffffffffffffn];
const MNEMONICS = [
  'mov', 'add', 'sub', 'and', 'or', 'xor', 'cmp', 'test', 'adc', 'sbb', 'inc', 'dec', 'neg', 'not', 'push', 'pop', 'lea', 'xchg',
  'imul', 'mul', 'div', 'shl', 'shr', 'sar', 'rol', 'rcr', 'bt', 'bts', 'movzx', 'movsx', 'movsxd', 'movzb', 'movsb', 'cmove', 'cmovne',
  'sete', 'setb', 'nop', 'ret', 'int', 'in', 'out', 'bswap', 'cmpxchg', 'xadd', 'movabs', 'enter', 'leave', 'pushf', 'popf', 'cli', 'sti',
  'hlt', 'ud2', 'cwtl', 'cltq', 'cqto', 'lret', 'iret', 'syscall', 'sysenter', 'lock', 'rep', 'movs', 'stos', 'cmpsb', 'popcnt', 'lzcnt',
  'crc32', 'wrmsr', 'rdmsr', 'rdtsc', 'cpuid', 'invlpg', 'clflush', 'mfence', 'pause', 'jmp', 'call',
];

const arbReg: fc.Arbitrary<Operand> = fc.constantFrom(...([8, 16, 32, 64] as Size[]).flatMap((size) => REGS[size].map((name) => ({ k: 'reg' as const, name, size }))));
const arbImm: fc.Arbitrary<Operand> = fc.oneof(fc.constantFrom(...EDGES), fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n })).map((value) => ({ k: 'imm' as const, value }));
const arbMem: fc.Arbitrary<Operand> = fc
  .record(
    {
      size: fc.constantFrom(8, 16, 32, 64) as fc.Arbitrary<Size>,
      base: fc.constantFrom(...BASES),
      index: fc.constantFrom(...INDEXES),
      scale: fc.constantFrom(1, 2, 4, 8) as fc.Arbitrary<1 | 2 | 4 | 8>,
      disp: fc.constantFrom(...EDGES),
    },
    { requiredKeys: [] },
  )
  .map((m) => ({ k: 'mem' as const, ...m }));
const arbOperand = fc.oneof({ weight: 3, arbitrary: arbReg }, { weight: 2, arbitrary: arbImm }, { weight: 2, arbitrary: arbMem });

export const arbAsmCase: fc.Arbitrary<AsmCase> = fc.record({
  syntax: fc.constantFrom('att' as const, 'intel' as const),
  bitness: fc.constantFrom(32 as const, 64 as const),
  mnemonic: fc.constantFrom(...MNEMONICS),
  suffix: fc.constantFrom('' as const, '' as const, 'b' as const, 'w' as const, 'l' as const, 'q' as const),
  ops: fc.array(arbOperand, { maxLength: 3 }),
});

const num = (v: bigint): string => (v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`);

function att(o: Operand): string {
  if (o.k === 'reg') return `%${o.name}`;
  if (o.k === 'imm') return `$${num(o.value)}`;
  const disp = o.disp !== undefined ? num(o.disp) : '';
  if (!o.base && !o.index) return disp || '0';
  const idx = o.index && o.base !== 'rip' ? `,%${o.index}${o.scale ? `,${o.scale}` : ''}` : '';
  return `${disp}(${o.base ? `%${o.base}` : ''}${idx})`;
}

const PTR: Record<Size, string> = { 8: 'byte ptr ', 16: 'word ptr ', 32: 'dword ptr ', 64: 'qword ptr ' };
function intel(o: Operand): string {
  if (o.k === 'reg') return o.name;
  if (o.k === 'imm') return num(o.value);
  const parts: string[] = [];
  if (o.base) parts.push(o.base);
  if (o.index && o.base !== 'rip') parts.push(o.scale ? `${o.index}*${o.scale}` : o.index);
  let inner = parts.join('+');
  if (o.disp !== undefined) inner = inner ? `${inner}${o.disp < 0n ? '' : '+'}${num(o.disp)}` : num(o.disp);
  return `${o.size ? PTR[o.size] : ''}[${inner || '0'}]`;
}

export function render(c: AsmCase): string {
  if (c.syntax === 'att') return `${c.mnemonic}${c.suffix}${c.ops.length ? ' ' : ''}${[...c.ops].reverse().map(att).join(', ')}`;
  return `${c.mnemonic}${c.ops.length ? ' ' : ''}${c.ops.map(intel).join(', ')}`;
}

export type AsmVerdict = 'ok' | 'different' | 'accepts-invalid' | 'accepts-warned' | 'refuses-valid';
export interface AsmResult {
  c: AsmLine;
  line: string;
  verdict: AsmVerdict;
  patchc: string;
  gnu: string;
  ms: number;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A line to compare, in its syntax and mode. */
export interface AsmLine {
  syntax: AsmSyntax;
  bitness: Exclude<Bitness, 16>;
  line: string;
}

/** Runs a batch: one GNU as run per syntax × mode, patchc per line. */
export function runAsmBatch(cases: AsmCase[]): AsmResult[] {
  return runAsmLines(cases.map((c) => ({ syntax: c.syntax, bitness: c.bitness, line: render(c) })));
}

/** runAsmBatch for lines made elsewhere (asmTableFuzz.ts). */
export function runAsmLines(cases: AsmLine[]): AsmResult[] {
  const out: AsmResult[] = [];
  const groups = new Map<string, AsmLine[]>();
  for (const c of cases) {
    const k = `${c.syntax}/${c.bitness}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  for (const group of groups.values()) {
    const { syntax, bitness } = group[0]!;
    const lines = group.map((c) => c.line);
    const gnu = gnuAssemble(lines, { syntax, bitness });
    group.forEach((c, i) => {
      const line = lines[i]!;
      const t0 = performance.now();
      const p = assembleBlock(line, { syntax, bitness });
      const ms = performance.now() - t0;
      const g = gnu[i]!;
      const produced = p.errors.length === 0 && p.relocations.length === 0 && p.bytes.length > 0;
      const pDesc = p.errors.length ? `refused: ${p.errors[0]!.message}` : p.relocations.length ? `relocation ${p.relocations[0]!.symbol}` : hex(p.bytes);
      const gDesc = g.error ? `error: ${g.error}` : `${g.bytes}${g.warning ? ` (warning: ${g.warning})` : ''}`;
      let verdict: AsmVerdict = 'ok';
      if (produced) {
        if (g.error) verdict = 'accepts-invalid';
        else if (g.bytes !== hex(p.bytes)) verdict = 'different';
        else if (g.warning) verdict = 'accepts-warned';
      } else if (!g.error && !g.warning && p.errors.length) verdict = 'refuses-valid';
      out.push({ c, line, verdict, patchc: pDesc, gnu: gDesc, ms });
    });
  }
  return out;
}

export function formatAsmResult(r: AsmResult): string {
  return `${r.verdict}\t${r.c.syntax}/${r.c.bitness}\t${r.line}\tpatchc: ${r.patchc}\tgnu: ${r.gnu}`;
}

/** Appends every non-'ok' verdict to `file`. */
export function recordDisagreements(file: string, results: AsmResult[]): void {
  const lines = results.filter((r) => r.verdict !== 'ok').map(formatAsmResult);
  if (lines.length) appendFileSync(file, `${lines.join('\n')}\n`);
}
