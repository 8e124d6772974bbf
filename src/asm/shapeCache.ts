// Encodings remembered per statement shape (shape.ts): the first statement of a shape goes through the full
// selection, later ones copy its bytes and write their own immediate and displacement into the fields. A big
// file of distinct lines is mostly a few thousand shapes, so this skips nearly all candidate encoding.
import type { FieldSpans } from './encode.js';
import type { FixedForm, Selected } from './select.js';
import { dispPinned, immPinned, shapePieces, type NumberSpans, type Shape } from './shape.js';

/** A remembered encoding: its bytes as first selected, and where a statement's own numbers go. */
export interface Template {
  /** The shape's key, and its parts as the quick path compares them with a line (shape.ts). */
  key: string;
  mode: string;
  pieces: string[];
  immCls: number;
  dispCls: number;
  immFirst: boolean;
  /** The next template whose shape has the same hash. */
  next: Template | undefined;
  sel: FixedForm & { warnings: string[] };
  /** Offsets of the fields from the start of the encoding; size 0 when the shape has no such number. */
  immAt: number;
  immSize: number;
  dispAt: number;
  dispSize: number;
}

// Keyed by the hash of the shape's key, so the quick path (quickLine.ts) can find a line's template from the line
// itself, without building its key string: hashing a fresh string and flattening the pieces it was concatenated
// from cost more than the rest of a remembered line.
const templates = new Map<number, Template>();
const NO_FIELDS: FieldSpans = { immFromEnd: 0, immSize: 0, dispFromEnd: 0, dispSize: 0 };
const TEMPLATE_LIMIT = 50_000;

/** Little-endian low `size` bytes of v (two's complement), for |v| < 2^53. */
function writeNumberLE(bytes: Uint8Array, at: number, size: number, v: number): void {
  if (size <= 4) {
    // `>>` reads v as a 32-bit integer, which keeps its low 32 bits exactly.
    for (let i = 0; i < size; i++) bytes[at + i] = (v >> (8 * i)) & 0xff;
    return;
  }
  let x = BigInt.asUintN(size * 8, BigInt(v));
  for (let i = 0; i < size; i++) {
    bytes[at + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}

function fieldHolds(bytes: Uint8Array, at: number, size: number, v: number): boolean {
  const probe = new Uint8Array(size);
  writeNumberLE(probe, 0, size, v);
  for (let i = 0; i < size; i++) if (bytes[at + i] !== probe[i]) return false;
  return true;
}

/** The encoding remembered for statements of this shape, if any. */
export function lookupTemplate(shape: Shape): Template | undefined {
  for (let t = templates.get(shape.hash); t; t = t.next) if (t.key === shape.key) return t;
  return undefined;
}

/** Whether text[from, to) is `piece`. */
function isPiece(text: string, from: number, to: number, piece: string | undefined): boolean {
  return piece !== undefined && piece.length === to - from && text.startsWith(piece, from);
}

/**
 * The template whose key is `mode` followed by text[from, to) with the numbers `spans` found there (scanned with
 * the hash of mode and text[from, ...)) replaced by their markers: the key attShape would build, without building it.
 */
export function findTemplate(mode: string, text: string, from: number, to: number, spans: NumberSpans): Template | undefined {
  const hasImm = spans.immAt >= 0;
  const hasDisp = spans.dispAt >= 0;
  for (let t = templates.get(spans.hash); t; t = t.next) {
    if (t.mode !== mode || t.immCls !== spans.immCls || t.dispCls !== spans.dispCls) continue;
    const p = t.pieces;
    if (hasImm && hasDisp) {
      const immFirst = spans.immAt < spans.dispAt;
      const aAt = immFirst ? spans.immAt : spans.dispAt;
      const aEnd = immFirst ? spans.immEnd : spans.dispEnd;
      const bAt = immFirst ? spans.dispAt : spans.immAt;
      const bEnd = immFirst ? spans.dispEnd : spans.immEnd;
      // The order of the markers is part of the key.
      if (t.immFirst !== immFirst) continue;
      if (isPiece(text, from, aAt, p[0]) && isPiece(text, aEnd, bAt, p[1]) && isPiece(text, bEnd, to, p[2])) return t;
    } else {
      const at = hasImm ? spans.immAt : spans.dispAt;
      const end = hasImm ? spans.immEnd : spans.dispEnd;
      if (p.length === 2 && isPiece(text, from, at, p[0]) && isPiece(text, end, to, p[1])) return t;
    }
  }
  return undefined;
}

/**
 * Writes a statement's own numbers over the template's fields in `out` (a statement of the template's shape gives them), where the template's bytes were copied
 * at `at`. (Templates are shared: the statement's bytes never exist apart from the block's output.)
 */
export function writeFields(t: Template, imm: number | undefined, disp: number | undefined, out: Uint8Array, at: number): void {
  if (t.immSize) writeNumberLE(out, at + t.immAt, t.immSize, imm!);
  if (t.dispSize) writeNumberLE(out, at + t.dispAt, t.dispSize, disp!);
}

/**
 * Remembers a full selection for its shape when it can be replayed: plain bytes (no relocation, no warning), and
 * each classed number found, as written, in the field iced reported for it. Anything else is simply not
 * remembered, and statements of that shape keep taking the full path.
 */
export function rememberTemplate(shape: Shape, sel: Selected): void {
  if (sel.kind !== 'fixed' || sel.warnings.length > 0) return;
  const e = sel.encoded;
  if (e.fixups.length > 0) return;
  // EVEX scales a byte displacement by the operand size (disp8*N): which values fit it is not the shape's class.
  if (sel.code.evex && shape.disp !== undefined) return;
  const f = e.fields ?? NO_FIELDS;
  const n = e.bytes.length;
  const t: Template = { key: shape.key, mode: shape.mode, pieces: shapePieces(shape), immCls: shape.immCls, dispCls: shape.dispCls, immFirst: shape.immFirst, next: undefined, sel: { kind: 'fixed', encoded: { bytes: e.bytes.slice(), fixups: [] }, code: sel.code, warnings: [] }, immAt: 0, immSize: 0, dispAt: 0, dispSize: 0 };
  // A number with no field of its own (`shl $1`, `0(%rax)`) is only replayable when its class holds it alone.
  if (shape.imm !== undefined) {
    if (f.immSize && fieldHolds(e.bytes, n - f.immFromEnd, f.immSize, shape.imm)) {
      t.immAt = n - f.immFromEnd;
      t.immSize = f.immSize;
    } else if (f.immSize || !immPinned(shape.imm)) return;
  }
  if (shape.disp !== undefined) {
    if (f.dispSize && fieldHolds(e.bytes, n - f.dispFromEnd, f.dispSize, shape.disp)) {
      t.dispAt = n - f.dispFromEnd;
      t.dispSize = f.dispSize;
    } else if (f.dispSize || !dispPinned(shape.disp)) return;
  }
  // Never two entries for one key in a chain (callers look up before they select, so this is only a guard).
  if (lookupTemplate(shape)) return;
  if (templates.size >= TEMPLATE_LIMIT) templates.clear();
  t.next = templates.get(shape.hash);
  templates.set(shape.hash, t);
}

/** Forgets every remembered shape (tests use it to make templates from different first statements). */
export function clearShapeCache(): void {
  templates.clear();
}

/** How many shapes are remembered. */
export function shapeCacheSize(): number {
  let n = 0;
  for (const first of templates.values()) for (let t: Template | undefined = first; t; t = t.next) n++;
  return n;
}
