// An index from mnemonic name to the iced encodings (Codes) that spell it, built per mnemonic on first use. Holding the
// operand kinds as plain numbers keeps per-instruction matching away from the wasm boundary.
import { Code, CodeExt, EncodingKind, Instruction, MemorySizeExt, Mnemonic, OpCodeOperandKind as K } from './iced.js';

export interface CodeInfo {
  code: Code;
  name: string;
  kinds: number[];
  /** iced operand size (16/32/64, 0 when the size is not an operand-size attribute). */
  operandSize: number;
  addressSize: number;
  /** The data size in bits that an AT&T suffix names (8/16/32/64), 0 when none applies. */
  dataSize: number;
  /** Bytes of the memory operand (0 when unknown or none). */
  memBytes: number;
  modes: number;
  vex: boolean;
  defaultOpSize64: boolean;
  canLock: boolean;
  canRep: boolean;
  canRepne: boolean;
  /** Operand kinds the user writes (string instructions: none; implicit addresses dropped). */
  userKinds: number[];
  /** Per-name facts the selector asks about for every candidate, computed once. */
  far: boolean;
  selectorOnly16: boolean;
  sregWide: boolean;
}

// Kinds the user never writes (mirrors match.ts; kept here to avoid an import cycle).
const STRING_KINDS = new Set<number>([K.seg_rSI, K.es_rDI, K.seg_rBX_al]);
const IMPLICIT = new Set<number>([K.seg_rSI, K.es_rDI, K.seg_rDI, K.seg_rBX_al]);

function userKindsOf(kinds: number[]): number[] {
  if (kinds.some((k) => STRING_KINDS.has(k))) return [];
  return kinds.filter((k) => !IMPLICIT.has(k));
}

const MODE16 = 1;
const MODE32 = 2;
const MODE64 = 4;

export function modeBit(bitness: number): number {
  return bitness === 64 ? MODE64 : bitness === 32 ? MODE32 : MODE16;
}

const GPR8_KINDS = new Set<number>([K.r8_or_mem, K.r8_reg, K.r8_opcode, K.al]);
const GPR16_KINDS = new Set<number>([K.r16_or_mem, K.r16_reg, K.r16_reg_mem, K.r16_rm, K.r16_opcode, K.ax]);
const GPR32_KINDS = new Set<number>([K.r32_or_mem, K.r32_reg, K.r32_reg_mem, K.r32_rm, K.r32_opcode, K.r32_vvvv, K.eax]);
const GPR64_KINDS = new Set<number>([K.r64_or_mem, K.r64_reg, K.r64_reg_mem, K.r64_rm, K.r64_opcode, K.r64_vvvv, K.rax]);

function dataSizeOf(operandSize: number, kinds: number[]): number {
  if (operandSize) return operandSize;
  if (kinds.some((k) => GPR8_KINDS.has(k))) return 8;
  if (kinds.some((k) => GPR64_KINDS.has(k))) return 64;
  if (kinds.some((k) => GPR32_KINDS.has(k))) return 32;
  if (kinds.some((k) => GPR16_KINDS.has(k))) return 16;
  return 0;
}

// iced spells a few GNU aliases as separate encodings GNU never emits (82 /0, F6 /1, D0 /6 `sal`, ...).
const NEVER_EMITTED = /^(Sal_|Reservednop_|Prefetchreserved|Cmpxchg486_|Salc$|Pop[wd]?_CS$|Bswap_r16$)|_KNC_|_82$|_F6r1$|_F7r1$/;

// Which Codes spell each mnemonic, in Code order. Reading a Code's mnemonic through one scratch Instruction is
// far cheaper than building its OpCodeInfo, so start-up only pays for this; CodeInfos are built per mnemonic.
let codesByMnemonic: Map<string, [string, Code][]> | undefined;

function codesOfMnemonics(): Map<string, [string, Code][]> {
  if (codesByMnemonic) return codesByMnemonic;
  const m = new Map<string, [string, Code][]>();
  // The enum maps each number back to its name, and Codes are numbered densely from 0.
  const codeNames = Code as unknown as Record<number, string | undefined>;
  const mnemonicNames = Mnemonic as unknown as Record<number, string>;
  const scratch = new Instruction();
  try {
    for (let v = 0; codeNames[v] !== undefined; v++) {
      scratch.code = v as Code;
      const mn = (mnemonicNames[scratch.mnemonic] ?? '').toLowerCase();
      let list = m.get(mn);
      if (!list) m.set(mn, (list = []));
      list.push([codeNames[v]!, v as Code]);
    }
  } finally {
    scratch.free();
  }
  codesByMnemonic = m;
  return m;
}

/** The encodings patchc may emit for one mnemonic, in Code order, alternative opcodes for the same form dropped. */
function buildCodeInfos(codes: [string, Code][]): CodeInfo[] {
  const list: CodeInfo[] = [];
  for (const [name, code] of codes) {
    const oi = CodeExt.opCode(code);
    try {
      if (!oi.isInstruction) continue;
      const enc = oi.encoding;
      if (enc !== EncodingKind.Legacy && enc !== EncodingKind.VEX) continue;
      if (NEVER_EMITTED.test(name)) continue;
      const kinds: number[] = [];
      for (let i = 0; i < oi.opCount; i++) kinds.push(oi.opKind(i));
      const modes = (oi.mode16 ? MODE16 : 0) | (oi.mode32 ? MODE32 : 0) | (oi.mode64 ? MODE64 : 0);
      const info: CodeInfo = {
        code,
        name,
        kinds,
        operandSize: oi.operandSize,
        addressSize: oi.addressSize,
        dataSize: dataSizeOf(oi.operandSize, kinds),
        memBytes: MemorySizeExt.size(oi.memorySize),
        modes,
        vex: enc === EncodingKind.VEX,
        defaultOpSize64: oi.defaultOpSize64,
        canLock: oi.canUseLockPrefix,
        canRep: oi.canUseRepPrefix,
        canRepne: oi.canUseRepnePrefix,
        userKinds: userKindsOf(kinds),
        far: /^(Call|Jmp)_(m16|ptr16)/.test(name),
        selectorOnly16: /^(Ltr|Lldt|Lmsw|Verr|Verw)_r(32|64)m16$/.test(name),
        sregWide: /^Mov_(Sreg_r(32|64)m16|r(32|64)m16_Sreg)$/.test(name),
      };
      // Later duplicates (same kinds, size and modes) are alternative opcodes for the same thing; keep the first.
      if (list.some((o) => o.modes === modes && o.memBytes === info.memBytes && o.operandSize === info.operandSize && o.addressSize === info.addressSize && o.kinds.join() === kinds.join() && o.vex === info.vex)) continue;
      list.push(info);
    } finally {
      oi.free();
    }
  }
  return list;
}

// mnemonic -> its CodeInfos (undefined: no encoding patchc emits), filled on first lookup of each mnemonic.
const infosByMnemonic = new Map<string, CodeInfo[] | undefined>();

export function lookupCodes(mnemonic: string): CodeInfo[] | undefined {
  if (infosByMnemonic.has(mnemonic)) return infosByMnemonic.get(mnemonic);
  const codes = codesOfMnemonics().get(mnemonic);
  const infos = codes ? buildCodeInfos(codes) : [];
  const result = infos.length > 0 ? infos : undefined;
  infosByMnemonic.set(mnemonic, result);
  return result;
}

/** Every mnemonic patchc can encode (builds all CodeInfos: only diagnostics ask for this). */
export function knownMnemonics(): string[] {
  return [...codesOfMnemonics().keys()].filter((mn) => lookupCodes(mn) !== undefined);
}
