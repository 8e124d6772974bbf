// GNU mnemonic spellings mapped onto iced's mnemonic names: condition-code synonyms, AT&T-only names
// (cltq, movzbl, ...), and the size suffixes b/w/l/q (plus the x87 memory suffixes).
import { lookupCodes, type CodeInfo } from './codeIndex.js';
import { OpCodeOperandKind as K } from './iced.js';
import { GNU_SUFFIXES, GNU_UNKNOWN_MNEMONICS } from './gnuFacts.js';
import { vectorSuffix } from './evex.js';

/** A way to read the written mnemonic: iced codes plus the size facts the spelling implies. */
export interface Reading {
  codes: CodeInfo[];
  /** Operation size from an AT&T suffix (8/16/32/64). */
  dataSize?: number;
  /** Memory operand size in bytes implied by the spelling (x87 suffixes, movzb*, ...). */
  memBytes?: number;
  /** Source operand size in bits for movzx/movsx spellings (movzbl: 8). */
  srcBits?: number;
  movabs?: boolean;
  far?: boolean;
  /** Source vector bytes from an AT&T x/y suffix (`vcvtpd2psx`). */
  vecBytes?: number;
  /** The reading's codes take a general register only, not their memory form (vmovd as vmovq). */
  gprOnly?: boolean;
  /** 0: the name as written (or a fixed alias); 1: a suffix-stripped reading, only tried when tier 0 fits nothing. */
  tier: 0 | 1;
}

const CC_SYNONYMS: Record<string, string> = {
  c: 'b', nae: 'b', nb: 'ae', nc: 'ae', z: 'e', nz: 'ne', na: 'be', nbe: 'a', pe: 'p', po: 'np',
  nge: 'l', nl: 'ge', ng: 'le', nle: 'g',
};

const SIMPLE_ALIASES: Record<string, string> = {
  cbtw: 'cbw', cwtl: 'cwde', cltq: 'cdqe', cwtd: 'cwd', cltd: 'cdq', cqto: 'cqo',
  sal: 'shl', pushaw: 'pusha', popaw: 'popa', loopz: 'loope', loopnz: 'loopne', sysretd: 'sysret', sysexitd: 'sysexit', xlat: 'xlatb', fwait: 'wait', icebp: 'int1', lret: 'retf',
  movsl: 'movsd', cmpsl: 'cmpsd', lodsl: 'lodsd', stosl: 'stosd', scasl: 'scasd', insl: 'insd', outsl: 'outsd',
  iretl: 'iretd', iretw: 'iret', sysretl: 'sysret', sysexitl: 'sysexit',
  pushfl: 'pushfd', popfl: 'popfd', pushfw: 'pushf', popfw: 'popf', ud2a: 'ud2', ud2b: 'ud1',
  smovb: 'movsb', smovw: 'movsw', smovl: 'movsd', smovq: 'movsq',
};

/** Names GNU takes no size suffix on: the AT&T names that already say their operand size, and movsxd. */
const NO_SUFFIX_NAMES = new Set([
  'cbtw', 'cwtl', 'cltq', 'cwtd', 'cltd', 'cqto', 'movsxd',
  // Spellings that already carry their size: `pushfww`, `iretqq`, `sysretqq` are no instruction to GNU.
  'pushfw', 'pushfl', 'pushfq', 'popfw', 'popfl', 'popfq', 'pushaw', 'pushal', 'popaw', 'popal', 'iretw', 'iretl', 'iretq',
  'sysretl', 'sysretq', 'sysexitl', 'sysexitq', 'lretw', 'lretl', 'lretq',
]);

/**
 * Whether GNU takes this operand-size suffix on the mnemonic at all in this mode (gnuFacts.ts, read from GNU):
 * `rdrandl`, `umwaitl`, `tpausel` are invalid suffixes there although the operand is a 32-bit register, and 32-bit
 * `sysexitl` too. The canonical spelling counts as well (`cmovzl` is cmovel, `sall` is shll).
 */
function gnuTakesSuffix(base: string, sfx: string, bitness: number): boolean {
  const t = GNU_SUFFIXES[bitness === 64 ? 64 : 32];
  return (t[base] ?? t[canonical(base)] ?? '').includes(sfx);
}

function ccAlias(name: string): string | undefined {
  const m = /^(j|set|cmov)(.+)$/.exec(name);
  if (!m) return undefined;
  const syn = CC_SYNONYMS[m[2]!];
  return syn ? m[1]! + syn : undefined;
}

