// Chooses the encoding GNU as 2.40 would: the operands decide which iced Codes fit, then the shortest encoding
// wins, with GNU's template order breaking ties (store form of reg,reg; imm8 sign-extended before the
// accumulator form; lowest opcode otherwise).
import { modeBit, type CodeInfo } from './codeIndex.js';
import { encodeCandidate, encodeFarDirect, insertBytes, orderPrefixes, prefixCount, type Encoded } from './encode.js';
import { Kinds as K, isRegOrMemKind, immBits, immFits, isBranchKind, isFixedRegKind, isImmKind, isRegFieldKind, operandFits } from './match.js';
import { readMnemonic, type Reading } from './mnemonics.js';
import type { ImmOperand, MemOperand, Operand, ParsedInsn, RegOperand, Rounding } from './operands.js';
import { checkDecorationPlacement, checkRegisterRules, chooseVexOrEvex, comparePseudo, evexFits, evexOnlyRegister, evexSpellingHint, explainDecorations, insnEnd } from './evex.js';
import { lookupRegister, registerAvailable, type RegInfo } from './registers.js';

import { InsnError } from './errors.js';
import { rewriteStringOperands } from './strings.js';
import { gnuRefuses } from './gnuRefusals.js';
import { drop66, gpr32Of, preferIs4Src2, preferVectorMemory, pruneDominated, type Match } from './quirks.js';
import { formOf, nearestMnemonics } from './hints.js';

export { InsnError };

export interface BranchForm {
  kind: 'branch';
  /** rel8 form, when the instruction has one. */
  short?: CodeInfo;
  /** rel16/rel32 form, when the instruction has one. */
  near?: CodeInfo;
  target: { value: bigint; symbol?: string };
  prefixBytes: number[];
}

export interface FixedForm {
  kind: 'fixed';
  encoded: Encoded;
  code: CodeInfo;
}

export type Selected = (BranchForm | FixedForm) & { warnings: string[] };

export interface SelectOptions {
  bitness: 16 | 32 | 64;
  syntax: 'att' | 'intel';
}

const COMMUTATIVE = new Set(['xchg', 'test']);
// Where GNU keeps a rep/repne the CPU ignores or reads otherwise (`rep ret`; `rep bsf` is f3 0f bc, tzcnt's bytes;
// `rep nop` is f3 90, pause's): it emits the prefix as written, and so does patchc. repne is taken on every string
// instruction, not only cmps/scas.
const GNU_REP_OK = /^(Retn.*|Bsf_.*|Bsr_.*|Nopw|Nopd|Nopq)$/;
const CMP_PREDICATES = ['eq', 'lt', 'le', 'unord', 'neq', 'nlt', 'nle', 'ord'];
const CMP_PSEUDO = /^(v?)cmp(eq|lt|le|unord|neq|nlt|nle|ord)(ps|pd|ss|sd)$/;
const AMBIGUOUS64 = new Set(['sysret', 'sysexit', 'iret', 'lret']);
const SHIFTS = new Set(['shl', 'shr', 'sal', 'sar', 'rol', 'ror', 'rcl', 'rcr']);
const X87_POP_DEFAULT = new Set(['faddp', 'fmulp', 'fsubp', 'fsubrp', 'fdivp', 'fdivrp']);
const X87_ST1_DEFAULT = new Set(['fxch', 'fcom', 'fcomp', 'fucom', 'fucomp']);
const X87_REVERSED = new Map([
  ['fsub', 'fsubr'], ['fsubr', 'fsub'], ['fdiv', 'fdivr'], ['fdivr', 'fdiv'],
  ['fsubp', 'fsubrp'], ['fsubrp', 'fsubp'], ['fdivp', 'fdivrp'], ['fdivrp', 'fdivp'],
]);

function reg(name: string, at: Operand | { start: number; end: number }): RegOperand {
  return { kind: 'reg', info: lookupRegister(name)!, start: at.start, end: at.end };
}

function baseName(m: string): string {
  return m.toLowerCase().replace(/[bwlq]$/, '');
}

