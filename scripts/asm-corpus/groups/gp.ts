// General-purpose integer instructions.
import {
  I, MEMSIZE, SUFFIX, addrRegs, gprs, imm, immEdges, mem, raw, reg, sampleMems, sized, widths,
  CC, CC_ALIASES, GPR8_HIGH, type Bits, type Item, type Width,
} from '../model.js';
import { every, type LineGroup } from './types.js';

const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];

export const movGroup: LineGroup = {
  name: 'mov',
  format: 'lines',
  expect: 'match',
  items(bits: Bits): Item[] {
    const out: Item[] = [];
    for (const w of widths(bits)) {
      const regs = gprs(w, bits);
      regs.forEach((r, i) => {
        const src = regs[(i + 5) % regs.length] ?? r;
        out.push(I('mov', [reg(r), reg(src)], i % 2 ? { att: `mov${SUFFIX[w]}` } : {}));
      });
      for (const v of immEdges(w)) {
        out.push(I('mov', [reg(regs[0] ?? ''), imm(v)]));
        out.push(I('mov', [reg(regs[regs.length - 1] ?? ''), imm(v)]));
        out.push(I('mov', [sized(mem({ base: addrRegs(bits)[3] ?? '', disp: 8n }), MEMSIZE[w]), imm(v)], { att: `mov${SUFFIX[w]}` }));
      }
      for (const m of sampleMems(bits)) {
        out.push(I('mov', [reg(regs[1] ?? ''), m]));
        out.push(I('mov', [m, reg(regs[2] ?? '')]));
      }
      // The accumulator with an absolute address has its own (moffs) encoding in 32-bit mode.
      out.push(I('mov', [reg(regs[0] ?? ''), mem({ disp: 0x12345678n })]));
      out.push(I('mov', [mem({ disp: 0x12345678n }), reg(regs[0] ?? '')]));
    }
    out.push(I('mov', [reg('eax'), imm(12345, true)]), I('mov', [reg('ecx'), imm(-1, true)]));
    // The legacy high-byte registers, with partners that need no REX prefix.
    for (const h of GPR8_HIGH) {
      for (const o of ['al', 'bh', 'dl']) out.push(I('mov', [reg(h), reg(o)]), I('add', [reg(o), reg(h)]));
      out.push(I('mov', [reg(h), imm(0x80)]), I('movzx', [reg('eax'), reg(h)], { att: 'movzbl' }), I('mov', [reg(h), mem({ base: addrRegs(bits)[1] })]));
    }
    if (bits === 64) {
      for (const v of [0x7fffffffn, 0x80000000n, 0xffffffffn, -1n, 0x100000000n, 0x123456789abcdef0n, -0x8000000000000000n, 0x7fffffffffffffffn, 0xffffffffffffffffn]) {
        out.push(I('mov', [reg('rax'), imm(v)]), I('mov', [reg('r11'), imm(v)]));
        out.push(I('movabs', [reg('rcx'), imm(v)]), I('movabs', [reg('r15'), imm(v)]));
      }
      // moffs forms: a 64-bit absolute address with the accumulator of each width.
      for (const r of ['al', 'ax', 'eax', 'rax']) {
        out.push(I('movabs', [reg(r), mem({ disp: 0x1122334455667788n })]));
        out.push(I('movabs', [mem({ disp: 0x1122334455667788n }), reg(r)]));
        out.push(I('movabs', [reg(r), mem({ disp: 0x1000n })]));
      }
      out.push(I('movabs', [reg('eax'), mem({ seg: 'fs', disp: 0x28n })]));
    }
    // movzx / movsx: Intel names the source size with PTR, AT&T in the mnemonic.
    const ext = (intel: string, att: string, dw: Width, sw: Width): void => {
      const dregs = gprs(dw, bits);
      const sregs = gprs(sw, bits);
      dregs.forEach((d, i) => {
        const s = sregs[(i * 3) % sregs.length] ?? '';
        out.push(I(intel, [reg(d), reg(s)], { att }));
      });
      for (const m of sampleMems(bits)) out.push(I(intel, [reg(dregs[2] ?? ''), sized(m, MEMSIZE[sw])], { att }));
    };
    ext('movzx', 'movzbw', 16, 8);
    ext('movzx', 'movzbl', 32, 8);
    ext('movzx', 'movzwl', 32, 16);
    ext('movsx', 'movsbw', 16, 8);
    ext('movsx', 'movsbl', 32, 8);
    ext('movsx', 'movswl', 32, 16);
    if (bits === 64) {
      ext('movzx', 'movzbq', 64, 8);
      ext('movzx', 'movzwq', 64, 16);
      ext('movsx', 'movsbq', 64, 8);
      ext('movsx', 'movswq', 64, 16);
      ext('movsxd', 'movslq', 64, 32);
    }
    // AT&T also accepts the Intel names when a register fixes the sizes.
    out.push(raw('movzx eax, al', 'movzx %al,%eax'), raw('movsx ecx, bx', 'movsx %bx,%ecx'));
    out.push(raw('cbw', 'cbtw'), raw('cwde', 'cwtl'), raw('cwd', 'cwtd'), raw('cdq', 'cltd'));
    if (bits === 64) out.push(raw('cdqe', 'cltq'), raw('cqo', 'cqto'), raw('cdqe', 'cdqe'), raw('cqo', 'cqo'));
    // Segment registers.
    const gp32 = bits === 64 ? ['eax', 'r9d'] : ['eax', 'edi'];
    for (const s of ['es', 'cs', 'ss', 'ds', 'fs', 'gs']) {
      out.push(I('mov', [reg(gp32[0] ?? ''), reg(s)]), I('mov', [reg('dx'), reg(s)]));
      out.push(I('mov', [sized(mem({ base: addrRegs(bits)[3] ?? '' }), 'word'), reg(s)]));
      if (bits === 64) out.push(I('mov', [reg('rax'), reg(s)]));
      if (s === 'cs') continue;
      out.push(I('mov', [reg(s), reg(gp32[1] ?? '')]), I('mov', [reg(s), reg('ax')]));
      out.push(I('mov', [reg(s), sized(mem({ base: addrRegs(bits)[6] ?? '', disp: 4n }), 'word')]));
    }
    return out;
  },
};

