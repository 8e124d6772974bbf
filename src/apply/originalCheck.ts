// The before-check: a site that promises `call *SLOT` must hold exactly that, `len` bytes long, through
// its own slot of the ops table. The form every paravirt site has, `ff 15 disp32`, is recognised by
// comparing its displacement with the one its slot implies (plain numbers, per site); anything else is
// decoded, and the decoder's verdict (with its message) is the answer.
import { InstructionReader } from '../asm/reader.js';
import type { CodeRange } from './codeMap.js';
import type { OpsTableView } from './opsTable.js';

/** Bytes a decoder window spans: sites are checked in order, so one window serves many. */
const WINDOW = 64 * 1024;
/** The longest x86 instruction. */
const MAX_INSN = 15;

export class OriginalCheck {
  /** Per (slot, range): the displacement a canonical site at the range's start would hold; NaN: not yet. */
  private readonly expected: Float64Array;
  private window: { start: number; end: number; reader: InstructionReader } | undefined;

  constructor(
    /** The bytes as they were before this run wrote any site at or after the one being checked. */
    private readonly data: Uint8Array,
    private readonly bitness: 32 | 64,
    private readonly ops: OpsTableView | undefined,
    private readonly slots: number,
    private readonly ranges: number,
  ) {
    this.expected = new Float64Array(Math.max(1, slots * ranges)).fill(NaN);
  }

  /** Undefined when the site holds its call; otherwise why not. */
  check(fileOffset: number, range: CodeRange, rel: number, len: number, slot: number): string | undefined {
    const d = this.data;
    if (len === 6 && slot >= 0 && slot < this.slots && d[fileOffset] === 0xff && d[fileOffset + 1] === 0x15) {
      // ModRM 0x15 (mod 00, /2 = call, r/m 101): call *disp32(%rip) in 64-bit mode, call *disp32 in 32-bit.
      const disp = d[fileOffset + 2]! | (d[fileOffset + 3]! << 8) | (d[fileOffset + 4]! << 16) | (d[fileOffset + 5]! << 24);
      const want = this.expectedDisp(slot, range);
      if (this.bitness === 64 ? disp === want - rel : disp >>> 0 === want) return undefined;
    }
    return this.decode(fileOffset, range, range.start + BigInt(rel), len, slot);
  }

  /**
   * 64-bit: slot address - range start - 6 (the displacement is counted from the next instruction);
   * 32-bit: the slot's absolute address. Infinity when no site can match it (no slot address, or too far).
   */
  private expectedDisp(slot: number, range: CodeRange): number {
    const k = slot * this.ranges + range.id;
    let e = this.expected[k]!;
    if (Number.isNaN(e)) {
      const at = this.ops?.slotAddress(slot);
      if (at === undefined) e = Infinity;
      else if (this.bitness === 64) {
        const v = at - range.start - 6n;
        e = v >= -(2n ** 52n) && v <= 2n ** 52n ? Number(v) : Infinity;
      } else e = at <= 0xffffffffn ? Number(at) : Infinity;
      this.expected[k] = e;
    }
    return e;
  }

  /** The general check, by the decoder (over a window of the site's code range, never a whole section). */
  private decode(off: number, range: CodeRange, address: bigint, len: number, slot: number): string | undefined {
    const rangeEnd = range.offset + range.size;
    let w = this.window;
    if (!w || off < w.start || off >= w.end || (off + MAX_INSN > w.end && w.end !== rangeEnd) || w.start < range.offset || w.end > rangeEnd) {
      w?.reader.free();
      const end = Math.min(rangeEnd, off + WINDOW);
      w = this.window = { start: off, end, reader: new InstructionReader(this.bitness, this.data.subarray(off, end)) };
    }
    const reader = w.reader;
    const base = w.start;
    const dec = reader.decodeAt(off - base, address, len);
    if (dec.length === 0) {
      // An entry whose len is too short cuts its call: say so rather than "not valid" (rare; refusals only).
      const whole = reader.decodeAt(off - base, address);
      if (whole.indirectCall && whole.length > len) return `the indirect call is ${whole.length} bytes; the site says ${len}`;
      return `original bytes are not a valid instruction within the site's ${len} bytes`;
    }
    if (!dec.indirectCall) return 'original bytes are not an indirect call';
    if (dec.length !== len) return `the indirect call is ${dec.length} bytes; the site says ${len}`;
    const slotAddr = slot >= 0 ? this.ops?.slotAddress(slot) : undefined;
    if (slotAddr !== undefined && dec.memoryTarget !== slotAddr) {
      const through = dec.memoryTarget === undefined ? 'a register-based address' : `0x${dec.memoryTarget.toString(16)}`;
      return `the call goes through ${through}, not slot ${slot} of ${this.ops!.def.name} (0x${slotAddr.toString(16)})`;
    }
    return undefined;
  }

  free(): void {
    this.window?.reader.free();
    this.window = undefined;
  }
}
