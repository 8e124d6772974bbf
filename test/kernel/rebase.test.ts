// Re-basing a replacement from .altinstr_replacement to the code it patches.
import { describe, expect, it } from 'vitest';
import { rebaseReplacement } from '../../src/kernel/index.js';
import { fromHex, toHex } from '../../src/table/hex.js';

const FROM = 0xffffffff832a0000n; // where the replacement was linked
const TO = 0xffffffff81000000n; // the site

function bytes(hex: string): Uint8Array {
  return fromHex(hex)!;
}
/** rel32 little-endian of `target - (at + end)`. */
function rel32(target: bigint, next: bigint): string {
  const v = BigInt.asUintN(32, target - next);
  return toHex(Uint8Array.of(Number(v & 0xffn), Number((v >> 8n) & 0xffn), Number((v >> 16n) & 0xffn), Number((v >> 24n) & 0xffn)));
}

describe('rebaseReplacement', () => {
  it('keeps the target of a lone call rel32, as apply_alternatives() does, without flags', () => {
    const target = 0xffffffff81c00000n;
    const linked = bytes(`e8 ${rel32(target, FROM + 5n)}`);
    const r = rebaseReplacement(linked, FROM, TO, 64);
    expect(toHex(r.bytes)).toBe(`e8 ${rel32(target, TO + 5n)}`);
    expect(r.rebased).toEqual([`call at +0: target 0x${target.toString(16)}`]);
    expect(r.flags).toEqual([]);
  });

  it('re-bases jmp rel32 and says the 6.1 kernel may shorten it', () => {
    const target = 0xffffffff81000100n;
    const r = rebaseReplacement(bytes(`e9 ${rel32(target, FROM + 5n)}`), FROM, TO, 64);
    expect(toHex(r.bytes)).toBe(`e9 ${rel32(target, TO + 5n)}`);
    expect(r.flags.join()).toMatch(/recompute_jump/);
  });

  it('re-bases a call that is not the whole replacement, flagging that 6.1 itself would not', () => {
    const target = 0xffffffff81c00000n;
    const r = rebaseReplacement(bytes(`fa e8 ${rel32(target, FROM + 6n)}`), FROM, TO, 64);
    expect(toHex(r.bytes)).toBe(`fa e8 ${rel32(target, TO + 6n)}`);
    expect(r.flags.join()).toMatch(/copies it unchanged/);
  });

  it('re-bases RIP-relative operands and jcc rel32', () => {
    const data = 0xffffffff82000000n;
    const r = rebaseReplacement(bytes(`48 8b 05 ${rel32(data, FROM + 7n)} 0f 84 ${rel32(data, FROM + 13n)}`), FROM, TO, 64);
    expect(toHex(r.bytes)).toBe(`48 8b 05 ${rel32(data, TO + 7n)} 0f 84 ${rel32(data, TO + 13n)}`);
    expect(r.rebased.length).toBe(2);
  });

  it('leaves branches inside the replacement alone and flags rel8 branches that leave it', () => {
    const inside = rebaseReplacement(bytes('eb 01 90 c3'), FROM, TO, 64);
    expect(toHex(inside.bytes)).toBe('eb 01 90 c3');
    expect(inside.rebased).toEqual([]);
    expect(inside.flags).toEqual([]);
    const out = rebaseReplacement(bytes('eb 10'), FROM, TO, 64);
    expect(toHex(out.bytes)).toBe('eb 10');
    expect(out.flags.join()).toMatch(/1-byte displacement .* cannot be re-based/);
  });

  it('flags a target out of rel32 range from the site', () => {
    const r = rebaseReplacement(bytes(`e8 00 01 00 00`), 0x10000000n, 0xffffffff81000000n, 64);
    expect(r.flags.join()).toMatch(/out of rel32 range/);
  });

  it('leaves code without relative operands as it is', () => {
    const r = rebaseReplacement(bytes('9c 58'), FROM, TO, 64);
    expect(r).toEqual({ bytes: bytes('9c 58'), rebased: [], flags: [] });
  });
});