export const aluGroup: LineGroup = {
  name: 'alu',
  format: 'lines',
  expect: 'match',
  items(bits: Bits): Item[] {
    const out: Item[] = [];
    const mems = sampleMems(bits);
    ALU.forEach((op, k) => {
      for (const w of widths(bits)) {
        const regs = gprs(w, bits);
        const sfx = `${op}${SUFFIX[w]}`;
        every(regs, 4, k).forEach((r, i) => out.push(I(op, [reg(r), reg(regs[(i + 7) % regs.length] ?? '')], i % 2 ? { att: sfx } : {})));
        // Every immediate edge on the accumulator (short form), another register, and memory for add;
        // the other ops take every third edge, so that all edges still meet every opcode row.
        const full = op === 'add';
        const edges = full ? immEdges(w) : every(immEdges(w), 3, k);
        edges.forEach((v, j) => {
          out.push(I(op, [reg(regs[0] ?? ''), imm(v)]));
          if (full || j % 2 === 0) out.push(I(op, [reg(regs[regs.length > 8 ? 9 : 3] ?? ''), imm(v)]));
          if (full || j % 2 === 1) out.push(I(op, [sized(mems[(k + Number(v & 3n)) % mems.length] ?? mems[0]!, MEMSIZE[w]), imm(v)], { att: sfx }));
        });
        for (const m of every(mems, 3, k)) {
          out.push(I(op, [reg(regs[2] ?? ''), m]));
          out.push(I(op, [m, reg(regs[1] ?? '')]));
        }
      }
    });
    // test has no sign-extended imm8 form and no reg<-mem direction.
    for (const w of widths(bits)) {
      const regs = gprs(w, bits);
      for (const v of immEdges(w)) {
        out.push(I('test', [reg(regs[0] ?? ''), imm(v)]), I('test', [reg(regs[regs.length - 1] ?? ''), imm(v)]));
      }
      every(regs, 3).forEach((r, i) => out.push(I('test', [reg(r), reg(regs[(i + 1) % regs.length] ?? '')])));
      for (const m of sampleMems(bits)) {
        out.push(I('test', [m, reg(regs[3] ?? '')]), I('test', [sized(m, MEMSIZE[w]), imm(0x41)], { att: `test${SUFFIX[w]}` }));
      }
    }
    return out;
  },
};