/** Rewrites GNU shorthand operand forms into the full forms iced lists. */
function normalizeOperands(insn: ParsedInsn, opts: SelectOptions): { mnemonic: string; ops: Operand[] } {
  let mnemonic = insn.mnemonic.toLowerCase();
  let ops = insn.operands.slice();
  const b = baseName(mnemonic);
  if ((b === 'in' || b === 'out') || mnemonic === 'in' || mnemonic === 'out') {
    ops = ops.map((o) => (o.kind === 'mem' && !o.bare && o.base?.name === 'dx' && !o.index && o.disp.value === 0n && !o.disp.symbol ? reg('dx', o) : o));
  }
  const span = { start: insn.mnemonicStart, end: insn.mnemonicEnd };
  // GNU's AT&T `bound` keeps Intel operand order.
  if (opts.syntax === 'att' && /^bound[wl]?$/.test(mnemonic)) ops.reverse();
  if ((SHIFTS.has(mnemonic) || SHIFTS.has(b)) && ops.length === 1) ops.push({ kind: 'imm', expr: { value: 1n }, ...span });
  // lar/lsl read a selector: GNU takes a 16-bit source register and encodes it as the 32-bit one.
  if (/^(lar|lsl)[wlq]?$/.test(mnemonic) && ops.length === 2 && ops[1]!.kind === 'reg' && ops[1]!.info.cls === 'gpr16' && ops[0]!.kind === 'reg' && ops[0]!.info.bits > 16) {
    ops[1] = { ...ops[1]!, info: gpr32Of(ops[1]!.info.num) };
  }
  // aam/aad default to base 10.
  if ((mnemonic === 'aam' || mnemonic === 'aad') && ops.length === 0) ops.push({ kind: 'imm', expr: { value: 10n }, ...span });
  // AVX/AVX-512 compare pseudo-ops (32 predicates, vpcmp*), then SSE's: cmpnlesd x,y is cmpsd x,y,6.
  const vcmp = comparePseudo(mnemonic);
  if (vcmp && ops.length >= 2) {
    mnemonic = vcmp.mnemonic;
    ops.push({ kind: 'imm', expr: { value: BigInt(vcmp.predicate) }, ...span });
  }
  const cmp = CMP_PSEUDO.exec(mnemonic);
  if (cmp && (ops.length === 2 || ops.length === 3)) {
    const pred = CMP_PREDICATES.indexOf(cmp[2]!);
    mnemonic = `${cmp[1]}cmp${cmp[3]}`;
    ops.push({ kind: 'imm', expr: { value: BigInt(pred) }, ...span });
  }
  if ((mnemonic === 'imul' || b === 'imul') && ops.length === 2 && ops[1]!.kind === 'imm') ops = [ops[0]!, ops[0]!, ops[1]!];
  if (mnemonic.startsWith('f')) {
    if (X87_POP_DEFAULT.has(mnemonic) && ops.length === 0) ops = [reg('st(1)', span), reg('st', span)];
    if (X87_ST1_DEFAULT.has(mnemonic) && ops.length === 0) ops = [reg('st', span), reg('st(1)', span)];
    // AT&T's historical operand-order quirk: with a st(i) destination, fsub means Intel's fsubr and so on.
    if (opts.syntax === 'att') {
      const swapped = X87_REVERSED.get(mnemonic);
      const d = ops[0];
      // The popping forms have only the st(i) destination encoding, so GNU swaps them for st(0) too
      // (`fdivrp %st,%st(0)` is de f8); the others encode a st(0) destination in the d8 form.
      if (swapped && ops.length === 2 && d?.kind === 'reg' && d.info.cls === 'st' && (d.info.num !== 0 || mnemonic.endsWith('p'))) mnemonic = swapped;
      else if (swapped && insn.operands.length === 0 && mnemonic.endsWith('p')) mnemonic = swapped;
    }
  }
  return { mnemonic, ops };
}

/** The operands the user writes: string instructions are written bare, so all their operands are implicit. */
function userKinds(ci: CodeInfo): number[] {
  return ci.userKinds;
}



function regBits(op: Operand): number {
  return op.kind === 'reg' && op.info.cls.startsWith('gpr') ? op.info.bits : 0;
}

const SHIFT_OR_ROTATE = /^(sh[lr]|sa[lr]|ro[lr]|rc[lr])[bwlq]?$/;

/**
 * A general register that fixes a memory operand's size: any but a shift's or rotate's count in %cl, and
 * crc32's destination (its source size is its own; GNU guesses 32-bit for a sizeless memory source).
 */
function decidesSize(op: Operand, mnemonic: string): boolean {
  if (regBits(op) === 0) return false;
  if (mnemonic === 'crc32') return false;
  return !(op.kind === 'reg' && op.info.name === 'cl' && SHIFT_OR_ROTATE.test(mnemonic));
}

function srcBitsOk(ci: CodeInfo, srcBits: number | undefined): boolean {
  if (srcBits === undefined) return true;
  const k = ci.kinds[1];
  if (srcBits === 8) return k === K.r8_or_mem;
  if (srcBits === 16) return k === K.r16_or_mem;
  if (srcBits === 32) return k === K.r32_or_mem;
  if (srcBits === 64) return k === K.r64_or_mem;
  return false;
}

function candidateFits(ci: CodeInfo, r: Reading, ops: Operand[], opts: SelectOptions, isDirectBranch: boolean, moffs32 = false, rounding?: Rounding): boolean {
  if (ci.userKinds.length !== ops.length) return false;
  if (!evexFits(ci, ops, rounding, r.vecBytes)) return false;
  if (!(ci.modes & modeBit(opts.bitness))) return false;
  // Far indirect branches: `ljmp *mem` in AT&T, `jmp FWORD PTR [mem]` in Intel.
  // GNU's Intel syntax has no spelling for m16:64 (TBYTE PTR is refused), only DWORD/FWORD.
  const intelFar = opts.syntax === 'intel' && ops.length === 1 && ops[0]!.kind === 'mem' && (ops[0]!.size === 4 || ops[0]!.size === 6) && ops[0]!.size === ci.memBytes;
  if (ci.far ? !(r.far === true || intelFar) : r.far === true) return false;
  const kinds = userKinds(ci);
  if (kinds.length !== ops.length) return false;
  if (r.movabs) {
    if (!kinds.some((k) => k === K.imm64 || k === K.mem_offs)) return false;
  } else if (opts.bitness === 64 && kinds.includes(K.mem_offs) && !moffs32) {
    return false;
  }
  if (r.dataSize !== undefined && ci.dataSize !== 0 && ci.dataSize !== r.dataSize) return false;
  if (gnuRefuses(ci, r, ops, opts)) return false;
  // Selector-sized operands: GNU takes only a 16-bit register or memory here.
  if (ci.selectorOnly16 && ops.some((o) => o.kind === 'reg' && o.info.cls.startsWith('gpr'))) return false;
  if (ci.sregWide && ops.some((o) => o.kind === 'mem') && r.dataSize !== undefined) return false;
  if (!srcBitsOk(ci, r.srcBits)) return false;
  for (let i = 0; i < kinds.length; i++) {
    const k = kinds[i]!;
    const op = ops[i]!;
    if (isBranchKind(k)) {
      if (!isDirectBranch) return false;
      continue;
    }
    if (!operandFits(k, op, { bitness: opts.bitness, evex: ci.evex !== undefined })) return false;
    // A broadcast's size is its element's (evexFits).
    if (op.kind === 'mem' && !op.bcst) {
      const want = op.size ?? r.memBytes;
      if (want !== undefined && ci.memBytes !== 0 && want !== ci.memBytes) return false;
      if (r.memBytes !== undefined && ci.memBytes === 0) return false;
    }
  }
  return true;
}

