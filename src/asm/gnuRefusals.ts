// Forms iced would encode and GNU as 2.40 refuses, whatever the encoding: size suffixes and Intel size keywords its
// templates do not take, operand forms it lacks, and x87 size suffixes without the memory they size. Each was found
// against `as` (the code-table corpus, its fuzzer, outside corpora) and is tested there; select.ts asks per
// candidate.
import type { CodeInfo } from './codeIndex.js';
import type { Reading } from './mnemonics.js';
import type { Operand } from './operands.js';

export interface RefusalOptions {
  bitness: 16 | 32 | 64;
  syntax: 'att' | 'intel';
}

// A selector or machine status word in memory is a word: `strw (%rdi)` is GNU's, `strl (%rdi)` an operand size
// mismatch and `ltrl (%rdi)` an invalid suffix there.
const SELECTOR_INSN = /^(Str|Sldt|Smsw|Lldt|Ltr|Verr|Verw|Lmsw)_/;
const VECTOR_CLASSES = new Set(['mm', 'xmm', 'ymm', 'zmm']);
// The integer source of cvtsi2ss/sd in memory: its l/q suffix is the only one GNU takes on a vector
// instruction without a general register.
const CVTSI2 = /^(VEX_V|EVEX_V)?[Cc]vt(u?si2s[sd])_/;
// The vector instructions whose general register GNU lets a suffix size; the others are NoSuf to GNU (`pextrdl`,
// `pinsrbl`, `extractpsl`, `movdl` are invalid suffixes there).
const SUFFIX_SIZES_GPR = /^(VEX_V|EVEX_V)?([Mm]ovmskp[sd]|[Pp]movmskb|[Cc]vtt?s[sd]2u?si|[Cc]vtu?si2s[sd]|[Pp]insrw|[Pp]extrw)_/;
// GNU has no 16-bit movsxd (`movsxd ax, si` is an operand size mismatch there), no 64-bit far-pointer loads
// (`lfs (%rax),%rbp`), and umwait/tpause take a 32-bit register only.
const GNU_LACKS = /^(Movsxd_r16_rm16|L[fgs]s_r64_m1664|Umwait_r64|Tpause_r64)$/;
/** Forms without an operand size that GNU still lets carry a q suffix in 64-bit code. */
const Q_SUFFIX_SIZELESS = /^(Lgdt|Sgdt|Lidt|Sidt|Cmpxchg8b)_/;

const isVectorReg = (o: Operand): boolean => o.kind === 'reg' && VECTOR_CLASSES.has(o.info.cls);
const gprBits = (o: Operand): number => (o.kind === 'reg' && o.info.cls.startsWith('gpr') ? o.info.bits : 0);

/**
 * On a vector instruction the suffix must name the size of its general register, on the few that take one
 * (`pextrwl $1,%xmm0,%eax`; `pextrdl`, `movdl`, `pinsrwl $1,(%rax),%xmm0` are refused), or cvtsi2ss/sd's memory
 * source; a selector in memory takes w only.
 */
function suffixAllowed(ci: CodeInfo, dataSize: number, ops: Operand[]): boolean {
  if (SELECTOR_INSN.test(ci.name) && ops.some((o) => o.kind === 'mem')) return dataSize === 16;
  if (!ops.some(isVectorReg)) return true;
  if (ops.some((o) => gprBits(o) > 0)) return SUFFIX_SIZES_GPR.test(ci.name) && ops.some((o) => gprBits(o) === dataSize);
  return CVTSI2.test(ci.name) && ops.some((o) => o.kind === 'mem') && (dataSize === 32 || dataSize === 64);
}

/**
 * GNU takes no Intel size keyword on the xsave family's area (`xsave BYTE PTR [rax]` is an operand size mismatch),
 * on a block of 48 or 64 bytes that is no vector (movdir64b, enqcmd, the Key Locker handles: not even ZMMWORD), nor
 * on 32-bit bndmov's 64-bit bound pair (`bndmov bnd1, QWORD PTR [eax]`).
 */
function refusesSizeKeyword(ci: CodeInfo, ops: Operand[], bitness: number): boolean {
  if (!ops.some((o) => o.kind === 'mem' && o.size !== undefined)) return false;
  const block = ci.memBytes >= 48 && !/^(E?VEX)_/.test(ci.name) && (/^Aes\w+kl_/.test(ci.name) || !ops.some(isVectorReg));
  return /^X(save|rstor)/.test(ci.name) || block || (ci.name.startsWith('Bndmov') && bitness !== 64);
}

/** Whether GNU refuses this candidate form as written (the operands already fit it). */
export function gnuRefuses(ci: CodeInfo, r: Reading, ops: Operand[], opts: RefusalOptions): boolean {
  if (GNU_LACKS.test(ci.name)) return true;
  if (r.gprOnly && ops.some((o) => o.kind === 'mem')) return true;
  if (refusesSizeKeyword(ci, ops, opts.bitness)) return true;
  // An x87 memory-size suffix (`fldl`, `fistps`) needs the memory operand it sizes: `faddl %st(7),%st`, `fchsl`
  // are invalid suffixes to GNU.
  if (r.memBytes !== undefined && !ops.some((o) => o.kind === 'mem')) return true;
  if (r.dataSize === undefined) return false;
  // A size suffix on an instruction without operands or an operand size (`cliq`, `ud2b`), or on a bare `nop`
  // (`nopl` needs a memory operand).
  if (ops.length === 0 && (ci.dataSize === 0 || ci.name.startsWith('Nop'))) return true;
  // Nor on one whose operands have no operand size (`intb $1`, `clflushw (%rax)`, `invlpgb (%rax)` — the last is not
  // invlpg at all to GNU; `xsaveq` is xsave64 there), except the q GNU takes for the 64-bit descriptor-table and
  // cmpxchg8b forms (`lgdtq`, `cmpxchg8bq`).
  if (ci.dataSize === 0 && opts.syntax === 'att' && !(r.dataSize === 64 && Q_SUFFIX_SIZELESS.test(ci.name))) return true;
  return !suffixAllowed(ci, r.dataSize, ops);
}
