// Assembles a block: statements in order, labels (named and GNU numeric `1:` with `1f`/`1b`), jumps relaxed to
// rel8 when their local target is in range (as GNU does), everything else to a symbol left as a relocation.
import { parseAttOperands, OperandError } from './att.js';
import { Encoder, Instruction } from './iced.js';
import { parseIntelOperands } from './intel.js';
import { lexBlock, type Statement } from './lexer.js';
import type { ParsedInsn } from './operands.js';
import { InsnError, selectEncoding, type BranchForm, type Selected } from './select.js';
import { ExprError, ExprParser, HERE } from './expr.js';
import { prefixCount, writeLE, type Fixup } from './encode.js';
import { attShape, intelShape, type Shape } from './shape.js';
import { lookupTemplate, rememberTemplate, writeFields, type Template } from './shapeCache.js';
import { quickLine } from './quickLine.js';
import type { AsmBlockResult, AsmError, AsmOptions, AssembledInstruction, Relocation } from './types.js';

const PREFIX_BYTES: Record<string, number> = {
  lock: 0xf0, rep: 0xf3, repe: 0xf3, repz: 0xf3, repne: 0xf2, repnz: 0xf2, data16: 0x66, addr32: 0x67,
  cs: 0x2e, ds: 0x3e, es: 0x26, fs: 0x64, gs: 0x65, ss: 0x36,
};
/** `rex`, `rex64`, `rex.WRXB` as a standalone byte (GNU emits exactly that byte). */
function rexByte(word: string): number | undefined {
  if (word === 'rex') return 0x40;
  if (word === 'rex64') return 0x48;
  const m = /^rex\.([wrxb]+)$/.exec(word);
  if (!m) return undefined;
  let b = 0x40;
  for (const c of m[1]!) b |= c === 'w' ? 8 : c === 'r' ? 4 : c === 'x' ? 2 : 1;
  return b;
}

const INSN_PREFIXES = new Set(['notrack', 'lock', 'rep', 'repe', 'repz', 'repne', 'repnz', 'data16', 'data32', 'addr16', 'addr32', 'cs', 'ds', 'es', 'fs', 'gs', 'ss']);
const PSEUDO = new Set(['{load}', '{store}', '{disp8}', '{disp32}', '{nooptimize}', '{vex}', '{vex2}', '{vex3}', '{evex}', '{rex}']);

interface Item {
  stmt: Statement;
  sel?: Selected;
  raw?: Uint8Array;
  /** A remembered encoding (sel is its template): this statement's numbers go into its fields. */
  fill?: { template: Template; imm: number | undefined; disp: number | undefined };
  /** Branch state during relaxation. */
  long?: boolean;
  offset: number;
  size: number;
}

export function toParsed(stmt: Statement, opts: AsmOptions): ParsedInsn {
  const m = stmt.mnemonic!;
  const prefixes: string[] = [];
  const pseudo: string[] = [];
  for (const p of stmt.prefixes) {
    if (PSEUDO.has(p.word)) pseudo.push(p.word);
    // A bare `rex` is GNU's {rex}: a 40 where the instruction has no REX of its own. The rex.W/R/X/B words stay
    // refused: they change the registers or the operand size the instruction names (`rex.b mov %eax,%ecx` is
    // mov %eax,%r9d to GNU), which a rule should write out.
    else if (p.word === 'rex') pseudo.push('{rex}');
    else if (p.word.startsWith('{')) throw new InsnError(`pseudo prefix '${p.word}' is not supported`, p.start, p.end);
    else if (opts.bitness === 64 && (p.word === 'es' || p.word === 'ss')) throw new InsnError(`'${p.word}' is not supported in 64-bit mode`, p.start, p.end);
    else if (INSN_PREFIXES.has(p.word)) prefixes.push(p.word);
    else throw new InsnError(`prefix '${p.word}' is not supported before an instruction`, p.start, p.end, ['write the prefix as its own statement, e.g. `ds; movsb`, if you need the raw byte']);
  }
  if (opts.syntax === 'att') {
    const { operands, indirect, rounding } = parseAttOperands(stmt.operands);
    return { mnemonic: m.text, mnemonicStart: m.start, mnemonicEnd: m.end, operands, indirect, prefixes, pseudo, ...(rounding ? { rounding } : {}) };
  }
  const operands = parseIntelOperands(stmt.operands);
  const rounding = operands.rounding;
  return { mnemonic: m.text, mnemonicStart: m.start, mnemonicEnd: m.end, operands: [...operands], indirect: false, prefixes, pseudo, ...(rounding ? { rounding } : {}) };
}