/** Operands that name a direct branch target: AT&T `jmp foo` (no `*`), Intel `jmp foo` / `jmp 1f`. */
function directTarget(insn: ParsedInsn, ops: Operand[]): { value: bigint; symbol?: string } | undefined {
  if (ops.length !== 1 || insn.indirect) return undefined;
  const op = ops[0]!;
  if (op.kind === 'mem' && op.bare && !op.seg && op.size === undefined) return op.disp;
  if (op.kind === 'imm') return op.expr;
  return undefined;
}

function defaultDataSize(matches: Match[], bitness: number): number {
  if (bitness === 64 && matches.some((m) => m.ci.defaultOpSize64)) return 64;
  return bitness === 16 ? 16 : 32;
}

function memOperand(ops: Operand[]): MemOperand | undefined {
  return ops.find((o): o is MemOperand => o.kind === 'mem');
}

function checkRegisters(ops: Operand[], opts: SelectOptions): void {
  for (const op of ops) {
    const regs = op.kind === 'reg' ? [op.info] : op.kind === 'mem' ? [op.base, op.index, op.seg].filter((x) => x !== undefined) : [];
    for (const r of regs) {
      if (!registerAvailable(r, opts.bitness)) {
        throw new InsnError(`register '${r.name}' does not exist in ${opts.bitness}-bit mode`, op.start, op.end);
      }
      if ((r.cls === 'cr' && ![0, 2, 3, 4, 8].includes(r.num)) || (r.cls === 'dr' && r.num >= 8)) {
        throw new InsnError(`'${r.name}' is not an architectural register (using it raises #UD)`, op.start, op.end);
      }
    }
    if (op.kind === 'mem') {
      if (op.base?.cls === 'ip' && op.index) throw new InsnError(`'${op.base.name}' cannot be used with an index register`, op.start, op.end);
      if (op.index && (op.index.num === 4 && op.index.cls.startsWith('gpr'))) throw new InsnError(`'${op.index.name}' cannot be an index register`, op.start, op.end);
      const b = op.base?.cls === 'ip' ? op.base.bits : op.base?.bits;
      const x = op.index && op.index.cls.startsWith('gpr') ? op.index.bits : undefined;
      if (b !== undefined && x !== undefined && b !== x) throw new InsnError('base and index registers differ in size', op.start, op.end);
      if (op.base && !op.base.cls.startsWith('gpr') && op.base.cls !== 'ip') throw new InsnError(`'${op.base.name}' cannot be a base register`, op.start, op.end);
      if (op.base && (op.base.bits === 8 || (op.base.bits === 16 && opts.bitness === 64))) throw new InsnError(`'${op.base.name}' cannot be a base register`, op.start, op.end);
      if (op.base?.bits === 16 || op.index?.bits === 16) {
        // 16-bit addressing: [bx|bp] + [si|di], no scale, and not in 64-bit mode.
        const okBase = !op.base || ['bx', 'bp', 'si', 'di'].includes(op.base.name);
        const okIndex = !op.index || (['si', 'di'].includes(op.index.name) && op.scale === 1 && op.base?.name !== 'si' && op.base?.name !== 'di');
        if (opts.bitness === 64 || !okBase || !okIndex) throw new InsnError('invalid 16-bit address', op.start, op.end, ['16-bit addresses are (%bx|%bp[,%si|%di]) or (%si|%di)']);
      }
      if (!op.base && !op.index && op.disp.symbol === undefined) {
        const v = op.disp.value;
        if (opts.bitness === 64 ? v < -0x80000000n || v > 0x7fffffffn : v < -0x80000000n || v > 0xffffffffn) {
          // Only movabs can reach a 64-bit absolute address; callers check that case before us.
        }
      } else if (op.disp.symbol === undefined && (op.base || op.index)) {
        const v = op.disp.value;
        const wide = (op.base ?? op.index)!.bits === 64;
        if (wide ? v < -0x80000000n || v > 0x7fffffffn : v < -0x80000000n || v > 0xffffffffn) {
          throw new InsnError(`displacement ${fmt(v)} does not fit in 32 bits`, op.start, op.end);
        }
      }
    }
  }
}

function fmt(v: bigint): string {
  return v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16);
}

/**
 * GNU reads `data16 push $imm` as pushw (`66 68 e8 59`, a 16-bit immediate; in 16-bit code `data32 push` is pushl):
 * the prefix sizes the push, not just the bytes in front of it.
 */
function sizedPush(insn: ParsedInsn, opts: SelectOptions): ParsedInsn {
  const word = opts.bitness === 16 ? 'data32' : 'data16';
  if (insn.mnemonic.toLowerCase() !== 'push' || insn.operands.length !== 1 || insn.operands[0]!.kind !== 'imm' || !insn.prefixes.includes(word)) return insn;
  return { ...insn, mnemonic: opts.bitness === 16 ? 'pushl' : 'pushw', prefixes: insn.prefixes.filter((p) => p !== word) };
}

