import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { assembleBlock, quickLineBytes } from '../../asm/index.js';
import type { AsmSyntax, Bitness } from '../../asm/types.js';
import { ARCHES } from '../../model/arch.js';
import { EXIT, UsageError, type Io } from '../io.js';

export const asmHelp = `usage: patchc asm --arch i386|x86_64 [--syntax att|intel] (--file F | 'insn; insn')

Assembles instructions, one output line per input line: the hex bytes, or \`error: MESSAGE\`.
Instructions separated by ';' on one line are assembled together (labels work within the line).
Exit: 0 when every line assembled, 1 when some line has an error, 2 usage or I/O error.
`;

/**
 * The command's output, one line per input line. Hex lines are written as ASCII into a byte buffer: building a
 * string per line (and per byte) for a file of many lines costs more, in garbage collection, than assembling it.
 */
class OutputLines {
  private readonly parts: string[] = [];
  private buf = Buffer.allocUnsafe(1 << 16);
  private used = 0;

  /** The first `length` bytes of `bytes` as a hex line. */
  hex(bytes: Uint8Array, length = bytes.length): void {
    if (this.used + length * 3 + 1 > this.buf.length) this.flush();
    if (length * 3 + 1 > this.buf.length) this.buf = Buffer.allocUnsafe(length * 3 + 1);
    const b = this.buf;
    let at = this.used;
    for (let i = 0; i < length; i++) {
      const pair = HEX_PAIR[bytes[i]!]!;
      b[at] = pair >> 8;
      b[at + 1] = pair & 0xff;
      b[at + 2] = 0x20;
      at += 3;
    }
    // The last byte's space becomes the newline (an empty line is the newline alone).
    if (length > 0) at--;
    b[at++] = 0x0a;
    this.used = at;
  }

  text(line: string): void {
    this.flush();
    this.parts.push(`${line}\n`);
  }

  toString(): string {
    this.flush();
    return this.parts.join('');
  }

  private flush(): void {
    if (this.used > 0) this.parts.push(this.buf.toString('latin1', 0, this.used));
    this.used = 0;
  }
}

const HEX_DIGIT = Buffer.from('0123456789abcdef', 'latin1');
/** Each byte value's two hex digits as character codes, high digit in the high half. */
const HEX_PAIR = Uint16Array.from({ length: 256 }, (_, v) => (HEX_DIGIT[v >> 4]! << 8) | HEX_DIGIT[v & 15]!);

export async function asmCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { arch: { type: 'string' }, syntax: { type: 'string', default: 'intel' }, file: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(asmHelp);
    return EXIT.ok;
  }
  const arch = ARCHES.get(values.arch ?? '');
  if (!arch) throw new UsageError(`--arch is required: ${[...ARCHES.keys()].join(' or ')}`);
  const syntax = values.syntax as AsmSyntax;
  if (syntax !== 'att' && syntax !== 'intel') throw new UsageError(`unknown syntax '${syntax}' (att, intel)`);
  let text: string;
  if (values.file !== undefined) {
    if (positionals.length) throw new UsageError('give --file or instructions, not both');
    try {
      text = readFileSync(values.file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${values.file}: ${(e as Error).message}`);
    }
  } else {
    if (positionals.length !== 1) throw new UsageError("give --file F or one argument of instructions, e.g. 'mov rax, rdi; ret'");
    text = positionals[0]!;
  }
  const opts = { bitness: arch.bitness as Bitness, syntax };
  const out = new OutputLines();
  // One instruction's bytes: lines whose encoding the assembler already knows are written here with no
  // allocation (quickLineBytes), the rest go through assembleBlock.
  const scratch = new Uint8Array(16);
  let failed = false;
  // Each line, as text.split('\n') would give them without the empty line after a final newline; walked by
  // offsets so that a known line never becomes a string of its own.
  for (let from = 0; ; ) {
    const nl = text.indexOf('\n', from);
    if (nl < 0 && from === text.length && from > 0) break;
    const to = nl < 0 ? text.length : nl;
    const n = quickLineBytes(text, from, to, opts, scratch, 0);
    if (n >= 0) out.hex(scratch, n);
    else {
      const r = assembleBlock(text.slice(from, to), opts);
      if (r.errors.length) {
        failed = true;
        out.text(`error: ${r.errors[0]!.message}`);
      } else out.hex(r.bytes);
    }
    if (nl < 0) break;
    from = nl + 1;
  }
  io.out(out.toString());
  return failed ? EXIT.rules : EXIT.ok;
}
