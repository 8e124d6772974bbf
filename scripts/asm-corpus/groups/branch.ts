// Branches to labels: small multi-line blocks, each assembled as a whole. Filler instructions push the
// targets across the rel8 / rel32 boundary (+127/+128 forward, -128/-129 backward from the next insn).
import { CC, CC_ALIASES, raw, type Bits, type Item } from '../model.js';
import type { BlockGroup } from './types.js';

/** n bytes of filler: 5-byte `mov $imm32,%eax` plus one-byte nops (same size in both modes). */
function filler(n: number): Item[] {
  const out: Item[] = [];
  for (let i = 0; i < Math.floor(n / 5); i++) out.push(raw('mov eax, 0x12345678', 'mov $0x12345678,%eax'));
  for (let i = 0; i < n % 5; i++) out.push(raw('nop'));
  return out;
}

const lbl = (name: string): Item => raw(`${name}:`);
const br = (op: string, target: string): Item => raw(`${op} ${target}`);

export const branchGroup: BlockGroup = {
  name: 'branch',
  format: 'blocks',
  expect: 'match',
  blocks(bits: Bits): Item[][] {
    const blocks: Item[][] = [];
    let n = 0;
    const L = (tag: string): string => `.L${n}_${tag}`;
    const jccs = [...CC, ...CC_ALIASES].map((c) => `j${c}`);
    const all = [...jccs, 'jmp'];
    for (const op of all) {
      // The condition-code aliases (jz, jnae, ...) are only other names: the boundary cases suffice.
      const alias = CC_ALIASES.includes(op.slice(1));
      // Forward: short with 0 and 127 bytes in between, near with 128.
      for (const gap of alias ? [127, 128] : [0, 3, 127, 128, 300]) {
        n++;
        blocks.push([br(op, L('f')), ...filler(gap), lbl(L('f'))]);
      }
      // Backward: the displacement counts from the end of the 2-byte short jump.
      for (const gap of alias ? [126, 127] : [0, 126, 127, 300]) {
        n++;
        blocks.push([lbl(L('b')), ...filler(gap), br(op, L('b'))]);
      }
    }
    for (const gap of [0, 10, 200]) {
      n++;
      blocks.push([raw(`call ${L('f')}`), ...filler(gap), lbl(L('f')), raw('ret')]);
      n++;
      blocks.push([lbl(L('b')), ...filler(gap), raw(`call ${L('b')}`)]);
    }
    const loops = ['loop', 'loope', 'loopne', 'loopz', 'loopnz', bits === 64 ? 'jrcxz' : 'jecxz', ...(bits === 64 ? ['jecxz'] : ['jcxz'])];
    for (const op of loops) {
      for (const gap of [0, 5, 127]) {
        n++;
        blocks.push([br(op, L('f')), ...filler(gap), lbl(L('f'))]);
        n++;
        blocks.push([lbl(L('b')), ...filler(gap), br(op, L('b'))]);
      }
      // Out of rel8 range: GNU refuses, so must patchc.
      n++;
      blocks.push([br(op, L('f')), ...filler(200), lbl(L('f'))]);
    }
    // `.`-relative targets (Intel also writes `$`): the statement's own start, relaxed like a label at both rel8
    // limits (a 2-byte short form reaches .-126 ... .+129; 3 bytes with the address-size prefix), and far
    // targets outside the block, which GNU still resolves within the section.
    const sign = (k: number): string => (k === 0 ? '' : k < 0 ? `-${-k}` : `+${k}`);
    const here = (op: string, k: number, dollar: boolean): Item => raw(`${op} ${dollar ? '$' : '.'}${sign(k)}`, `${op} .${sign(k)}`);
    const hereOps = ['jmp', 'je', 'jno', 'jg', 'call', ...loops, 'xbegin'];
    hereOps.forEach((op, i) => {
      for (const k of [-1000, -129, -128, -127, -126, -125, -10, 0, 2, 5, 127, 128, 129, 130, 131, 1000]) {
        n++;
        blocks.push([here(op, k, (n + i) % 2 === 0)]);
      }
    });
    // `.` among labels: a `.`-jump whose size decides whether a label jump across it stays short.
    for (const [gap, k] of [[120, 10], [120, 200], [123, 10], [123, 200]] as const) {
      n++;
      blocks.push([br('jmp', L('f')), ...filler(gap), here('jmp', k, false), lbl(L('f')), raw('ret')]);
    }
    n++;
    blocks.push([lbl(L('b')), raw('nop'), here('jmp', 3, true), raw('nop'), br('jz', L('b')), here('jmp', -5, false)]);
    n++;
    blocks.push([raw('call .+5', 'call .+5'), raw(bits === 64 ? 'pop rax' : 'pop eax', bits === 64 ? 'pop %rax' : 'pop %eax')]);
    // Numeric local labels, a jump to itself, labels sharing a line, chains whose sizes depend on each other.
    n++;
    blocks.push([raw('jmp 1f'), raw('nop'), raw('1:'), raw('jne 1b')]);
    n++;
    blocks.push([raw('2:'), raw('dec ecx', 'dec %ecx'), raw('jnz 2b')]);
    n++;
    blocks.push([raw(`${L('s')}: jmp ${L('s')}`)]);
    n++;
    blocks.push([raw(`${L('a')}: nop`), raw(`${L('b')}: jmp ${L('a')}`), raw(`je ${L('b')}`)]);
    for (const gap of [120, 124, 125, 126]) {
      n++;
      blocks.push([br('je', L('x')), br('jne', L('y')), ...filler(gap), lbl(L('x')), raw('nop'), lbl(L('y'))]);
    }
    n++;
    blocks.push([br('jmp', L('end')), lbl(L('loop')), raw('inc eax', 'inc %eax'), raw('cmp eax, 0x10', 'cmp $0x10,%eax'), br('jl', L('loop')), lbl(L('end')), raw('ret')]);
    return blocks;
  },
};
