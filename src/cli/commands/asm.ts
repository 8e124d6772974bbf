import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { assembleBlock } from '../../asm/index.js';
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

  hex(bytes: Uint8Array): void {
    if (this.used + bytes.length * 3 + 1 > this.buf.length) this.flush();
    if (bytes.length * 3 + 1 > this.buf.length) this.buf = Buffer.allocUnsafe(bytes.length * 3 + 1);
    const b = this.buf;
    for (let i = 0; i < bytes.length; i++) {
      if (i > 0) b[this.used++] = 0x20;
      b[this.used++] = HEX_DIGIT[bytes[i]! >> 4]!;
      b[this.used++] = HEX_DIGIT[bytes[i]! & 15]!;
    }
    b[this.used++] = 0x0a;
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
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const out = new OutputLines();
  let failed = false;
  for (const line of lines) {
    const r = assembleBlock(line, { bitness: arch.bitness as Bitness, syntax });
    if (r.errors.length) {
      failed = true;
      out.text(`error: ${r.errors[0]!.message}`);
    } else out.hex(r.bytes);
  }
  io.out(out.toString());
  return failed ? EXIT.rules : EXIT.ok;
}