// Real inputs repeat instructions a lot; the choice depends only on the statement's text and the options.
// Errors are kept with offsets relative to the statement so they can be re-based.
type CacheEntry = { sel: Selected } | { err: InsnError | OperandError; base: number };
const selectionCache = new Map<string, CacheEntry>();
const CACHE_LIMIT = 100_000;

// Statements that differ only in their numbers share one selection (shape.ts); the rest are keyed by text.
function shapeOf(stmt: Statement, opts: AsmOptions): Shape | undefined {
  const from = stmt.prefixes[0]?.start ?? stmt.mnemonic!.start;
  const opsAt = stmt.mnemonic!.end - stmt.start;
  const make = opts.syntax === 'att' ? attShape : intelShape;
  return make(`${opts.bitness}${opts.syntax}`, stmt.text.slice(from - stmt.start, opsAt), stmt.text.slice(opsAt));
}

/** The full selection (cached by text), remembered for its shape when it has one. */
function selectCached(stmt: Statement, opts: AsmOptions, shape: Shape | undefined): Selected {
  const sel = selectByText(stmt, opts);
  if (shape) rememberTemplate(shape, sel);
  return sel;
}

function selectByText(stmt: Statement, opts: AsmOptions): Selected {
  const from = stmt.prefixes[0]?.start ?? stmt.mnemonic!.start;
  const key = `${opts.bitness}${opts.syntax}${stmt.text.slice(from - stmt.start)}`;
  const hit = selectionCache.get(key);
  if (hit) {
    if ('sel' in hit) return hit.sel;
    const d = from - hit.base;
    const e = hit.err;
    throw new InsnError(e.message, e.start + d, e.end + d, e.hints);
  }
  if (selectionCache.size >= CACHE_LIMIT) selectionCache.clear();
  try {
    const sel = selectEncoding(toParsed(stmt, opts), opts);
    selectionCache.set(key, { sel });
    return sel;
  } catch (e) {
    if (e instanceof InsnError || e instanceof OperandError) selectionCache.set(key, { err: e, base: from });
    throw e;
  }
}

// GNU emits a relocation against the section for these; patchc blocks are position-independent templates.
const ABSOLUTE_HERE = "the location counter '.' as a value needs the block's address (GNU as would emit a relocation against the section)";
const HERE_HINTS = ['pc-relative uses need no address: `jmp .+2`, and in 64-bit code `lea .(%rip), %rax`; `.-.` is a constant'];

const DATA_SIZES: Record<string, number> = { '.byte': 1, '.short': 2, '.word': 2, '.value': 2, '.long': 4, '.int': 4, '.quad': 8 };

/** `.byte 0x0f, 0x0b` and friends: constants only (a symbol would need a relocation type we do not model). */
function dataDirective(stmt: Statement, opts: AsmOptions): Uint8Array {
  const m = stmt.mnemonic!;
  const size = DATA_SIZES[m.text];
  if (size === undefined) throw new InsnError(`directive '${m.text}' is not supported in an instruction block`, m.start, m.end, ['supported: .byte .short .word .long .int .quad']);
  if (stmt.prefixes.length > 0) throw new InsnError('a data directive cannot take a prefix', stmt.prefixes[0]!.start, stmt.prefixes[0]!.end);
  const out = new Uint8Array(size * stmt.operands.length);
  stmt.operands.forEach((o, i) => {
    const p = new ExprParser(o.text, 0, { intel: opts.syntax === 'intel' });
    let v: bigint;
    try {
      const e = p.parse();
      if (p.pos !== o.text.length) throw new ExprError(`junk '${o.text.slice(p.pos)}' after value`, p.pos);
      if (e.symbol === HERE) throw new ExprError(ABSOLUTE_HERE, 0);
      if (e.symbol !== undefined) throw new ExprError('symbols are not supported in data directives', 0);
      v = e.value;
    } catch (err) {
      if (err instanceof ExprError) throw new InsnError(err.message, o.start, o.end);
      throw err;
    }
    const bits = BigInt(size * 8);
    if (size < 8 && (v < -(1n << (bits - 1n)) || v >= 1n << bits)) throw new InsnError(`value does not fit in ${size * 8} bits (GNU as would truncate it)`, o.start, o.end);
    writeLE(out, i * size, size, v);
  });
  return out;
}