export function selectEncoding(written: ParsedInsn, opts: SelectOptions): Selected {
  const warnings: string[] = [];
  const insn = rewriteStringOperands(written, opts.syntax, opts.bitness) ?? sizedPush(written, opts);
  const { mnemonic, ops } = normalizeOperands(insn, opts);
  const mspan = { start: insn.mnemonicStart, end: insn.mnemonicEnd };
  const readings = readMnemonic(mnemonic, opts.syntax, opts.bitness);
  if (readings.length === 0) {
    const near = nearestMnemonics(mnemonic);
    throw new InsnError(`unknown instruction '${insn.mnemonic}'`, mspan.start, mspan.end, near.length > 0 ? [`did you mean ${near.map((n) => `'${n}'`).join(', ')}?`] : undefined);
  }
  checkRegisters(ops, opts);
  checkDecorationPlacement(insn, opts.syntax);
  // GNU writes these with the one st(i) they compare with or exchange: `fcom %st(7),%st` is an operand-count
  // mismatch there, in both syntaxes.
  if (X87_ST1_DEFAULT.has(mnemonic) && insn.operands.length === 2) {
    throw new InsnError(`'${insn.mnemonic}' takes one operand, %st(i)`, mspan.start, insn.operands[1]!.end);
  }
  // GNU warns that these only support RIP-relative addresses (and encodes a plain prefetch hint otherwise).
  if (/^prefetchit[01]$/.test(mnemonic) && ops.some((o) => o.kind === 'mem' && o.base?.cls !== 'ip')) {
    throw new InsnError(`'${insn.mnemonic}' needs a RIP-relative address`, mspan.start, mspan.end);
  }
  if (opts.bitness !== 64 && readings.some((r) => r.movabs)) throw new InsnError(`'${insn.mnemonic}' exists only in 64-bit code (GNU as refuses it here); write mov`, mspan.start, mspan.end);
  if (opts.bitness === 64 && AMBIGUOUS64.has(mnemonic) && ops.every((o) => o.kind !== 'mem' || o.size === undefined)) {
    throw new InsnError(`'${insn.mnemonic}' is ambiguous in 64-bit code`, mspan.start, mspan.end, [
      `write '${insn.mnemonic}q' for the 64-bit form or '${insn.mnemonic}l' for the 32-bit one (GNU as would assume 32-bit with a warning)`,
    ]);
  }
  const pseudo = new Set(insn.pseudo);
  if (mnemonic.startsWith('mov') && ops[0]?.kind === 'reg' && ops[0].info.reg === lookupRegister('cs')!.reg) {
    throw new InsnError("cannot load %cs with mov (it raises #UD); use a far jump or lret", ops[0].start, ops[0].end);
  }
  const pfx = new Set(insn.prefixes);
  const far = readings.find((r) => r.far) ?? (opts.syntax === 'intel' && (mnemonic === 'jmp' || mnemonic === 'call') ? { ...readings[0]!, far: true } : undefined);
  if (far && ops.length === 2 && ops.every((o) => o.kind === 'imm')) return selectFarDirect(insn, far, ops as ImmOperand[], opts, warnings);
  const target = directTarget(insn, ops);
  for (const o of ops) {
    const sym = o.kind === 'imm' ? o.expr.symbol : o.kind === 'mem' ? o.disp.symbol : undefined;
    if (sym?.includes('@') && !(o === ops[0] && target && /@plt$/i.test(sym))) {
      throw new InsnError(`relocation operator '${sym.slice(sym.indexOf('@'))}' is not supported`, o.start, o.end);
    }
  }
  const hasBranchForm = target !== undefined && readings.some(hasNearBranchForm);
  if (target && hasBranchForm && opts.syntax === 'att' && ops[0]!.kind === 'imm') {
    throw new InsnError("an AT&T direct branch target is written without '$' (GNU as refuses it)", ops[0]!.start, ops[0]!.end, [`write '${insn.mnemonic} label' or '${insn.mnemonic} .+2'`]);
  }
  if (target && hasBranchForm) return selectBranch(insn, readings, target, opts, warnings);

  // GNU: `addr32 mov 0x1000,%eax` in 64-bit code is the moffs form with a 32-bit address (67 a1 00 10 00 00).
  const absMem = memOperand(ops);
  const moffs32 = opts.bitness === 64 && pfx.has('addr32') && absMem !== undefined && !absMem.base && !absMem.index;
  let matches: Match[] = [];
  for (const r of readings) {
    if (r.tier === 1 && matches.length > 0) break;
    for (const ci of r.codes) {
      const fits = candidateFits(ci, r, ops, opts, false, moffs32, insn.rounding);
      if (fits) matches.push({ ci, ops, swapped: false });
      if (fits && insn.pseudo.includes('{load}') && ops.length === 2 && (COMMUTATIVE.has(mnemonic) || COMMUTATIVE.has(mnemonic.slice(0, -1)))) {
        const sw = [ops[1]!, ops[0]!];
        if (candidateFits(ci, r, sw, opts, false)) matches.push({ ci, ops: sw, swapped: true });
      } else if (fits) {
        // matched as written
      } else if (ops.length === 1 && ops[0]!.kind === 'reg' && ops[0]!.info.cls === 'st' && ci.kinds[0] === K.st0) {
        // x87 `fxch %st(3)`: the st(0) operand is implied.
        const full = [reg('st', ops[0]!), ops[0]!];
        if (candidateFits(ci, r, full, opts, false)) matches.push({ ci, ops: full, swapped: false });
      }
      // Either order of a register and memory (`test %eax,(%rbx)`, `test (%rbx),%eax`), but an immediate is
      // the source only: GNU refuses `test (%rax),$1`.
      else if (ops.length === 2 && ops.every((o) => o.kind !== 'imm') && (COMMUTATIVE.has(mnemonic) || COMMUTATIVE.has(mnemonic.slice(0, -1)))) {
        const sw = [ops[1]!, ops[0]!];
        if (candidateFits(ci, r, sw, opts, false)) matches.push({ ci, ops: sw, swapped: true });
      }
    }
  }
  if (matches.length === 0) throw explainEvexMismatch(insn, readings, ops, opts) ?? explainMismatch(insn, readings, ops, opts);
  matches = chooseVexOrEvex(matches, pseudo, insn);
  refuseSizeFromValue(insn, readings, ops, opts, matches);

  // Operand size: when the operands do not decide it, GNU takes the mode default (warning if memory is involved).
  const sizes = new Set(matches.map((m) => m.ci.dataSize));
  if (sizes.size > 1 && !sizes.has(0)) {
    const def = defaultDataSize(matches, opts.bitness);
    const pick = matches.filter((m) => m.ci.dataSize === def);
    if (pick.length === 0) throw new InsnError(`operand size is ambiguous for '${insn.mnemonic}'`, mspan.start, mspan.end, ['add a size suffix (b, w, l, q) or a PTR size']);
    const mem = memOperand(ops);
    const memSizes = new Set(matches.map((m) => m.ci.memBytes));
    if (mem && mem.size === undefined && memSizes.size > 1 && !ops.some((o) => decidesSize(o, mnemonic)) && !defaultsSilently(matches)) {
      // GNU guesses here (AT&T: with a warning; Intel: an error). A patch rule should say what it means.
      throw ambiguousSize(insn, mem, opts, def);
    }
    matches = pick;
  }
  // movzx/movsx with a sizeless memory source: GNU's AT&T reads a byte (its Intel syntax refuses).
  const memBytes = new Set(matches.map((m) => m.ci.memBytes));
  if (memBytes.size > 1 && memOperand(ops)) {
    const base = mnemonic.replace(/[bwlq]$/, '');
    if (opts.syntax === 'att' && (base === 'movzx' || base === 'movsx' || base === 'movz' || base === 'movs')) {
      matches = matches.filter((m) => m.ci.memBytes === 1);
    } else {
      const mem = memOperand(ops);
      throw new InsnError(`memory operand size is ambiguous for '${insn.mnemonic}'`, mem?.start ?? mspan.start, mem?.end ?? mspan.end, ['give the size with a suffix or PTR']);
    }
  }
  if (pseudo.has('{load}') || pseudo.has('{store}')) {
    const want = pseudo.has('{load}') ? 0 : 1;
    // The pseudo prefixes choose between the two ModRM directions; forms without that choice (xchg's short
    // accumulator form) stay and can still win on length.
    const modrmPair = (m: Match): boolean => {
      const k = userKinds(m.ci);
      return k.length === 2 && ((isRegFieldKind(k[0]!) && isRegOrMemKind(k[1]!)) || (isRegOrMemKind(k[0]!) && isRegFieldKind(k[1]!)));
    };
    const f = matches.filter((m) => !modrmPair(m) || (isRegFieldKind(userKinds(m.ci)[want] ?? -1) && m.ops.every((o) => o.kind === 'reg')));
    if (f.some(modrmPair)) matches = f;
    // GNU quirk: `{store} xchg %reg,%acc` (accumulator as destination) takes the ModRM form, not 90+r.
    const d = ops[0];
    if (want === 1 && /^xchg[wlq]?$/.test(mnemonic) && d?.kind === 'reg' && d.info.cls.startsWith('gpr') && d.info.num === 0 && ops[1]?.kind === 'reg') {
      const g = matches.filter(modrmPair);
      if (g.length > 0) matches = g;
    }
  }
  const lock = pfx.has('lock');
  const rep = pfx.has('rep') || pfx.has('repe') || pfx.has('repz');
  const repne = pfx.has('repne') || pfx.has('repnz');
  if (lock) {
    matches = matches.filter((m) => m.ci.canLock && m.ops.some((o) => o.kind === 'mem'));
    if (matches.length === 0) throw new InsnError(`expecting a lockable instruction after 'lock' ('${insn.mnemonic}' with these operands cannot be locked)`, mspan.start, mspan.end);
  }
  if (rep || repne) {
    const ok = matches.filter((m) => (rep ? m.ci.canRep : m.ci.canRepne || m.ci.canRep) || GNU_REP_OK.test(m.ci.name));
    if (ok.length === 0) throw new InsnError(`'${insn.mnemonic}' cannot take a '${rep ? 'rep' : 'repne'}' prefix`, mspan.start, mspan.end);
    matches = ok;
  }
  // GNU special cases around xchg with the accumulator.
  if (mnemonic.replace(/[lq]$/, '') === 'xchg' && ops.length === 2 && ops[0]!.kind === 'reg' && ops[1]!.kind === 'reg' && ops[0]!.info.reg === ops[1]!.info.reg) {
    const r0 = ops[0]!.info.name;
    if (r0 === 'rax') return { kind: 'fixed', encoded: { bytes: new Uint8Array([0x90]), fixups: [] }, code: matches[0]!.ci, warnings };
    if (r0 === 'eax' && opts.bitness === 64) matches = matches.filter((m) => !m.ci.kinds.includes(K.eax));
  }
  // GNU encodes `int $3` as the one-byte int3.
  if (mnemonic === 'int' && ops.length === 1 && ops[0]!.kind === 'imm' && ops[0]!.expr.value === 3n && !ops[0]!.expr.symbol) {
    return { kind: 'fixed', encoded: { bytes: new Uint8Array([0xcc]), fixups: [] }, code: matches[0]!.ci, warnings };
  }
  matches = matches.map((m) => drop66(m, opts.bitness));
  matches = preferIs4Src2(preferVectorMemory(pruneDominated(matches, pseudo.size > 0)));
  const dispSize = pseudo.has('{disp32}') ? 4 : pseudo.has('{disp8}') ? 1 : undefined;
  const m16 = memOperand(ops);
  if (dispSize === 4 && m16 && (m16.base?.bits === 16 || m16.index?.bits === 16)) {
    throw new InsnError("'{disp32}' cannot be used with a 16-bit address", m16.start, m16.end);
  }
  const loadSwap = pseudo.has('{load}') && matches.some((m) => m.swapped) && ops.every((o) => o.kind === 'reg');
  let best: { m: Match; e: Encoded; rank: number[] } | undefined;
  let lastErr: unknown;
  for (const m of matches) {
    let e: Encoded;
    try {
      e = encodeCandidate(m.ci, m.ops, { bitness: opts.bitness, ...(dispSize ? { dispSize } : {}), prefixes: { lock, rep, repne }, vex3: pseudo.has('{vex3}'), moffs32, ...(insn.rounding ? { rounding: insn.rounding.mode } : {}) });
    } catch (err) {
      lastErr = err;
      continue;
    }
    const kinds = userKinds(m.ci);
    const accForm = kinds.some(isFixedRegKind) && kinds.some(isImmKind) ? 1 : 0;
    // `{load}` on test/xchg puts the other register in the reg field: that is the swapped reading.
    const swapRank = loadSwap ? (m.swapped ? 0 : 1) : m.swapped ? 1 : 0;
    const rank = [e.bytes.length, swapRank, accForm, m.ci.code];
    if (!best || less(rank, best.rank)) best = { m, e, rank };
  }
  if (!best) {
    const why = lastErr instanceof Error ? lastErr.message.replace(/ \(.*\)$/, '') : 'no encoding';
    throw new InsnError(`cannot encode '${insn.mnemonic}' with these operands: ${why}`, mspan.start, insn.operands.at(-1)?.end ?? mspan.end);
  }
  checkRegisterRules(best.m, mnemonic, { start: mspan.start, end: insnEnd(insn) });
  const encoded = addExplicitPrefixes(best.e, best.m, insn, opts);
  return { kind: 'fixed', encoded, code: best.m.ci, warnings };
}

