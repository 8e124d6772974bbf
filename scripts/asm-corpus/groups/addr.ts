// Addressing forms and GNU pseudo-prefixes.
import { I, addrRegs, gprs, imm, mem, raw, reg, sized, type Bits, type Item, type MemOp } from '../model.js';
import type { LineGroup } from './types.js';

const DISPS = [0n, 1n, 0x7fn, 0x80n, -0x80n, -0x81n, 0xffn, 0x7fffn, 0x7fffffffn, -0x80000000n];

function addressForms(bits: Bits): MemOp[] {
  const a = addrRegs(bits);
  const forms: MemOp[] = [];
  // Every base, bare and with the disp8/disp32 edges: rbp/r13 need a disp, rsp/r12 need a SIB.
  for (const b of a) {
    forms.push(mem({ base: b }));
    for (const d of [0x7fn, 0x80n, -0x80n, -0x81n]) forms.push(mem({ base: b, disp: d }));
  }
  for (const d of DISPS) forms.push(mem({ base: a[3], disp: d }));
  // base + index*scale, every scale, rbp/r13 bases, r12/r13 as index.
  const idx = a.filter((r) => r !== 'rsp' && r !== 'esp');
  for (const s of [1, 2, 4, 8] as const) {
    idx.forEach((x, i) => { if ((i + s) % 2 === 0) forms.push(mem({ base: a[(i + 3) % a.length], index: x, scale: s })); });
    forms.push(mem({ base: a[5], index: a[1], scale: s }), mem({ base: a[4], index: a[5], scale: s, disp: 0x80n }));
    for (const d of [0x7fn, -0x80n, 0x80n, -0x81n]) forms.push(mem({ base: a[0], index: a[6], scale: s, disp: d }));
    // No base: index*scale + disp32.
    forms.push(mem({ index: a[2], scale: s }), mem({ index: a[7], scale: s, disp: 0x10n }), mem({ index: a[5], scale: s, disp: -8n }));
  }
  // Absolute addresses.
  for (const d of [0n, 0x80n, 0x7fn, 0x1000n, 0x7fffffffn]) forms.push(mem({ disp: d }));
  if (bits === 32) forms.push(mem({ disp: 0xffffffffn }), mem({ disp: 0x80000000n }));
  else forms.push(mem({ disp: -0x80000000n }), mem({ disp: -1n }));
  // Segment overrides, including the ones that name the default segment (GNU keeps the prefix).
  for (const s of ['es', 'cs', 'ss', 'ds', 'fs', 'gs']) {
    forms.push(mem({ seg: s, base: a[0] }), mem({ seg: s, base: a[5], disp: 8n }), mem({ seg: s, base: a[4] }), mem({ seg: s, disp: 0x28n }));
    forms.push(mem({ seg: s, base: a[1], index: a[2], scale: 4, disp: 0x10n }));
  }
  if (bits === 64) {
    // RIP-relative with a number, and 32-bit addressing (0x67) in 64-bit mode.
    for (const d of [0n, 1n, -4n, 0x80n, -0x80n, 0x7fffffffn, -0x80000000n]) forms.push(mem({ base: 'rip', disp: d }));
    forms.push(mem({ seg: 'fs', base: 'rip', disp: 0x10n }));
    forms.push(mem({ base: 'eax' }), mem({ base: 'ebp' }), mem({ base: 'esp', disp: 4n }), mem({ base: 'r13d' }), mem({ base: 'r12d', disp: -0x80n }));
    forms.push(mem({ base: 'eax', index: 'ecx', scale: 4, disp: 8n }), mem({ base: 'r8d', index: 'r15d', scale: 2 }), mem({ index: 'esi', scale: 8, disp: 0x100n }));
    forms.push(mem({ base: 'eip', disp: 0x10n }), mem({ disp: 0x12345678n, seg: 'gs' }));
  } else {
    // 16-bit addressing (0x67) in 32-bit mode.
    forms.push(mem({ base: 'bx', index: 'si' }), mem({ base: 'bx', index: 'di', disp: 8n }));
    forms.push(mem({ base: 'bp', index: 'si', disp: -0x80n }), mem({ base: 'bp', index: 'di', disp: 0x80n }));
    forms.push(mem({ base: 'si' }), mem({ base: 'di', disp: 0x1234n }), mem({ base: 'bp' }), mem({ base: 'bx' }));
  }
  return forms;
}