function toError(e: unknown, stmt: Statement): AsmError {
  if (e instanceof InsnError || e instanceof OperandError) {
    const err: AsmError = { message: e.message, start: e.start, end: e.end };
    if (e.hints && e.hints.length > 0) err.hints = e.hints;
    return err;
  }
  const msg = e instanceof Error ? e.message : String(e);
  return { message: `internal assembler error: ${msg}`, start: stmt.start, end: stmt.end };
}

const branchEncoders = new Map<number, InstanceType<typeof Encoder>>();

function encodeBranch(b: BranchForm, long: boolean, at: number, target: number, bitness: number): Uint8Array {
  const ci = long ? b.near! : b.short!;
  let enc = branchEncoders.get(bitness);
  if (!enc) branchEncoders.set(bitness, (enc = new Encoder(bitness)));
  const ins = ci.name.startsWith('Xbegin') ? Instruction.createXbegin(bitness, BigInt(target)) : Instruction.createBranch(ci.code, BigInt(target));
  try {
    enc.encode(ins, BigInt(at));
    const bytes = enc.takeBuffer();
    if (b.prefixBytes.length === 0) return bytes;
    // A REX GNU keeps (`rex jo .` is 40 70 fd) goes after the legacy prefixes (`rex jecxz .` is 67 40 e3 fd); the
    // displacement field stays the tail.
    const n = prefixCount(bytes);
    const out = new Uint8Array(b.prefixBytes.length + bytes.length);
    out.set(bytes.subarray(0, n), 0);
    out.set(b.prefixBytes, n);
    out.set(bytes.subarray(n), n + b.prefixBytes.length);
    return out;
  } finally {
    ins.free();
  }
}

export function assembleBlock(text: string, opts: AsmOptions): AsmBlockResult {
  try {
    return quickLine(text, opts) ?? assembleBlockUnguarded(text, opts);
  } catch (e) {
    // Input must never make the assembler throw; an escape here is a bug reported as data.
    const msg = e instanceof Error ? e.message : String(e);
    return { bytes: new Uint8Array(0), instructions: [], relocations: [], errors: [{ message: `internal assembler error: ${msg}`, start: 0, end: text.length }], warnings: [] };
  }
}