const EXPLICIT_PREFIX: Record<string, number> = {
  data16: 0x66, data32: 0x66, addr16: 0x67, addr32: 0x67, cs: 0x2e, ds: 0x3e, es: 0x26, fs: 0x64, gs: 0x65, ss: 0x36,
};
const SEGMENT_BYTES = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65]);

// x87 forms with a wait in front (fsave is fwait; fnsave): GNU writes the 9b first, then the instruction's prefixes
// (`ds fsave (%r9)` is 9b 3e 41 dd 31, `rex fclex` is 9b 40 db e2).
const WAIT_FORM = /^(Fclex|Finit|Fstenv|Fsave|Fstcw|Fstsw|Fstdw|Fstsg|Feni|Fdisi|Fsetpm)(_|$)/;

/** `data16`/`addr32`/segment words and `{rex}`: GNU adds the byte as written, in its prefix order. */
function addExplicitPrefixes(e: Encoded, m: Match, insn: ParsedInsn, opts: SelectOptions): Encoded {
  if (e.bytes[0] === 0x9b && WAIT_FORM.test(m.ci.name) && (insn.prefixes.length > 0 || insn.pseudo.length > 0)) {
    const rest: Encoded = { bytes: e.bytes.slice(1), fixups: e.fixups.map((f) => ({ ...f, offset: f.offset - 1 })), ...(e.fields ? { fields: e.fields } : {}) };
    return insertBytes(addExplicitPrefixes(rest, { ...m, ci: { ...m.ci, name: 'wait-form tail' } }, insn, opts), 0, [0x9b]);
  }
  let out = e;
  const at = { start: insn.mnemonicStart, end: insn.mnemonicEnd };
  for (const p of insn.prefixes) {
    if (p === 'notrack') {
      // CET: only indirect near calls and jumps take notrack (a 3e prefix).
      if (!/^(Call|Jmp)_rm(16|32|64)$/.test(m.ci.name)) throw new InsnError("'notrack' only applies to an indirect call or jmp", at.start, at.end);
      if (prefixCount(out.bytes) > 0 && Array.from(out.bytes.subarray(0, prefixCount(out.bytes))).some((x) => SEGMENT_BYTES.has(x))) {
        throw new InsnError("'notrack' cannot be combined with a segment override", at.start, at.end);
      }
      out = insertBytes(out, 0, [0x3e]);
      orderPrefixes(out.bytes);
      continue;
    }
    const b = EXPLICIT_PREFIX[p];
    if (b === undefined) continue;
    const bits = opts.bitness;
    if ((p === 'addr16' || p === 'addr32') && addressSizeFromOperand(p, insn, bits, at)) continue;
    const meaningful = SEGMENT_BYTES.has(b) || (p === 'data16' && bits !== 16) || (p === 'addr16' && bits === 32) || (p === 'data32' && bits === 16) || (p === 'addr32' && bits !== 32);
    if (!meaningful) {
      throw new InsnError(`'${p}' is meaningless in ${opts.bitness}-bit code`, at.start, at.end);
    }
    const n = prefixCount(out.bytes);
    const run = Array.from(out.bytes.subarray(0, n));
    // The moffs form with a 32-bit address already carries the 67 that addr32 asks for.
    if (p === 'addr32' && m.ci.userKinds.includes(K.mem_offs) && run.includes(0x67)) continue;
    if (run.includes(b) || (SEGMENT_BYTES.has(b) && run.some((x) => SEGMENT_BYTES.has(x)))) {
      throw new InsnError(`'${p}' duplicates a prefix the instruction already has`, at.start, at.end);
    }
    out = insertBytes(out, 0, [b]);
    orderPrefixes(out.bytes);
  }
  if (insn.pseudo.includes('{rex}')) {
    if (opts.bitness !== 64 || m.ci.vex) throw new InsnError("'{rex}' needs a legacy instruction in 64-bit code", at.start, at.end);
    if (m.ops.some((o) => o.kind === 'reg' && o.info.highByte)) throw new InsnError("'{rex}' cannot be used with ah/bh/ch/dh", at.start, at.end);
    const n = prefixCount(out.bytes);
    const next = out.bytes[n]!;
    if (next < 0x40 || next > 0x4f) out = insertBytes(out, n, [0x40]);
  }
  return out;
}

