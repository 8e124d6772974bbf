// The encodings patchc may emit, per mnemonic, as plain numbers: what codeIndex.ts needs of iced's OpCodeInfo.
// Reading OpCodeInfo at run time makes iced build its whole opcode table first (every instruction's opcode and
// operand strings), about 50 ms of every CLI start, and walking all Codes for their mnemonics another 15 ms. So the
// table is derived here once, written to codeTableData.ts (test/asm/gen-code-table.ts), and a test checks that the
// file still equals what the installed iced gives.
import { Code, CodeExt, DecoderOptions, EncodingKind, Instruction, MemorySizeExt, Mnemonic, type OpCodeInfo } from './iced.js';

/**
 * One encoding: [code, operandSize, addressSize, memBytes, flags, ...operand kinds]. Flags: the modes it exists
 * in (1: 16-bit, 2: 32-bit, 4: 64-bit) and the FLAG_* bits.
 */
export type CodeRow = number[];
export type CodeTable = Record<string, CodeRow[]>;

export const MODE16 = 1;
export const MODE32 = 2;
export const MODE64 = 4;
export const FLAG_VEX = 8;
export const FLAG_DEFAULT_OP_SIZE_64 = 16;
export const FLAG_LOCK = 32;
export const FLAG_REP = 64;
export const FLAG_REPNE = 128;
export const FLAG_EVEX = 256;
/** Bits 9-10: a broadcast element of 2 << (value - 1) bytes (0: no broadcast). */
export const BCST_SHIFT = 9;
export const FLAG_ROUNDING = 2048;
export const FLAG_SAE = 4096;
export const FLAG_MASK = 8192;
export const FLAG_ZEROING = 16384;
export const FLAG_MASK_REQUIRED = 32768;
/** Index of the first operand kind in a row. */
export const KINDS_AT = 5;

// iced spells a few GNU aliases as separate encodings GNU never emits (82 /0, F6 /1, D0 /6 `sal`, ...), and
// has a vmovw with a 64-bit register GNU refuses.
const NEVER_EMITTED = /^(Sal_|Reservednop_|Prefetchreserved|Cmpxchg486_|Salc$|Pop[wd]?_CS$|Bswap_r16$)|_KNC_|_82$|_F6r1$|_F7r1$|^EVEX_Vmovw_(xmm_r64m16|r64m16_xmm)$/;

/** Which Codes spell each mnemonic (lower-case iced name), in Code order. */
function codesByMnemonic(): Map<string, Code[]> {
  const m = new Map<string, Code[]>();
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
      list.push(v as Code);
    }
  } finally {
    scratch.free();
  }
  return m;
}

const BCST_CODE: Record<number, number> = { 2: 1, 4: 2, 8: 3 };

/** The EVEX capability bits of an encoding (0 for Legacy and VEX). */
function evexFlags(oi: OpCodeInfo): number {
  if (oi.encoding !== EncodingKind.EVEX) return 0;
  const bcst = oi.canBroadcast ? BCST_CODE[MemorySizeExt.size(oi.broadcastMemorySize)] ?? 0 : 0;
  return FLAG_EVEX | (bcst << BCST_SHIFT) | (oi.canUseRoundingControl ? FLAG_ROUNDING : 0) | (oi.canSuppressAllExceptions ? FLAG_SAE : 0) |
    (oi.canUseOpMaskRegister ? FLAG_MASK : 0) | (oi.canUseZeroingMasking ? FLAG_ZEROING : 0) | (oi.requireOpMaskRegister ? FLAG_MASK_REQUIRED : 0);
}

/** One mnemonic's rows: Legacy, VEX and EVEX instructions, alternative opcodes for the same form dropped. */
function rowsOf(codes: Code[]): CodeRow[] {
  const rows: CodeRow[] = [];
  const codeNames = Code as unknown as Record<number, string>;
  for (const code of codes) {
    const oi = CodeExt.opCode(code);
    try {
      if (!oi.isInstruction) continue;
      const enc = oi.encoding;
      if (enc !== EncodingKind.Legacy && enc !== EncodingKind.VEX && enc !== EncodingKind.EVEX) continue;
      if (NEVER_EMITTED.test(codeNames[code]!)) continue;
      // Encodings iced decodes only on request (Cyrix, UMOV, LOADALL, JMPE, ...) are not GNU's: `pmulhrw` there is
      // Cyrix's 0f 59 where GNU's is 3DNow!'s 0f 0f /r b7. MPX and the test-register moves are GNU's.
      if (oi.decoderOption !== DecoderOptions.None && oi.decoderOption !== DecoderOptions.MPX && oi.decoderOption !== DecoderOptions.MovTr) continue;
      const kinds: number[] = [];
      for (let i = 0; i < oi.opCount; i++) kinds.push(oi.opKind(i));
      const flags =
        (oi.mode16 ? MODE16 : 0) | (oi.mode32 ? MODE32 : 0) | (oi.mode64 ? MODE64 : 0) | (enc === EncodingKind.VEX ? FLAG_VEX : 0) |
        (oi.defaultOpSize64 ? FLAG_DEFAULT_OP_SIZE_64 : 0) | (oi.canUseLockPrefix ? FLAG_LOCK : 0) | (oi.canUseRepPrefix ? FLAG_REP : 0) |
        (oi.canUseRepnePrefix ? FLAG_REPNE : 0) | evexFlags(oi);
      const row = [code, oi.operandSize, oi.addressSize, MemorySizeExt.size(oi.memorySize), flags, ...kinds];
      // Later duplicates (same kinds, sizes, modes and encoding) are alternative opcodes for the same thing; keep the first.
      const same = (r: CodeRow): boolean => (r[4]! & (MODE16 | MODE32 | MODE64 | FLAG_VEX | FLAG_EVEX)) === (flags & (MODE16 | MODE32 | MODE64 | FLAG_VEX | FLAG_EVEX)) && r.slice(1, 4).join() === row.slice(1, 4).join() && r.slice(KINDS_AT).join() === kinds.join();
      if (rows.some(same)) continue;
      rows.push(row);
    } finally {
      oi.free();
    }
  }
  return rows;
}

/** The table as the installed iced gives it (slow: builds every OpCodeInfo). */
export function liveCodeTable(): CodeTable {
  const table: CodeTable = {};
  for (const [mn, codes] of codesByMnemonic()) {
    const rows = rowsOf(codes);
    if (rows.length > 0) table[mn] = rows;
  }
  return table;
}

/** codeTableData.ts's text for a table: JSON (parsed on first use), one mnemonic a line so updates diff well. */
export function formatCodeTable(table: CodeTable): string {
  const lines = Object.entries(table).map(([mn, rows]) => `${JSON.stringify(mn)}:${JSON.stringify(rows)}`);
  return `// Generated by test/asm/gen-code-table.ts from iced-x86 (see codeTable.ts); test/asm/unit/code-table.test.ts checks it.
// mnemonic -> [code, operandSize, addressSize, memBytes, flags, ...operand kinds] per encoding.
export const CODE_TABLE_JSON = \`{
${lines.join(',\n')}
}\`;
`;
}