export const shiftGroup: LineGroup = {
  name: 'shift',
  format: 'lines',
  expect: 'match',
  items(bits: Bits): Item[] {
    const out: Item[] = [];
    const mems = sampleMems(bits);
    ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'].forEach((op, k) => {
      for (const w of widths(bits)) {
        const regs = gprs(w, bits);
        const r = regs[(k + 1) % regs.length] ?? '';
        const sfx = `${op}${SUFFIX[w]}`;
        const m = sized(mems[k % mems.length] ?? mems[0]!, MEMSIZE[w]);
        out.push(I(op, [reg(r), imm(1)]), I(op, [reg(r), reg('cl')]), I(op, [reg(r), imm(7)]));
        if (k % 2 === 0) out.push(I(op, [reg(r), imm(0)]), I(op, [reg(r), imm(31)]), I(op, [reg(r), imm(0xff)]));
        out.push(I(op, [reg(regs[0] ?? ''), imm(2)]), I(op, [m, imm(1)], { att: sfx }), I(op, [m, reg('cl')], { att: sfx }), I(op, [m, imm(5)], { att: sfx }));
        // AT&T: the one-operand form means "by 1".
        out.push(raw(`${op} ${r}, 1`, `${sfx} %${r}`));
      }
    });
    for (const op of ['shld', 'shrd']) {
      for (const w of widths(bits).filter((x) => x !== 8)) {
        const regs = gprs(w, bits);
        for (const [d, s] of [[0, 1], [3, 7], [regs.length - 1, 2]] as const) {
          out.push(I(op, [reg(regs[d] ?? ''), reg(regs[s] ?? ''), imm(4)]), I(op, [reg(regs[d] ?? ''), reg(regs[s] ?? ''), reg('cl')]));
        }
        out.push(I(op, [mems[1]!, reg(regs[2] ?? ''), imm(0x1f)]), I(op, [mems[3]!, reg(regs[2] ?? ''), reg('cl')]));
      }
    }
    return out;
  },
};

export const unaryGroup: LineGroup = {
  name: 'unary',
  format: 'lines',
  expect: 'match',
  items(bits: Bits): Item[] {
    const out: Item[] = [];
    const mems = sampleMems(bits);
    ['inc', 'dec', 'neg', 'not', 'mul', 'imul', 'div', 'idiv'].forEach((op, k) => {
      for (const w of widths(bits)) {
        const regs = gprs(w, bits);
        for (const r of every(regs, 3, k)) out.push(I(op, [reg(r)]));
        for (const m of every(mems, 3, k)) out.push(I(op, [sized(m, MEMSIZE[w])], { att: `${op}${SUFFIX[w]}` }));
      }
    });
    // imul: two- and three-operand forms (imm8 vs imm32 selection at the edges).
    for (const w of widths(bits).filter((x) => x !== 8)) {
      const regs = gprs(w, bits);
      every(regs, 2).forEach((r, i) => out.push(I('imul', [reg(r), reg(regs[(i + 3) % regs.length] ?? '')])));
      for (const m of every(mems, 2)) out.push(I('imul', [reg(regs[1] ?? ''), m]));
      immEdges(w).forEach((v, j) => {
        out.push(I('imul', [reg(regs[2] ?? ''), reg(regs[5] ?? ''), imm(v)]));
        if (j % 2 === 0) out.push(I('imul', [reg(regs[regs.length - 1] ?? ''), mems[3]!, imm(v)]));
        // Two-operand immediate form: GNU treats it as `imul $v, %r, %r`.
        if (j % 2 === 1) out.push(I('imul', [reg(regs[0] ?? ''), imm(v)]));
      });
    }
    return out;
  },
};