/**
 * GNU reads addr16/addr32 as the address size of the instruction's memory operand. Its base and index must then
 * be registers of that size (GNU: "not a valid base/index expression" otherwise), and the encoder has already
 * emitted the 67 those registers need: true when nothing is left to add. RIP-relative operands and 16-bit
 * absolute addresses, which GNU refuses or encodes with a 16-bit displacement, are refused.
 */
function addressSizeFromOperand(p: 'addr16' | 'addr32', insn: ParsedInsn, bitness: number, at: { start: number; end: number }): boolean {
  const size = p === 'addr16' ? 16 : 32;
  const mem = insn.operands.find((o): o is MemOperand => o.kind === 'mem');
  if (!mem) return false;
  const regs = [mem.base, mem.index].filter((r): r is RegInfo => r !== undefined);
  if (regs.some((r) => r.name === 'rip' || r.name === 'eip')) throw new InsnError(`'${p}' cannot be used with a RIP-relative operand (GNU as refuses it)`, at.start, at.end);
  if (regs.length === 0) {
    if (size === 16 && bitness !== 16) throw new InsnError(`'${p}' with an absolute address is not supported (GNU as would encode a 16-bit displacement)`, at.start, at.end);
    return false;
  }
  if (size === bitness) throw new InsnError(`redundant '${p}' prefix: the address is ${size}-bit already`, at.start, at.end);
  const wrong = regs.find((r) => r.bits !== size);
  if (wrong) throw new InsnError(`'${p}' makes the address ${size}-bit, but %${wrong.name} is a ${wrong.bits}-bit register (GNU as: not a valid base/index expression)`, at.start, at.end);
  return true;
}

