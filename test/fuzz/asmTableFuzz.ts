// The assembler against GNU as over iced's whole code table: random bytes behind an opcode-map header (none,
// 0f, 0f38, 0f3a, VEX2, VEX3, EVEX, legacy prefixes, REX) are decoded by iced, printed by iced's own GNU-style
// formatters (AT&T, or Intel with 0x numbers), and handed to GNU as and patchc. iced only supplies text here; GNU
// says what it means. Direct branches are written relative to the location counter (`jne .+0x1c`), so every
// branch distance is exercised, and AT&T lines get random size suffixes (every suffix on every form, GNU decides
// which exist). Verdicts as in asmFuzz.ts.
import fc from 'fast-check';
import { Code, Decoder, DecoderOptions, Formatter, FormatterSyntax, MemorySizeOptions, OpKind } from '../../src/asm/iced.js';
import type { AsmSyntax } from '../../src/asm/types.js';

export interface TableCase {
  syntax: AsmSyntax;
  bitness: 32 | 64;
  header: number;
  bytes: number[];
  /** AT&T: print iced's size suffix on every mnemonic, or append this one. */
  showSuffix: boolean;
  suffix: '' | 'b' | 'w' | 'l' | 'q';
}

// Opcode-map headers: a random tail behind each reaches that part of the code table.
const HEADERS: number[][] = [[], [0x0f], [0x0f, 0x38], [0x0f, 0x3a], [0xc5], [0xc4], [0x62], [0x66, 0x0f], [0xf3, 0x0f], [0xf2, 0x0f], [0x66], [0xf0], [0x48], [0x41, 0x0f], [0x64], [0x67]];

export const arbTableCase: fc.Arbitrary<TableCase> = fc.record({
  syntax: fc.constantFrom('att' as const, 'intel' as const),
  bitness: fc.constantFrom(32 as const, 64 as const),
  header: fc.nat({ max: HEADERS.length - 1 }),
  bytes: fc.array(fc.nat({ max: 255 }), { minLength: 15, maxLength: 15 }),
  showSuffix: fc.boolean(),
  suffix: fc.constantFrom('' as const, '' as const, 'b' as const, 'w' as const, 'l' as const, 'q' as const),
});

const formatters = new Map<string, InstanceType<typeof Formatter>>();

function formatter(syntax: AsmSyntax, showSuffix: boolean): InstanceType<typeof Formatter> {
  const key = `${syntax}${showSuffix}`;
  let f = formatters.get(key);
  if (f) return f;
  f = new Formatter(syntax === 'att' ? FormatterSyntax.Gas : FormatterSyntax.Intel);
  f.hexPrefix = '0x';
  f.hexSuffix = '';
  f.uppercaseHex = false;
  f.signedMemoryDisplacements = true;
  f.ripRelativeAddresses = true;
  f.showBranchSize = false;
  f.spaceAfterOperandSeparator = true;
  f.smallHexNumbersInDecimal = false;
  f.memorySizeOptions = MemorySizeOptions.Always;
  f.gasShowMnemonicSizeSuffix = showSuffix;
  formatters.set(key, f);
  return f;
}

const NEAR_BRANCH = new Set<number>([OpKind.NearBranch16, OpKind.NearBranch32, OpKind.NearBranch64]);
const IP = 0x1000n;

/** The case's text, or undefined when its bytes decode to no instruction. */
export function tableLine(c: TableCase): string | undefined {
  // Behind a header that does not apply in this mode (VEX in 32-bit code wants its second byte >= 0xc0), the
  // bytes alone still make a case.
  return lineOf(c, [...HEADERS[c.header]!, ...c.bytes]) ?? lineOf(c, c.bytes);
}

function lineOf(c: TableCase, raw: number[]): string | undefined {
  const bytes = Uint8Array.from(raw);
  const d = new Decoder(c.bitness, bytes, DecoderOptions.None);
  d.ip = IP;
  const ins = d.decode();
  try {
    if (ins.code === Code.INVALID) return undefined;
    const f = formatter(c.syntax, c.showSuffix);
    let text: string;
    if (ins.opCount === 1 && NEAR_BRANCH.has(ins.op0Kind)) {
      // The target as the location counter plus the distance GNU must encode.
      const k = ins.nearBranchTarget - IP;
      text = `${f.formatMnemonic(ins)} .${k < 0n ? '-' : '+'}0x${(k < 0n ? -k : k).toString(16)}`;
    } else {
      text = f.format(ins);
    }
    text = text.replace(/\s+/g, ' ').trim();
    if (c.syntax === 'att' && !c.showSuffix && c.suffix) text = text.replace(/^((?:(?:lock|rep[nez]*|data(?:16|32)|addr(?:16|32)|rex\S*|[c-gs]s|notrack|bnd|xacquire|xrelease|\{\w+\}) )*)([a-z][a-z0-9]*)(\s|$)/, `$1$2${c.suffix}$3`);
    return text;
  } finally {
    ins.free();
    d.free();
  }
}