function assembleBlockUnguarded(text: string, opts: AsmOptions): AsmBlockResult {
  const errors: AsmError[] = [];
  const warnings: AsmError[] = [];
  const items: Item[] = [];
  // Label name -> item index it precedes. Numeric labels keep every definition, in order.
  const named = new Map<string, number>();
  const numeric = new Map<string, number[]>();
  const stmts = lexBlock(text);
  for (const stmt of stmts) {
    for (const l of stmt.labels) {
      if (l.name === HERE || (l.name === '$' && opts.syntax === 'intel')) {
        errors.push({ message: `'${l.name}' is the location counter; it cannot be a label`, start: l.start, end: l.end });
      } else if (/^[0-9]+$/.test(l.name)) {
        let list = numeric.get(l.name);
        if (!list) numeric.set(l.name, (list = []));
        list.push(items.length);
      } else if (named.has(l.name)) {
        errors.push({ message: `label '${l.name}' is already defined`, start: l.start, end: l.end });
      } else {
        named.set(l.name, items.length);
      }
    }
    if (!stmt.mnemonic) {
      if (stmt.operands.length > 0) {
        const o = stmt.operands[0]!;
        errors.push({ message: `expected an instruction, found '${stmt.text.slice(o.start - stmt.start)}'`, start: o.start, end: stmt.end });
        continue;
      }
      // A prefix on its own line (`rep; movsb`, `lock; incl (%rax)`): GNU emits the byte as written.
      if (stmt.prefixes.length > 0) {
        const bytes: number[] = [];
        for (const p of stmt.prefixes) {
          const b = PREFIX_BYTES[p.word] ?? (opts.bitness === 64 ? rexByte(p.word) : undefined);
          if (b === undefined) errors.push({ message: `prefix '${p.word}' cannot stand alone`, start: p.start, end: p.end });
          else bytes.push(b);
        }
        items.push({ stmt, raw: new Uint8Array(bytes), offset: 0, size: bytes.length });
      }
      continue;
    }
    if (stmt.mnemonic.text.startsWith('.')) {
      try {
        const raw = dataDirective(stmt, opts);
        items.push({ stmt, raw, offset: 0, size: raw.length });
      } catch (e) {
        errors.push(toError(e, stmt));
      }
      continue;
    }
    const shape = shapeOf(stmt, opts);
    const template = shape && lookupTemplate(shape);
    if (template) {
      items.push({ stmt, sel: template.sel, fill: { template, imm: shape!.imm, disp: shape!.disp }, offset: 0, size: template.sel.encoded.bytes.length });
      continue;
    }
    try {
      const sel = selectCached(stmt, opts, shape);
      for (const w of sel.warnings) warnings.push({ message: w, start: stmt.start, end: stmt.end });
      items.push({ stmt, sel, offset: 0, size: sel.kind === 'fixed' ? sel.encoded.bytes.length : 0 });
    } catch (e) {
      errors.push(toError(e, stmt));
    }
  }

  // `.` is the start of the statement that uses it: the item itself.
  const labelIndex = (sym: string, at: number): number | undefined => {
    if (sym === HERE) return at;
    const m = /^([0-9]+)([fb])$/.exec(sym);
    if (m) {
      const defs = numeric.get(m[1]!) ?? [];
      if (m[2] === 'b') return [...defs].reverse().find((d) => d <= at);
      return defs.find((d) => d > at);
    }
    return named.get(sym);
  };
  const isLocalRef = (sym: string): boolean => /^[0-9]+[fb]$/.test(sym);

  // Resolve targets to item indexes; undefined numeric references are errors, other names are external.
  const targetIdx: (number | undefined)[] = items.map((it, i) => {
    const sel = it.sel;
    if (!sel || sel.kind !== 'branch' || sel.target.symbol === undefined) return undefined;
    const idx = labelIndex(sel.target.symbol, i);
    if (idx === undefined && isLocalRef(sel.target.symbol)) {
      errors.push({ message: `local label '${sel.target.symbol}' is not defined in this block`, start: it.stmt.start, end: it.stmt.end });
    }
    return idx;
  });

  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    if (it.sel?.kind === 'branch') {
      const b = it.sel;
      if (b.target.symbol === undefined) {
        errors.push({ message: 'a branch to an absolute address needs a symbol or label', start: it.stmt.start, end: it.stmt.end });
        it.raw = new Uint8Array(0);
        delete it.sel;
        it.size = 0;
        continue;
      }
      // loop/jcxz have only rel8: to an external symbol GNU leaves an 8-bit pc-relative relocation.
      it.long = (targetIdx[i] === undefined || !b.short) && b.near !== undefined;
    }
  }
  // Relaxation: grow short jumps whose targets are out of reach until nothing changes (sizes only grow).
  const sizeOf = (it: Item, long: boolean | undefined): number => {
    if (it.sel?.kind !== 'branch') return it.size;
    const ci = long ? it.sel.near : it.sel.short;
    if (!ci) return 0;
    return sizeOfBranch(it.sel, long === true, opts.bitness);
  };
  for (let iter = 0; iter < 100; iter++) {
    let off = 0;
    for (const it of items) {
      it.offset = off;
      it.size = sizeOf(it, it.long);
      off += it.size;
    }
    const end = off;
    let changed = false;
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      if (it.sel?.kind !== 'branch' || it.long || targetIdx[i] === undefined) continue;
      const t = targetIdx[i]!;
      const taddr = (t < items.length ? items[t]!.offset : end) + Number(it.sel.target.value);
      const rel = taddr - (it.offset + it.size);
      // A rel8-only branch (loop, jecxz) out of reach stays short: writing its displacement reports it.
      if ((rel < -128 || rel > 127) && it.sel.near) {
        it.long = true;
        changed = true;
      }
    }
    if (!changed) break;
  }
  const total = items.reduce((a, it) => a + it.size, 0);
  const out = new Uint8Array(total);
  const relocations: Relocation[] = [];
  const instructions: AssembledInstruction[] = [];
  const addrOf = (idx: number): number => (idx < items.length ? items[idx]!.offset : total);
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    let bytes: Uint8Array;
    if (it.raw) bytes = it.raw;
    else if (it.sel!.kind === 'fixed') {
      const fixups = it.sel!.encoded.fixups;
      // Cached encodings are shared: copy only when a field has to be filled in.
      bytes = fixups.length > 0 ? it.sel!.encoded.bytes.slice() : it.sel!.encoded.bytes;
      for (const f of fixups) resolveFixup(f, it, i, bytes);
    } else {
      const b = it.sel as BranchForm;
      const t = targetIdx[i];
      const ci = it.long ? b.near : b.short;
      if (!ci) {
        bytes = new Uint8Array(0);
      } else if (t !== undefined) {
        // The displacement is written here, not by iced: a `.` target can lie before the block's start or far
        // past its end, which GNU still resolves within the section.
        bytes = encodeBranch(b, it.long === true, 0, 0, opts.bitness);
        const fsize = branchFieldSize(it.long === true, opts.bitness);
        const rel = BigInt(addrOf(t) - (it.offset + it.size)) + b.target.value;
        const lim = 1n << BigInt(fsize * 8 - 1);
        if (rel < -lim || rel >= lim) errors.push({ message: `jump target out of range for '${it.stmt.mnemonic!.text}' (rel${fsize * 8})`, start: it.stmt.start, end: it.stmt.end });
        writeLE(bytes, bytes.length - fsize, fsize, rel);
      } else {
        // External symbol: the rel field is the instruction's tail; GNU's addend is the offset minus the field size.
        bytes = encodeBranch(b, it.long === true, it.offset, it.offset, opts.bitness);
        const fsize = branchFieldSize(it.long === true, opts.bitness);
        writeLE(bytes, bytes.length - fsize, fsize, inPlaceAddend(BigInt(Number(b.target.value) - fsize)));
        relocations.push({ offset: it.offset + bytes.length - fsize, size: fsize as 1 | 2 | 4, pcRelative: true, symbol: b.target.symbol!.replace(/@plt$/i, ''), addend: Number(b.target.value) - fsize });
      }
    }
    if (bytes.length !== it.size && !it.raw) {
      errors.push({ message: 'internal assembler error: size changed during layout', start: it.stmt.start, end: it.stmt.end });
    }
    out.set(bytes.length <= total - it.offset ? bytes : bytes.subarray(0, total - it.offset), it.offset);
    if (it.fill) writeFields(it.fill.template, it.fill.imm, it.fill.disp, out, it.offset);
    // A view of a small typed array makes V8 move its storage off the heap, which costs more than assembling a
    // cached line: a block of one instruction hands out the block's own array instead.
    const own = it.offset === 0 && it.size === total;
    instructions.push({ text: it.stmt.text, start: it.stmt.start, end: it.stmt.end, offset: it.offset, bytes: own ? out : out.subarray(it.offset, it.offset + it.size) });
  }

  // i386 ELF uses REL relocations: GNU leaves the addend in the field. x86-64 (RELA) leaves zeros.
  function inPlaceAddend(a: bigint): bigint {
    return opts.bitness === 64 ? 0n : a;
  }

  function resolveFixup(f: Fixup, it: Item, i: number, bytes: Uint8Array): void {
    const sym = f.symbol!;
    const idx = labelIndex(sym, i);
    if (idx === undefined) {
      if (isLocalRef(sym)) {
        errors.push({ message: `local label '${sym}' is not defined in this block`, start: it.stmt.start, end: it.stmt.end });
        return;
      }
      relocations.push({ offset: it.offset + f.offset, size: f.size, pcRelative: f.pcRelative, symbol: sym, addend: Number(f.addend) });
      writeLE(bytes, f.offset, f.size, inPlaceAddend(f.addend));
      return;
    }
    if (!f.pcRelative && sym === HERE) {
      errors.push({ message: ABSOLUTE_HERE, start: it.stmt.start, end: it.stmt.end, hints: HERE_HINTS });
      return;
    }
    if (!f.pcRelative) {
      errors.push({ message: `'${sym}' is a label in this block; an absolute reference to it needs the block's address`, start: it.stmt.start, end: it.stmt.end, hints: ['use a RIP-relative reference, e.g. lea label(%rip), %rax'] });
      return;
    }
    const v = BigInt(addrOf(idx)) + f.addend - BigInt(it.offset + f.offset);
    writeLE(bytes, f.offset, f.size, v);
  }

  errors.sort((a, b) => a.start - b.start);
  return { bytes: errors.length ? new Uint8Array(0) : out, instructions, relocations, errors, warnings };
}

function branchFieldSize(long: boolean, bitness: number): 1 | 2 | 4 {
  return !long ? 1 : bitness === 16 ? 2 : 4;
}

const branchSizes = new Map<string, number>();

/** A branch form's size does not depend on its target; measure it once by encoding. */
function sizeOfBranch(b: BranchForm, long: boolean, bitness: number): number {
  const ci = long ? b.near! : b.short!;
  const key = `${ci.code}/${bitness}/${b.prefixBytes.length}`;
  let n = branchSizes.get(key);
  if (n === undefined) branchSizes.set(key, (n = encodeBranch(b, long, 0, 0, bitness).length));
  return n;
}
