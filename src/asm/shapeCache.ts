// Encodings remembered per statement shape (shape.ts): the first statement of a shape goes through the full
// selection, later ones copy its bytes and write their own immediate and displacement into the fields. A big
// file of distinct lines is mostly a few thousand shapes, so this skips nearly all candidate encoding.
import type { FieldSpans } from './encode.js';
import type { FixedForm, Selected } from './select.js';
import { dispPinned, immPinned, type Shape } from './shape.js';

/** A remembered encoding: its bytes as first selected, and where a statement's own numbers go. */
export interface Template {
  sel: FixedForm & { warnings: string[] };
  /** Offsets of the fields from the start of the encoding; size 0 when the shape has no such number. */
  immAt: number;
  immSize: number;
  dispAt: number;
  dispSize: number;
}

const templates = new Map<string, Template>();
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
  return templates.get(shape.key);
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
  const f = e.fields ?? NO_FIELDS;
  const n = e.bytes.length;
  const t: Template = { sel: { kind: 'fixed', encoded: { bytes: e.bytes.slice(), fixups: [] }, code: sel.code, warnings: [] }, immAt: 0, immSize: 0, dispAt: 0, dispSize: 0 };
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
  if (templates.size >= TEMPLATE_LIMIT) templates.clear();
  templates.set(shape.key, t);
}

/** Forgets every remembered shape (tests use it to make templates from different first statements). */
export function clearShapeCache(): void {
  templates.clear();
}

export function shapeCacheSize(): number {
  return templates.size;
}
