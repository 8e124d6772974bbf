// Where a table is when the symbols that bound it are not listed. A kernel built without CONFIG_KALLSYMS_ALL
// (Debian's 686 flavours) lists text symbols only: `__start___jump_table`, `__stop_mcount_loc` and the like
// are missing, and no section header gives them (the tables sit inside .data/.init.data). The code that
// walks a table computes its size, `__stop - __start`, as an immediate pair: `mov $__stop, %reg` and, a few
// instructions on, `sub $__start, %reg` (jump_label_init(), ftrace_init()). The rule set names that function
// (`between A B sized-by FUNCTION`); the bounds read there are then held to the table's stride and to
// file-backed bytes, and every entry is checked by its pass as any other.
import { Decoder, DecoderOptions, Mnemonic, OpKind } from '../asm/iced.js';
import { lookupVaddr, type ElfFile, type SymbolTable } from '../binary/index.js';

/** Instructions after the `mov` within which its `sub` must come. */
const WINDOW = 4;
/** Bytes of the function decoded at most. */
const MAX_BYTES = 4096;

export type TableBounds = { start: bigint; stop: bigint } | { problem: string };

const IMMEDIATES = new Set<number>([OpKind.Immediate32, OpKind.Immediate32to64, OpKind.Immediate8to32, OpKind.Immediate64]);

/** The first `mov $stop,%r` … `sub $start,%r` with start < stop and (stop - start) a multiple of stride. */
export function boundsFromSizeCode(elf: ElfFile, symbols: SymbolTable | undefined, fn: string, stride: number): TableBounds {
  const at = symbols?.addressOf(fn);
  if (at === undefined) return { problem: `function '${fn}' is not in the kernel's symbols` };
  let len = MAX_BYTES;
  while (len > 0 && !lookupVaddr(elf, at, len).ok) len >>= 1;
  const l = lookupVaddr(elf, at, Math.max(len, 1));
  if (!l.ok || len === 0) return { problem: `function '${fn}' (0x${at.toString(16)}) has no bytes in the file` };
  const bitness = elf.header.class === 64 ? 64 : 32;
  const decoder = new Decoder(bitness, elf.data.subarray(l.offset, l.offset + len), DecoderOptions.None);
  decoder.ip = at;
  const movs: { reg: number; value: bigint; n: number }[] = [];
  try {
    for (let n = 0; decoder.canDecode; n++) {
      const insn = decoder.decode();
      try {
        if (insn.isInvalid) break;
        const imm = insn.opCount === 2 && insn.op0Kind === OpKind.Register && IMMEDIATES.has(insn.op1Kind) ? BigInt.asUintN(bitness, insn.immediate(1)) : undefined;
        if (imm !== undefined && insn.mnemonic === Mnemonic.Mov) movs.push({ reg: insn.op0Register, value: imm, n });
        if (imm !== undefined && insn.mnemonic === Mnemonic.Sub) {
          const mov = movs.find((m) => m.reg === insn.op0Register && n - m.n <= WINDOW && imm < m.value && (m.value - imm) % BigInt(stride) === 0n);
          if (mov && lookupVaddr(elf, imm, Number(mov.value - imm)).ok) return { start: imm, stop: mov.value };
        }
        if (insn.mnemonic === Mnemonic.Ret) break;
      } finally {
        insn.free();
      }
    }
  } finally {
    decoder.free();
  }
  return { problem: `no \`mov $stop, %reg\` … \`sub $start, %reg\` of a whole number of ${stride}-byte entries in '${fn}' (0x${at.toString(16)})` };
}
