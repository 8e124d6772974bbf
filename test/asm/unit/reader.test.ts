// The reader's shortcut for `ff 15 disp32` must say exactly what iced's decoder says for the same bytes.
import fc from 'fast-check';
import iced from 'iced-x86';
import { describe, expect, it } from 'vitest';
import { InstructionReader } from '../../../src/asm/reader.js';

function icedView(bitness: 32 | 64, bytes: Uint8Array, ip: bigint) {
  const d = new iced.Decoder(bitness, bytes, iced.DecoderOptions.None);
  d.ip = ip;
  const i = d.decode();
  const target = i.isIpRelMemoryOperand ? i.ipRelMemoryAddress : BigInt.asUintN(bitness, i.memoryDisplacement);
  const out = { length: i.length, call: i.flowControl === iced.FlowControl.IndirectCall, target };
  i.free();
  d.free();
  return out;
}

describe('InstructionReader fast path for call *disp32', () => {
  for (const bitness of [32, 64] as const) {
    it(`agrees with iced's decoder in ${bitness}-bit mode`, () => {
      fc.assert(
        fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.bigInt({ min: 0n, max: bitness === 64 ? 2n ** 64n - 7n : 2n ** 32n - 7n }), (disp, ip) => {
          const bytes = new Uint8Array([0xff, 0x15, disp & 0xff, (disp >> 8) & 0xff, (disp >> 16) & 0xff, (disp >>> 24) & 0xff]);
          const r = new InstructionReader(bitness, bytes);
          const mine = r.decodeAt(0, ip, 6);
          r.free();
          const ref = icedView(bitness, bytes, ip);
          expect(mine.length).toBe(ref.length);
          expect(mine.indirectCall).toBe(ref.call);
          expect(mine.memoryTarget).toBe(ref.target);
        }),
        { numRuns: 300, seed: 42 },
      );
    });
  }
});
