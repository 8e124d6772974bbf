// The patch loop's number-only forms against the general ones they stand in for: RelocPlan against
// relocate() (values, overflows, wrapping), OriginalCheck's `ff 15 disp32` test against the decoder,
// on random inputs around every boundary.
import { describe, expect, it } from 'vitest';
import { InstructionReader } from '../../src/asm/reader.js';
import type { CodeRange } from '../../src/apply/codeMap.js';
import type { OpsTableView } from '../../src/apply/opsTable.js';
import { OriginalCheck } from '../../src/apply/originalCheck.js';
import { relocate } from '../../src/apply/relocate.js';
import { RelocPlan } from '../../src/apply/relocPlan.js';
import type { PatchEntry } from '../../src/table/types.js';

/** A small deterministic PRNG (xorshift32): failures must be reproducible. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  return { next, below: (n: number) => next() % n, big: () => (BigInt(next()) << 32n) | BigInt(next()) };
}

function range(start: bigint, size: number, offset = 0x1000): CodeRange {
  return { id: 0, start, end: start + BigInt(size), offset, size, startHi: Number(start >> 32n), startLo: Number(start & 0xffffffffn), name: '.text' };
}

function entry(bytes: number[], relocations: PatchEntry['relocations']): PatchEntry {
  return { bytes: Uint8Array.from(bytes), relocations } as unknown as PatchEntry;
}

describe('RelocPlan gives relocate()’s bytes, and refuses where it refuses', () => {
  const shapes: { name: string; e: PatchEntry }[] = [
    { name: 'call rel32', e: entry([0xe8, 0, 0, 0, 0, 0x90], [{ offset: 1, size: 4, pcRelative: true, symbol: 'target', addend: -4 }]) },
    { name: 'jmp rel8', e: entry([0xeb, 0], [{ offset: 1, size: 1, pcRelative: true, symbol: 'target', addend: -1 }]) },
    { name: 'rel16 + abs32 + abs64', e: entry([0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0], [
      { offset: 0, size: 2, pcRelative: true, symbol: 'target', addend: -2 },
      { offset: 2, size: 4, pcRelative: false, symbol: 'target', addend: 8 },
      { offset: 6, size: 8, pcRelative: false, symbol: 'target', addend: 0 },
    ]) },
  ];
  for (const bits of [64, 32] as const) {
    for (const { name, e } of shapes) {
      it(`${bits}-bit ${name}`, () => {
        const r = rng(bits * 7 + name.length);
        const mask = bits === 64 ? (1n << 64n) - 1n : 0xffffffffn;
        for (let t = 0; t < 3000; t++) {
          // Ranges and targets near each other (fits), far apart (overflows), and around the 2^31 edge.
          const start = r.big() & mask & ~0xfffn;
          const size = 1 + r.below(1 << 20);
          const pick = r.below(4);
          const near = (start + BigInt(r.below(1 << 22)) - BigInt(1 << 21)) & mask;
          const edge = (start + (1n << 31n) - BigInt(r.below(1 << 21))) & mask;
          const address = pick === 0 ? r.big() & mask : pick === 1 ? near : pick === 2 ? edge : (start + BigInt(size) + 0x7fffff00n) & mask;
          const target = { address };
          const plan = RelocPlan.create(e, target, undefined, bits);
          const rg = range(start, size);
          const rel = r.below(size);
          const want = relocate(e, start + BigInt(rel), target, undefined, bits);
          const fields = plan?.fieldsFor(rg) ?? null;
          if (!plan || !fields) continue; // relocate() itself handles these sites
          const out = plan.bytes.slice();
          const ok = RelocPlan.fill(fields, rel, out);
          expect(ok, `target 0x${address.toString(16)} at 0x${(start + BigInt(rel)).toString(16)}`).toBe(want.ok);
          if (ok && want.ok) {
            expect([...out]).toEqual([...want.bytes]);
            expect(RelocPlan.fieldsReach(fields, rel, out)).toBe(true);
          }
        }
      });
    }
  }

  it('a field read back from other bytes does not reach its target', () => {
    const e = shapes[0]!.e;
    const plan = RelocPlan.create(e, { address: 0x401000n }, undefined, 64)!;
    const fields = plan.fieldsFor(range(0x400000n, 0x10000))!;
    const out = plan.bytes.slice();
    expect(RelocPlan.fill(fields, 0x20, out)).toBe(true);
    out[2]! ^= 1;
    expect(RelocPlan.fieldsReach(fields, 0x20, out)).toBe(false);
  });
});

describe('OriginalCheck agrees with the decoder', () => {
  for (const bitness of [64, 32] as const) {
    it(`${bitness}-bit: canonical, wrong-slot, cut and other sites`, () => {
      const r = rng(bitness);
      const size = 6 * 4000;
      const data = new Uint8Array(0x1000 + size);
      const start = bitness === 64 ? 0xffffffff81000000n : 0x8048000n;
      const rg = range(start, size);
      const opsBase = bitness === 64 ? start + 0x200000n : 0x9000000n;
      const ops = { slotAddress: (s: number) => opsBase + BigInt(s * (bitness / 8)), def: { name: 'ops' } } as unknown as OpsTableView;
      const cases: { rel: number; len: number; slot: number }[] = [];
      for (let i = 0; i < 4000; i++) {
        const rel = i * 6;
        const at = rg.offset + rel;
        const slot = r.below(8);
        const disp = bitness === 64 ? Number(ops.slotAddress(slot)! - (start + BigInt(rel) + 6n)) : Number(ops.slotAddress(slot));
        data.set([0xff, 0x15, disp & 0xff, (disp >> 8) & 0xff, (disp >> 16) & 0xff, (disp >>> 24) & 0xff], at);
        const kind = r.below(6);
        if (kind === 1) data[at + 2 + r.below(4)]! ^= 1 << r.below(8); // another slot or address
        if (kind === 2) data[at + r.below(2)] = r.below(256); // another instruction
        const len = kind === 3 ? 1 + r.below(8) : 6;
        cases.push({ rel, len, slot: kind === 4 ? r.below(8) : slot });
      }
      const check = new OriginalCheck(data, bitness, ops, 8, 1);
      const reader = new InstructionReader(bitness, data.subarray(rg.offset, rg.offset + size));
      try {
        for (const { rel, len, slot } of cases) {
          const address = start + BigInt(rel);
          const d = reader.decodeAt(rel, address, len);
          const ok = d.length === len && d.indirectCall && d.memoryTarget === ops.slotAddress(slot);
          expect(check.check(rg.offset + rel, rg, rel, len, slot) === undefined, `site +0x${rel.toString(16)}`).toBe(ok);
        }
      } finally {
        reader.free();
        check.free();
      }
    });
  }
});
