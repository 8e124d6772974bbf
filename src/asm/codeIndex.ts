// An index from mnemonic name to the iced encodings (Codes) that spell it, built per mnemonic on first use from the
// generated table (codeTable.ts explains why it is not read from iced at run time). Holding the operand kinds as
// plain numbers keeps per-instruction matching away from the wasm boundary.
import { BCST_SHIFT, FLAG_DEFAULT_OP_SIZE_64, FLAG_EVEX, FLAG_LOCK, FLAG_MASK, FLAG_MASK_REQUIRED, FLAG_REP, FLAG_REPNE, FLAG_ROUNDING, FLAG_SAE, FLAG_VEX, FLAG_ZEROING, KINDS_AT, MODE16, MODE32, MODE64, type CodeTable } from './codeTable.js';
import { CODE_TABLE_JSON } from './codeTableData.js';
import { Code, OpCodeOperandKind as K } from './iced.js';

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
  /** EVEX (AVX-512) and what it takes: `bcstBytes` is the broadcast element size, 0 when it cannot broadcast. */
  evex?: EvexCaps;
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

export interface EvexCaps {
  bcstBytes: number;
  rounding: boolean;
  sae: boolean;
  mask: boolean;
  zeroing: boolean;
  maskRequired: boolean;
}

function evexCaps(flags: number): EvexCaps | undefined {
  if (!(flags & FLAG_EVEX)) return undefined;
  const b = (flags >> BCST_SHIFT) & 3;
  return {
    bcstBytes: b === 0 ? 0 : 1 << b,
    rounding: (flags & FLAG_ROUNDING) !== 0,
    sae: (flags & FLAG_SAE) !== 0,
    mask: (flags & FLAG_MASK) !== 0,
    zeroing: (flags & FLAG_ZEROING) !== 0,
    maskRequired: (flags & FLAG_MASK_REQUIRED) !== 0,
  };
}

// Kinds the user never writes (mirrors match.ts; kept here to avoid an import cycle).
const STRING_KINDS = new Set<number>([K.seg_rSI, K.es_rDI, K.seg_rBX_al]);
const IMPLICIT = new Set<number>([K.seg_rSI, K.es_rDI, K.seg_rDI, K.seg_rBX_al]);

function userKindsOf(kinds: number[]): number[] {
  if (kinds.some((k) => STRING_KINDS.has(k))) return [];
  return kinds.filter((k) => !IMPLICIT.has(k));
}

export { MODE16, MODE32, MODE64 };

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

let table: CodeTable | undefined;

/** One mnemonic's CodeInfos from its table rows. */
function codeInfosOf(rows: number[][]): CodeInfo[] {
  const codeNames = Code as unknown as Record<number, string>;
  return rows.map((row) => {
    const code = row[0]! as Code;
    const name = codeNames[code]!;
    const kinds = row.slice(KINDS_AT);
    const flags = row[4]!;
    const evex = evexCaps(flags);
    return {
      ...(evex ? { evex } : {}),
      code,
      name,
      kinds,
      operandSize: row[1]!,
      addressSize: row[2]!,
      dataSize: dataSizeOf(row[1]!, kinds),
      memBytes: row[3]!,
      modes: flags & (MODE16 | MODE32 | MODE64),
      vex: (flags & FLAG_VEX) !== 0,
      defaultOpSize64: (flags & FLAG_DEFAULT_OP_SIZE_64) !== 0,
      canLock: (flags & FLAG_LOCK) !== 0,
      canRep: (flags & FLAG_REP) !== 0,
      canRepne: (flags & FLAG_REPNE) !== 0,
      userKinds: userKindsOf(kinds),
      far: /^(Call|Jmp)_(m16|ptr16)/.test(name),
      selectorOnly16: /^(Ltr|Lldt|Lmsw|Verr|Verw)_r(32|64)m16$/.test(name),
      sregWide: /^Mov_(Sreg_r(32|64)m16|r(32|64)m16_Sreg)$/.test(name),
    };
  });
}

function codeTable(): CodeTable {
  table ??= JSON.parse(CODE_TABLE_JSON) as CodeTable;
  return table;
}

// mnemonic -> its CodeInfos (undefined: no encoding patchc emits), filled on first lookup of each mnemonic.
const infosByMnemonic = new Map<string, CodeInfo[] | undefined>();

export function lookupCodes(mnemonic: string): CodeInfo[] | undefined {
  if (infosByMnemonic.has(mnemonic)) return infosByMnemonic.get(mnemonic);
  const rows = Object.hasOwn(codeTable(), mnemonic) ? codeTable()[mnemonic] : undefined;
  const result = rows ? codeInfosOf(rows) : undefined;
  infosByMnemonic.set(mnemonic, result);
  return result;
}

/** Every mnemonic patchc can encode. */
export function knownMnemonics(): string[] {
  return Object.keys(codeTable());
}