function canonical(name: string): string {
  return SIMPLE_ALIASES[name] ?? ccAlias(name) ?? name;
}

const SUFFIX_BITS: Record<string, number> = { b: 8, w: 16, l: 32, q: 64 };

// movzbl etc: movz/movs + source size letter + destination size letter.
const EXTEND_RE = /^mov([sz])([bw])([wlq])$/;

// The control and status words are 16-bit memory: GNU takes a w suffix on them (`fnstcww (%rax)`).
const X87_WORD_OPERAND = new Set(['fldcw', 'fnstcw', 'fstcw', 'fnstsw', 'fstsw']);

function x87MemBytes(base: string, suffix: string): number | undefined {
  if (suffix === 'w') return X87_WORD_OPERAND.has(base) ? 2 : undefined;
  const integer = base.startsWith('fi');
  if (integer) return ({ s: 2, l: 4, ll: 8, q: 8 } as Record<string, number>)[suffix];
  return ({ s: 4, l: 8, t: 10 } as Record<string, number>)[suffix];
}

const readingCache = new Map<string, Reading[]>();

/** Every reading GNU could give the mnemonic; the operands decide between them. */
export function readMnemonic(written: string, syntax: 'att' | 'intel', bitness: number): Reading[] {
  const key = `${syntax}:${bitness}:${written}`;
  let r = readingCache.get(key);
  if (!r) {
    r = computeReadings(written.toLowerCase(), syntax, bitness);
    readingCache.set(key, r);
  }
  return r;
}

