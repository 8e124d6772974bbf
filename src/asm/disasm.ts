// Disassembly for diagnostics and listings, formatted close to `objdump -d` (GNU AT&T) or `objdump -d -M intel`.
import { Decoder, DecoderOptions, Formatter, FormatterSyntax, MemorySizeOptions } from './iced.js';
import type { AsmSyntax, Bitness } from './types.js';

export interface DisasmLine {
  /** Offset of the instruction within `bytes`. */
  offset: number;
  bytes: Uint8Array;
  /** `mov    %rdi,%rax` style text; `(bad)` for bytes that do not decode. */
  text: string;
  /** False for undecodable bytes. */
  valid: boolean;
}

const formatters = new Map<AsmSyntax, InstanceType<typeof Formatter>>();

export function formatterFor(syntax: AsmSyntax): InstanceType<typeof Formatter> {
  let f = formatters.get(syntax);
  if (f) return f;
  f = new Formatter(syntax === 'intel' ? FormatterSyntax.Intel : FormatterSyntax.Gas);
  // objdump's look: hex with 0x, no leading zeros, mnemonic padded to 7 columns, no space after commas.
  f.hexPrefix = '0x';
  f.hexSuffix = '';
  f.uppercaseHex = false;
  f.leadingZeros = false;
  f.branchLeadingZeros = false;
  f.displacementLeadingZeros = false;
  f.smallHexNumbersInDecimal = false;
  f.firstOperandCharIndex = 7;
  f.spaceAfterOperandSeparator = false;
  f.ripRelativeAddresses = true;
  // objdump shows an encoded zero displacement (`nopl 0x0(%rax)`): its bytes are part of the instruction.
  f.showZeroDisplacements = true;
  f.showBranchSize = false;
  if (syntax === 'intel') {
    f.uppercaseKeywords = true;
    f.spaceBetweenMemoryAddOperators = false;
    f.memorySizeOptions = MemorySizeOptions.Always;
  }
  formatters.set(syntax, f);
  return f;
}

/** Decodes `bytes` as code at `address`; undecodable bytes come out one at a time as `(bad)`. */
export function disassemble(bytes: Uint8Array, bitness: Bitness, syntax: AsmSyntax, address = 0n): DisasmLine[] {
  const out: DisasmLine[] = [];
  const fmt = formatterFor(syntax);
  const dec = new Decoder(bitness, bytes, DecoderOptions.None);
  try {
    dec.ip = address;
    while (dec.position < bytes.length) {
      const pos = dec.position;
      const ins = dec.decode();
      try {
        if (ins.isInvalid) {
          out.push({ offset: pos, bytes: bytes.slice(pos, pos + 1), text: '(bad)', valid: false });
          dec.position = pos + 1;
          dec.ip = address + BigInt(pos + 1);
          continue;
        }
        const text = fmt.format(ins).trimEnd();
        out.push({ offset: pos, bytes: bytes.slice(pos, pos + ins.length), text, valid: true });
      } finally {
        ins.free();
      }
    }
  } finally {
    dec.free();
  }
  return out;
}

/** One-line rendering: `48 89 f8  mov %rdi,%rax; ...`, handy in diagnostics. */
export function disassembleToString(bytes: Uint8Array, bitness: Bitness, syntax: AsmSyntax): string {
  return disassemble(bytes, bitness, syntax).map((l) => l.text.replace(/\s+/, ' ')).join('; ');
}