export const addressingGroup: LineGroup = {
  name: 'addressing',
  format: 'lines',
  expect: 'match',
  items(bits: Bits): Item[] {
    const out: Item[] = [];
    const r32 = gprs(32, bits);
    const rn = bits === 64 ? gprs(64, bits) : r32;
    addressForms(bits).forEach((m, i) => {
      out.push(I('mov', [reg(r32[i % r32.length] ?? ''), m]));
      if (i % 2 === 0) out.push(I('mov', [m, reg(rn[(i + 3) % rn.length] ?? '')]));
      if (i % 3 === 0) out.push(I('lea', [reg(rn[(i + 1) % rn.length] ?? ''), m]));
      if (i % 4 === 1) out.push(I('add', [sized(m, 'dword'), imm(1)], { att: 'addl' }));
      if (i % 5 === 2) out.push(I('movb', [sized(m, 'byte'), imm(0x41)], { mn: 'mov', att: 'movb' }));
    });
    return out;
  },
};

export const pseudoPrefixGroup: LineGroup = {
  name: 'pseudoprefix',
  format: 'lines',
  expect: 'match',
  items(bits: Bits): Item[] {
    const out: Item[] = [];
    const a = addrRegs(bits);
    const r = gprs(32, bits);
    const mems = [mem({ base: a[0] }), mem({ base: a[5] }), mem({ base: a[3], disp: 8n }), mem({ base: a[3], disp: 0x100n }), mem({ base: a[4], index: a[1], scale: 2 }), mem({ base: a[1], disp: -0x80n })];
    for (const p of ['{disp8}', '{disp32}']) {
      for (const m of mems) {
        out.push(I('mov', [reg(r[0] ?? ''), m], { prefix: p }), I('lea', [reg(r[2] ?? ''), m], { prefix: p }));
        out.push(I('add', [sized(m, 'dword'), imm(1)], { prefix: p, att: 'addl' }));
      }
    }
    // The other address size: 16-bit addressing has no disp32 (GNU rejects {disp32}), 32-bit addressing
    // in 64-bit mode does.
    const other = bits === 32
      ? [mem({ base: 'bx', index: 'si' }), mem({ base: 'bp' }), mem({ base: 'di', disp: 0x10n }), mem({ base: 'bp', index: 'di', disp: -0x80n })]
      : [mem({ base: 'eax' }), mem({ base: 'ebp' }), mem({ base: 'r13d', disp: 0x10n }), mem({ base: 'esp', index: 'ecx', scale: 2, disp: -0x80n })];
    for (const p of ['{disp8}', '{disp32}']) {
      for (const m of other) out.push(I('mov', [reg(r[0] ?? ''), m], { prefix: p }), I('add', [sized(m, 'word'), imm(1)], { prefix: p, att: 'addw' }));
    }
    // {load}/{store} choose between the two opcodes of a reg,reg operation.
    for (const p of ['{load}', '{store}']) {
      for (const op of ['mov', 'add', 'adc', 'sub', 'sbb', 'and', 'or', 'xor', 'cmp']) {
        out.push(I(op, [reg(r[0] ?? ''), reg(r[3] ?? '')], { prefix: p }), I(op, [reg('cl'), reg('dh')], { prefix: p }), I(op, [reg('bx'), reg('ax')], { prefix: p }));
        if (bits === 64) out.push(I(op, [reg('r9'), reg('rax')], { prefix: p }));
      }
      out.push(I('test', [reg(r[1] ?? ''), reg(r[2] ?? '')], { prefix: p }), I('xchg', [reg(r[1] ?? ''), reg(r[2] ?? '')], { prefix: p }));
      // The accumulator short form of xchg (90+r) against {load}/{store}.
      out.push(I('xchg', [reg('bx'), reg('ax')], { prefix: p }), I('xchg', [reg('ax'), reg('bx')], { prefix: p }), I('xchg', [reg(r[0] ?? ''), reg(r[6] ?? '')], { prefix: p }));
      out.push(raw(`${p} movaps xmm1, xmm2`, `${p} movaps %xmm2,%xmm1`), raw(`${p} movd eax, mm1`, `${p} movd %mm1,%eax`));
    }
    out.push(raw('{vex3} vaddps xmm0, xmm1, xmm2', '{vex3} vaddps %xmm2,%xmm1,%xmm0'), raw('{vex} vpxor xmm0, xmm1, xmm2', '{vex} vpxor %xmm2,%xmm1,%xmm0'));
    out.push(raw('{vex2} vmovaps xmm0, xmm1', '{vex2} vmovaps %xmm1,%xmm0'), raw('{vex3} vmovaps xmm0, xmm1', '{vex3} vmovaps %xmm1,%xmm0'));
    if (bits === 64) out.push(raw('{rex} mov eax, ebx', '{rex} mov %ebx,%eax'), raw('{rex} add eax, 1', '{rex} add $1,%eax'), raw('{rex} nop', '{rex} nop'));
    out.push(raw('{nooptimize} mov eax, 1', '{nooptimize} mov $1,%eax'));
    return out;
  },
};