export const bitGroup: LineGroup = {
  name: 'bitops',
  format: 'lines',
  expect: 'match',
  items(bits: Bits): Item[] {
    const out: Item[] = [];
    const mems = sampleMems(bits);
    const ws = widths(bits).filter((x) => x !== 8);
    for (const op of ['bt', 'bts', 'btr', 'btc']) {
      for (const w of ws) {
        const regs = gprs(w, bits);
        out.push(I(op, [reg(regs[0] ?? ''), reg(regs[3] ?? '')]), I(op, [reg(regs[regs.length - 1] ?? ''), reg(regs[1] ?? '')]));
        out.push(I(op, [reg(regs[2] ?? ''), imm(0)]), I(op, [reg(regs[2] ?? ''), imm(w - 1)]), I(op, [reg(regs[6] ?? ''), imm(0x7f)]));
        out.push(I(op, [mems[1]!, reg(regs[2] ?? '')]), I(op, [sized(mems[3]!, MEMSIZE[w]), imm(3)], { att: `${op}${SUFFIX[w]}` }));
        if (op !== 'bt') out.push(I(op, [mems[4]!, reg(regs[0] ?? '')], { prefix: 'lock' }));
      }
    }
    for (const op of ['bsf', 'bsr', 'popcnt', 'lzcnt', 'tzcnt']) {
      for (const w of ws) {
        const regs = gprs(w, bits);
        out.push(I(op, [reg(regs[0] ?? ''), reg(regs[1] ?? '')]), I(op, [reg(regs[regs.length - 1] ?? ''), reg(regs[4] ?? '')]));
        out.push(I(op, [reg(regs[3] ?? ''), mems[2]!]));
      }
    }
    // setcc / cmovcc with every condition and the aliases.
    const r8 = gprs(8, bits);
    [...CC, ...CC_ALIASES].forEach((cc, i) => {
      out.push(I(`set${cc}`, [reg(r8[i % r8.length] ?? '')]));
      out.push(I(`set${cc}`, [sized(mems[i % mems.length]!, 'byte')], { att: `set${cc}` }));
      // The aliases are only other names: one width is enough for them.
      for (const w of CC.includes(cc) ? ws : [32 as Width]) {
        const regs = gprs(w, bits);
        out.push(I(`cmov${cc}`, [reg(regs[i % regs.length] ?? ''), reg(regs[(i + 5) % regs.length] ?? '')]));
      }
      out.push(I(`cmov${cc}`, [reg(gprs(32, bits)[1] ?? ''), mems[(i + 1) % mems.length]!]));
    });
    // xchg: the accumulator short forms (including xchg eax,eax which is not a nop in 64-bit mode).
    for (const w of widths(bits)) {
      const regs = gprs(w, bits);
      regs.forEach((r, i) => {
        out.push(I('xchg', [reg(regs[0] ?? ''), reg(r)]));
        if (i % 3 === 1) out.push(I('xchg', [reg(r), reg(regs[0] ?? '')]), I('xchg', [reg(r), reg(regs[(i + 2) % regs.length] ?? '')]));
      });
      out.push(I('xchg', [mems[1]!, reg(regs[2] ?? '')]), I('xchg', [reg(regs[2] ?? ''), mems[3]!]));
      out.push(I('xchg', [mems[2]!, reg(regs[3] ?? '')], { prefix: 'lock' }));
      for (const op of ['cmpxchg', 'xadd']) {
        out.push(I(op, [reg(regs[1] ?? ''), reg(regs[2] ?? '')]));
        out.push(I(op, [mems[0]!, reg(regs[3] ?? '')]), I(op, [mems[3]!, reg(regs[regs.length - 1] ?? '')], { prefix: 'lock' }));
      }
    }
    out.push(I('cmpxchg8b', [sized(mems[0]!, 'qword')], { att: 'cmpxchg8b' }));
    out.push(I('cmpxchg8b', [sized(mems[3]!, 'qword')], { att: 'cmpxchg8b', prefix: 'lock' }));
    if (bits === 64) out.push(I('cmpxchg16b', [sized(mems[1]!, 'xmmword')], { att: 'cmpxchg16b', prefix: 'lock' }));
    for (const r of [...gprs(32, bits), ...gprs(64, bits)]) out.push(I('bswap', [reg(r)]));
    return out;
  },
};

