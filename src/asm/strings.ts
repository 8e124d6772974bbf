// String instructions written with explicit operands (`movsb (%rsi),%es:(%rdi)`, `rep stos QWORD PTR es:[rdi], rax`)
// are rewritten to the bare form plus the segment/address-size prefixes the operands imply, which is how GNU
// encodes them.
import type { MemOperand, Operand, ParsedInsn } from './operands.js';
import { InsnError } from './errors.js';

const STRING_OPS = /^(movs|cmps|stos|lods|scas|ins|outs|xlat)([bwlqd]?)$/;
const SIZE_LETTER: Record<number, string> = { 1: 'b', 2: 'w', 4: 'l', 8: 'q' };
const REG_BYTES: Record<string, number> = { al: 1, ax: 2, eax: 4, rax: 8 };

/** Returns the rewritten instruction, or undefined when `insn` is not a string instruction with operands. */
export function rewriteStringOperands(insn: ParsedInsn, syntax: 'att' | 'intel', bitness: number): ParsedInsn | undefined {
  const name = insn.mnemonic.toLowerCase();
  const m = STRING_OPS.exec(name);
  if (!m || insn.operands.length === 0) return undefined;
  // movsd/cmpsd with xmm operands are SSE, and movsx/... never match the pattern.
  if (insn.operands.some((o) => o.kind === 'reg' && (o.info.cls === 'xmm' || o.info.cls === 'mm'))) return undefined;
  const base = m[1]!;
  const fail = (msg: string): never => {
    throw new InsnError(msg, insn.mnemonicStart, insn.operands.at(-1)!.end);
  };
  let size = m[2] ? ({ b: 1, w: 2, l: 4, d: 4, q: 8 } as Record<string, number>)[m[2]]! : undefined;
  if (base === 'xlat' && m[2] && m[2] !== 'b') return undefined;
  let addrBits: number | undefined;
  let segPrefix: string | undefined;
  // GNU takes the accumulator only beside the memory operand (`stos %al,(%rdi)`): `stos %al` is refused there.
  if ((base === 'stos' || base === 'lods' || base === 'scas') && !insn.operands.some((o) => o.kind === 'mem')) {
    fail(`'${insn.mnemonic}' needs its memory operand (e.g. ${base === 'lods' ? '(%rsi)' : '%es:(%rdi)'}), or write '${base}b'/'${base}w'/'${base}l'/'${base}q' without operands`);
  }
  for (const op of insn.operands) {
    if (op.kind === 'imm') fail(`'${insn.mnemonic}' takes no immediate`);
    if (op.kind === 'reg') {
      const bytes = REG_BYTES[op.info.name];
      if (op.info.name === 'dx' && (base === 'ins' || base === 'outs')) continue;
      if (bytes === undefined || base === 'movs' || base === 'cmps' || base === 'xlat') fail(`'${op.info.name}' is not an operand of '${insn.mnemonic}'`);
      if (size !== undefined && size !== bytes) fail(`'${op.info.name}' does not match the size of '${insn.mnemonic}'`);
      size = bytes;
      continue;
    }
    const mem = op as MemOperand;
    const r = mem.base;
    // in/out spell the port as (%dx).
    if ((base === 'ins' || base === 'outs') && r?.name === 'dx' && !mem.index && !mem.seg && mem.disp.value === 0n && mem.disp.symbol === undefined) continue;
    if (!r || mem.index || mem.disp.value !== 0n || mem.disp.symbol !== undefined || !r.cls.startsWith('gpr')) {
      fail(`'${insn.mnemonic}' operands must be (%rsi)/(%rdi)-style addresses`);
    }
    const role = base === 'xlat' ? (r!.num === 3 ? 'bx' : '') : r!.num === 6 ? 'si' : r!.num === 7 ? 'di' : '';
    if (role === '') fail(`'${r!.name}' is not the address register of '${insn.mnemonic}'`);
    if (addrBits !== undefined && addrBits !== r!.bits) fail('string operands must use the same address size');
    addrBits = r!.bits;
    if (mem.size !== undefined) {
      if (size !== undefined && size !== mem.size && base !== 'xlat') fail(`operand size does not match '${insn.mnemonic}'`);
      // xlat's table holds bytes: GNU refuses `xlat WORD PTR ds:[ebx]`.
      if (base === 'xlat' && mem.size !== 1) fail(`'${insn.mnemonic}' reads a byte (BYTE PTR or no size)`);
      if (base !== 'xlat') size = mem.size;
    }
    if (role === 'di') {
      if (mem.seg && mem.seg.name !== 'es') fail('the destination of a string instruction is always %es:(%rdi)');
    } else if (mem.seg && mem.seg.name !== 'ds') {
      segPrefix = mem.seg.name;
    }
  }
  if (base === 'xlat') size = 1;
  if (size === undefined) fail(`operand size of '${insn.mnemonic}' is ambiguous; use a suffix (b, w, l, q)`);
  if (size === 8 && bitness !== 64) fail(`64-bit '${insn.mnemonic}' needs 64-bit mode`);
  const prefixes = insn.prefixes.slice();
  if (addrBits !== undefined && addrBits !== bitness) {
    // The other address size is one 67 prefix away: 32 in 64-bit code, 16<->32 in legacy modes.
    if (bitness === 64 && addrBits === 32) prefixes.push('addr32');
    else if (bitness === 32 && addrBits === 16) prefixes.push('addr16');
    else if (bitness === 16 && addrBits === 32) prefixes.push('addr32');
    else fail('unsupported address size for a string instruction');
  }
  if (segPrefix) prefixes.push(segPrefix);
  const letter = base === 'xlat' ? 'b' : SIZE_LETTER[size!]!;
  // Intel names the dword forms with d (movsd); the AT&T reading takes l.
  const bare = base === 'xlat' ? 'xlatb' : base + (letter === 'l' && syntax === 'intel' ? 'd' : letter);
  return { ...insn, mnemonic: bare, operands: [] as Operand[], prefixes };
}