/** Stack and branch operations and the pure-memory x87/system forms take the mode's size silently in GNU. */
function defaultsSilently(matches: Match[]): boolean {
  return matches.some((m) => m.ci.defaultOpSize64 || /^(Push|Pop|Call|Jmp)/.test(m.ci.name)) || matches.every((m) => userKinds(m.ci).every((k) => !isRegOrMemKind(k)));
}

function ambiguousSize(insn: ParsedInsn, mem: MemOperand, opts: SelectOptions, def: number): InsnError {
  return new InsnError(`operand size of '${insn.mnemonic}' is ambiguous`, mem.start, mem.end, [
    opts.syntax === 'att' ? `add a size suffix, e.g. '${insn.mnemonic}${def === 64 ? 'q' : def === 16 ? 'w' : 'l'}' (GNU as would assume ${def}-bit with a warning)` : `add a size, e.g. '${def === 64 ? 'QWORD' : def === 16 ? 'WORD' : 'DWORD'} PTR'`,
  ]);
}

/**
 * A sizeless memory operand with an immediate and no register: GNU fixes the size before it looks at the
 * immediate's value (AT&T: the mode's default, with a warning), so a value that fits one size only does not
 * decide it - `and $0xffffffff,(%rax)` is `81 20 ff ff ff ff` to GNU, where the 32-bit reading alone gives
 * `83 20 ff` (found by the fuzzer). Refused like every ambiguous size: the forms are counted as if the value
 * fitted them all.
 */
function refuseSizeFromValue(insn: ParsedInsn, readings: Reading[], ops: Operand[], opts: SelectOptions, matches: Match[]): void {
  const mem = memOperand(ops);
  if (!mem || mem.size !== undefined || ops.some((o) => regBits(o) > 0) || !ops.some((o) => o.kind === 'imm')) return;
  // A suffix fixes the size (`andl`): nothing to count. This runs on every immediate-to-memory statement.
  if (readings.every((r) => r.dataSize !== undefined) || defaultsSilently(matches)) return;
  const anyValue = ops.map((o): Operand => (o.kind === 'imm' ? { ...o, expr: { value: 0n } } : o));
  const sizes = new Set<number>();
  let found = false;
  for (const r of readings) {
    if (r.tier === 1 && found) break;
    for (const ci of r.codes) {
      if (!candidateFits(ci, r, anyValue, opts, false)) continue;
      found = true;
      sizes.add(ci.memBytes);
    }
  }
  if (sizes.size > 1) throw ambiguousSize(insn, mem, opts, defaultDataSize(matches, opts.bitness));
}

const branchFormCache = new WeakMap<Reading, boolean>();

function hasNearBranchForm(r: Reading): boolean {
  let v = branchFormCache.get(r);
  if (v === undefined) {
    v = r.codes.some((c) => c.kinds.some(isBranchKind) && !c.far);
    branchFormCache.set(r, v);
  }
  return v;
}

function less(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! !== b[i]!) return a[i]! < b[i]!;
  }
  return false;
}

function selectBranch(insn: ParsedInsn, readings: Reading[], target: { value: bigint; symbol?: string }, opts: SelectOptions, warnings: string[]): Selected {
  const bits = opts.bitness;
  const shortKind = bits === 64 ? K.br64_1 : bits === 32 ? K.br32_1 : K.br16_1;
  const nearKind = bits === 64 ? K.br64_4 : bits === 32 ? K.br32_4 : K.br16_2;
  let short: CodeInfo | undefined;
  let near: CodeInfo | undefined;
  let suffixed = false;
  for (const r of readings) {
    if (r.dataSize !== undefined && r.dataSize !== (bits === 16 ? 16 : bits === 32 ? 32 : 64)) continue;
    for (const ci of r.codes) {
      if (!(ci.modes & modeBit(bits))) continue;
      if (ci.kinds.length !== 1) continue;
      // loop/jecxz come in address-size variants; GNU uses the mode's own.
      if (ci.addressSize !== 0 && ci.addressSize !== bits && !/^J[er]?cxz/.test(ci.name)) continue;
      const isShort = ci.kinds[0] === shortKind && !short;
      const isNear = (ci.kinds[0] === nearKind || ci.kinds[0] === (bits === 16 ? K.xbegin_2 : K.xbegin_4)) && !near;
      if (isShort) short = ci;
      if (isNear) near = ci;
      if ((isShort || isNear) && r.dataSize !== undefined) suffixed = true;
    }
  }
  if (!short && !near) throw new InsnError(`'${insn.mnemonic}' has no direct-branch form in ${bits}-bit mode`, insn.mnemonicStart, insn.mnemonicEnd);
  // GNU takes the mode's suffix on a direct call or loop (`callq`, `loopl` in 32-bit code) but on no other branch.
  if (suffixed && !/^(Call|Loop)/.test((near ?? short)!.name)) {
    throw new InsnError(`GNU as refuses a size suffix on a direct '${insn.mnemonic.slice(0, -1)}'`, insn.mnemonicStart, insn.mnemonicEnd);
  }
  if (insn.prefixes.length > 0 && insn.prefixes.some((p) => p !== 'notrack' && p !== 'bnd')) {
    throw new InsnError(`prefix '${insn.prefixes[0]}' is not supported on a direct branch`, insn.mnemonicStart, insn.mnemonicEnd);
  }
  if (insn.prefixes.length > 0) throw new InsnError(`prefix '${insn.prefixes[0]}' is not supported on a direct branch`, insn.mnemonicStart, insn.mnemonicEnd);
  // GNU: `{disp32}` makes jmp/jcc near from the start, whatever the distance (loop/jecxz keep their rel8); a
  // 16-bit branch has no 32-bit displacement, and GNU refuses the prefix there.
  if (insn.pseudo.includes('{disp32}')) {
    if (bits === 16) throw new InsnError("'{disp32}' is invalid on a branch in 16-bit code (GNU as refuses it)", insn.mnemonicStart, insn.mnemonicEnd);
    if (near) short = undefined;
  }
  return { kind: 'branch', ...(short ? { short } : {}), ...(near ? { near } : {}), target, prefixBytes: rexBranchPrefix(insn, bits), warnings };
}