export const stackGroup: LineGroup = {
  name: 'stack',
  format: 'lines',
  expect: 'match',
  items(bits: Bits): Item[] {
    const out: Item[] = [];
    const mems = sampleMems(bits);
    const native = bits === 64 ? 64 : 32;
    for (const w of [16, native] as Width[]) {
      for (const r of gprs(w, bits)) out.push(I('push', [reg(r)]), I('pop', [reg(r)]));
      for (const m of mems) {
        out.push(I('push', [sized(m, MEMSIZE[w])], { att: `push${SUFFIX[w]}` }), I('pop', [sized(m, MEMSIZE[w])], { att: `pop${SUFFIX[w]}` }));
      }
    }
    for (const v of [0n, 1n, 0x7fn, 0x80n, -128n, -129n, 0xffn, 0x7fffn, 0x7fffffffn, -1n, -0x80000000n]) {
      out.push(I('push', [imm(v)], { att: bits === 64 ? 'pushq' : 'pushl' }));
      if (v >= -0x8000n && v <= 0xffffn) out.push(I('push', [imm(v)], { att: 'pushw', mn: 'pushw' }));
    }
    out.push(I('push', [imm(0x10)]), raw('push 0x1000', 'push $0x1000'));
    const segs = bits === 64 ? ['fs', 'gs'] : ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];
    for (const s of segs) {
      out.push(I('push', [reg(s)]));
      if (s !== 'cs') out.push(I('pop', [reg(s)]));
    }
    if (bits === 64) out.push(raw('pushf', 'pushf'), raw('popf', 'popf'), raw('pushfq', 'pushfq'), raw('popfq', 'popfq'), raw('pushfw', 'pushfw'), raw('popfw', 'popfw'));
    else out.push(raw('pushf'), raw('popf'), raw('pushfd', 'pushfl'), raw('popfd', 'popfl'), raw('pushfw'), raw('popfw'), raw('pushad', 'pushal'), raw('popad', 'popal'), raw('pusha'), raw('popa'), raw('pushaw'), raw('popaw'));
    out.push(raw('lahf'), raw('sahf'));
    // lea with every width of destination and assorted addresses.
    for (const w of widths(bits).filter((x) => x !== 8)) {
      const regs = gprs(w, bits);
      mems.forEach((m, i) => out.push(I('lea', [reg(regs[(i * 5) % regs.length] ?? ''), m])));
    }
    const a = addrRegs(bits);
    for (const s of [1, 2, 4, 8] as const) out.push(I('lea', [reg(gprs(32, bits)[0] ?? ''), mem({ base: a[1], index: a[2], scale: s })]));
    out.push(I('lea', [reg(gprs(32, bits)[0] ?? ''), mem({ index: a[0], scale: 8, disp: 0n })]));
    out.push(I('lea', [reg(gprs(32, bits)[0] ?? ''), mem({ base: a[0], index: a[0], scale: 1 })]));
    out.push(raw('enter 0x10, 0', 'enter $0x10,$0x0'), raw('enter 0xffff, 0x1f', 'enter $0xffff,$0x1f'), raw('enter 0, 1', 'enter $0,$1'), raw('leave'));
    if (bits === 64) out.push(raw('leave', 'leaveq'));
    else out.push(raw('leave', 'leavel'), raw('leavew', 'leavew'));
    return out;
  },
};