function computeReadings(name: string, syntax: 'att' | 'intel', bitness: number): Reading[] {
  const out: Reading[] = [];
  // Newer extensions iced knows and GNU as 2.40 does not (`lkgs`, `pbndkb`): no instruction to GNU, none here.
  if (GNU_UNKNOWN_MNEMONICS.has(name)) return out;
  // 32-bit code has no sized sysexit to GNU (`sysexitl` is an invalid suffix there; sysretl is fine).
  if (name === 'sysexitl' && bitness !== 64) return out;
  let tier: 0 | 1 = 0;
  const push = (codes: CodeInfo[] | undefined, extra: Omit<Reading, 'codes' | 'tier'> = {}): void => {
    if (codes && codes.length > 0) out.push({ codes, tier, ...extra });
  };
  if (name === 'movabs') {
    push(lookupCodes('mov'), { movabs: true });
    return out;
  }
  if (syntax === 'att' && /^movabs[bwlq]$/.test(name)) {
    push(lookupCodes('mov'), { movabs: true, dataSize: SUFFIX_BITS[name.slice(-1)]! });
    return out;
  }
  if (name === 'pushf' || name === 'popf' || name === 'pusha' || name === 'popa') {
    // GNU's pushf/popf take the mode's stack width; iced names the 16-bit form plain pushf.
    const fam = [name, name + 'd', name + 'q'].flatMap((n) => lookupCodes(n) ?? []);
    push(fam);
    return out;
  }
  if (name === 'iret') {
    push(lookupCodes(bitness === 16 ? 'iret' : 'iretd'));
    return out;
  }
  if (syntax === 'att') {
    // GNU reads the suffix of the Intel-style names movzx/movsx as the *source* size (`movzxw (%rax),%ax`
    // is 66 0f b7 00; `movsxl (%rax),%r8d` is movsxd 44 63 00); a size with no such form is refused.
    const intelExt = /^mov([sz])x([bwlq])$/.exec(name);
    if (intelExt) {
      const srcBits = SUFFIX_BITS[intelExt[2]!]!;
      if (intelExt[1] === 's' && srcBits === 32) push(lookupCodes('movsxd'), { srcBits });
      else if (srcBits <= 16) push(lookupCodes(intelExt[1] === 'z' ? 'movzx' : 'movsx'), { srcBits });
      return out;
    }
    const ext = EXTEND_RE.exec(name);
    // movzww/movsww: a source as wide as the destination is an invalid suffix to GNU.
    if (ext && SUFFIX_BITS[ext[2]!]! >= SUFFIX_BITS[ext[3]!]!) return out;
    if (ext) {
      push(lookupCodes(ext[1] === 'z' ? 'movzx' : 'movsx'), { srcBits: SUFFIX_BITS[ext[2]!]!, dataSize: SUFFIX_BITS[ext[3]!]! });
      return out;
    }
    // crc32's suffix names the *source* size too (`crc32b %al,%rsi` is f2 48 0f 38 f0 f0); GNU even takes
    // `crc32q %al,%rsi` as crc32 of %rax (found by the fuzzer), which patchc refuses as a size mismatch.
    const crc = /^crc32([bwlq])$/.exec(name);
    if (crc) {
      push(lookupCodes('crc32'), { srcBits: SUFFIX_BITS[crc[1]!]! });
      return out;
    }
    if (name === 'movslq') {
      push(lookupCodes('movsxd'), { srcBits: 32, dataSize: 64 });
      return out;
    }
    if (name === 'ljmp' || name === 'lcall' || name === 'ljmpl' || name === 'lcalll' || name === 'ljmpq' || name === 'lcallq' || name === 'ljmpw' || name === 'lcallw') {
      const base = name.startsWith('ljmp') ? 'jmp' : 'call';
      const sfx = name.length > base.length + 1 ? name.slice(-1) : '';
      if (sfx && !gnuTakesSuffix(name.slice(0, -1), sfx, bitness)) return out;
      push(lookupCodes(base), sfx ? { far: true, dataSize: SUFFIX_BITS[sfx]! } : { far: true });
      return out;
    }
  }
  const xy = vectorSuffix(name, syntax);
  if (xy) {
    push(lookupCodes(xy.base), { vecBytes: xy.vecBytes });
    return out;
  }
  push(lookupCodes(canonical(name)));
  tier = 1;
  // GNU takes movd with a 64-bit general register as movq (`movd %rax,%xmm0` is 66 48 0f 6e c0): the
  // general-register movq forms, tried only when movd's own fit nothing (a memory operand stays a dword).
  if ((name === 'movd' || name === 'vmovd') && bitness === 64) {
    // GNU's Intel movd takes a QWORD PTR memory operand that way too; vmovd does not.
    push(lookupCodes(name === 'movd' ? 'movq' : 'vmovq')?.filter((c) => c.kinds.includes(K.r64_or_mem)), name === 'vmovd' ? { gprOnly: true } : {});
  }
  // GNU's Intel syntax keeps size suffixes only on stack operations (pushw 1, retfq, leavew).
  const intelSized = /^(push|pop|leave|ret|retf|lret)([wq])$/.exec(name);
  if (syntax === 'intel' && intelSized && bitness !== 0) {
    const bits = SUFFIX_BITS[intelSized[2]!]!;
    if (!(bits === 64 && bitness !== 64)) push(lookupCodes(canonical(intelSized[1]!)), { dataSize: bits });
  }
  if (syntax === 'att') {
    if (name.startsWith('f') && name.length > 2) {
      for (const sfx of ['ll', 's', 'l', 't', 'q', 'w']) {
        if (!name.endsWith(sfx)) continue;
        const base = name.slice(0, -sfx.length);
        const mb = x87MemBytes(base, sfx);
        const codes = lookupCodes(canonical(base));
        if (mb !== undefined && codes && codes.length > 0 && base.startsWith('f')) {
          push(codes, { memBytes: mb });
          break;
        }
      }
    }
    const sfx = name.slice(-1);
    const bits = SUFFIX_BITS[sfx];
    // A q suffix names a 64-bit operation, which only exists in 64-bit mode. GNU's sized AT&T names (cltq,
    // cwtl, ...) take no second suffix (`cltqq` is refused there), nor does movsxd.
    if (bits !== undefined && name.length > 1 && !name.startsWith('f') && !(bits === 64 && bitness !== 64) && !NO_SUFFIX_NAMES.has(name.slice(0, -1)) && gnuTakesSuffix(name.slice(0, -1), sfx, bitness)) {
      const base = canonical(name.slice(0, -1));
      if (base === 'pushf' || base === 'popf' || base === 'pusha' || base === 'popa') {
        // No byte form exists: `pushfb` is refused, as GNU does.
        if (bits !== 8) push(lookupCodes(bits === 16 ? base : bits === 32 ? base + 'd' : base + 'q'));
      } else if (base === 'iret') {
        // No byte form: `iretb` is refused, as GNU does.
        if (bits !== 8) push(lookupCodes(bits === 16 ? 'iret' : bits === 32 ? 'iretd' : 'iretq'));
      } else {
        push(lookupCodes(base), { dataSize: bits });
      }
    }
  }
  return out;
}