/** `rex jo .` / `{rex} jmp .`: GNU keeps the 40 in front of a branch (40 70 fd). */
function rexBranchPrefix(insn: ParsedInsn, bits: number): number[] {
  if (!insn.pseudo.includes('{rex}')) return [];
  if (bits !== 64) throw new InsnError("'{rex}' needs 64-bit code", insn.mnemonicStart, insn.mnemonicEnd);
  return [0x40];
}

function selectFarDirect(insn: ParsedInsn, r: Reading, ops: ImmOperand[], opts: SelectOptions, warnings: string[]): Selected {
  const at = { start: insn.mnemonicStart, end: ops[1]!.end };
  if (opts.bitness === 64) throw new InsnError(`direct far '${insn.mnemonic}' does not exist in 64-bit mode`, at.start, at.end, ['use an indirect far jump: ljmp *mem']);
  const bits = r.dataSize ?? (opts.bitness === 16 ? 16 : 32);
  const kind = bits === 16 ? K.farbr2_2 : bits === 32 ? K.farbr4_2 : -1;
  const ci = r.codes.find((c) => c.kinds.length === 1 && c.kinds[0] === kind && (c.modes & modeBit(opts.bitness)));
  if (!ci) throw new InsnError(`no ${bits}-bit direct far form of '${insn.mnemonic}'`, at.start, at.end);
  const [sel, off] = ops as [ImmOperand, ImmOperand];
  if (sel.expr.symbol !== undefined || sel.expr.value < 0n || sel.expr.value > 0xffffn) throw new InsnError('the segment selector must be a constant from 0 to 0xffff', sel.start, sel.end);
  const v = off.expr.value;
  if (off.expr.symbol === undefined && (bits === 16 ? v < -0x8000n || v > 0xffffn : v < -0x80000000n || v > 0xffffffffn)) {
    throw new InsnError(`offset ${fmt(v)} does not fit in ${bits} bits`, off.start, off.end);
  }
  const encoded = encodeFarDirect(ci, Number(sel.expr.value), v, off.expr.symbol, opts.bitness);
  return { kind: 'fixed', encoded, code: ci, warnings };
}

/** A decoration no fitting form takes, or a gather/scatter without its mask (evex.ts words the message). */
function explainEvexMismatch(insn: ParsedInsn, readings: Reading[], ops: Operand[], opts: SelectOptions): InsnError | undefined {
  const some = (test: (ci: CodeInfo, r: Reading) => boolean): boolean => readings.some((r) => r.codes.some((ci) => test(ci, r)));
  const wide = evexOnlyRegister(ops);
  if (wide && !some((ci) => ci.evex !== undefined)) {
    return new InsnError(`'${insn.mnemonic}' has no EVEX (AVX-512) form, so it cannot take '${wide.name}' (GNU: unsupported instruction)`, insn.mnemonicStart, insnEnd(insn), evexSpellingHint(insn.mnemonic));
  }
  return explainDecorations(
    insn,
    ops,
    (o, rounding) => some((ci, r) => candidateFits(ci, r, o, opts, false, false, rounding)),
    () => some((ci, r) => ci.evex?.maskRequired === true && candidateFits(ci, r, [{ ...ops[0]!, mask: lookupRegister('k1')! } as Operand, ...ops.slice(1)], opts, false)),
  );
}

function explainMismatch(insn: ParsedInsn, readings: Reading[], ops: Operand[], opts: SelectOptions): InsnError {
  const start = insn.mnemonicStart;
  const end = insn.operands.at(-1)?.end ?? insn.mnemonicEnd;
  // An immediate that would fit a form if GNU truncated it: say so, that is what GNU only warns about.
  const imm = ops.find((o) => o.kind === 'imm');
  if (imm && imm.kind === 'imm' && imm.expr.symbol === undefined) {
    for (const r of readings) {
      for (const ci of r.codes) {
        if (!(ci.modes & modeBit(opts.bitness))) continue;
        const kinds = userKinds(ci);
        if (kinds.length !== ops.length) continue;
        const i = ops.indexOf(imm);
        const k = kinds[i]!;
        if (!isImmKind(k)) continue;
        const others = ops.every((o, j) => j === i || operandFits(kinds[j]!, o, { bitness: opts.bitness }));
        if (others && (r.dataSize === undefined || ci.dataSize === r.dataSize) && !immFits(k, imm.expr.value, false)) {
          return new InsnError(`immediate ${fmt(imm.expr.value)} does not fit in ${immBits(k)} bits (GNU as would truncate it)`, imm.start, imm.end);
        }
      }
    }
  }
  const forms = new Set<string>();
  for (const r of readings) for (const ci of r.codes) if (ci.modes & modeBit(opts.bitness)) forms.add(formOf(ci));
  const hints = [...forms].slice(0, 8).map((f) => `form: ${f}`);
  return new InsnError(`operand type mismatch for '${insn.mnemonic}'`, start, end, hints);
}
