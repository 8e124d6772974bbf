// Control transfer without labels, system instructions, string instructions, nops and fences.
import { I, MEMSIZE, SUFFIX, addrRegs, gprs, imm, mem, raw, reg, sampleMems, sized, type Bits, type Item, type Width } from '../model.js';
import type { LineGroup } from './types.js';

export const indirectGroup: LineGroup = {
  name: 'indirect',
  format: 'lines',
  expect: 'match',
  items(bits: Bits): Item[] {
    const out: Item[] = [];
    const native = bits === 64 ? 64 : 32;
    const ptr = bits === 64 ? 'qword' : 'dword';
    for (const op of ['jmp', 'call']) {
      for (const r of gprs(native as Width, bits)) out.push(I(op, [reg(r)], { indirect: true }));
      for (const m of sampleMems(bits)) {
        out.push(I(op, [sized(m, ptr)], { indirect: true }));
        out.push(I(op, [sized(m, ptr)], { indirect: true, att: `${op}${bits === 64 ? 'q' : 'l'}` }));
      }
      // Far indirect through memory (m16:32 / m16:64).
      out.push(I(op, [sized(sampleMems(bits)[0]!, 'fword')], { indirect: true, att: `l${op}` }));
    }
    out.push(raw('jmp FWORD PTR [ebx]'.replace('ebx', bits === 64 ? 'rbx' : 'ebx'), `ljmp *(%${bits === 64 ? 'rbx' : 'ebx'})`));
    out.push(raw('ret'), raw('ret 0x8', 'ret $0x8'), raw('ret 0', 'ret $0'), raw('ret 0xffff', 'ret $0xffff'), raw('ret 0x7f', 'ret $0x7f'));
    out.push(raw('retf', 'lret'), raw('retf 0x10', 'lret $0x10'));
    if (bits === 64) out.push(raw('ret', 'retq'), raw('ret 0x10', 'retq $0x10'), raw('retfq', 'lretq'));
    else out.push(raw('ret', 'retl'), raw('ret 0x10', 'retl $0x10'), raw('retw', 'retw'));
    out.push(raw('int3'), raw('int 3', 'int $3'), raw('int 0x80', 'int $0x80'), raw('int 0', 'int $0'), raw('int 0xff', 'int $0xff'), raw('int1'), raw('ud2'), raw('ud1 eax, ecx', 'ud1 %ecx,%eax'), raw('ud0 eax, ecx', 'ud0 %ecx,%eax'));
    if (bits === 32) {
      out.push(raw('into'), raw('jmp 0x10:0x12345678', 'ljmp $0x10,$0x12345678'), raw('call 0x8:0x1000', 'lcall $0x8,$0x1000'));
      out.push(raw('bound eax, [ebx]', 'bound %eax,(%ebx)'), raw('aaa'), raw('aas'), raw('daa'), raw('das'), raw('aam'), raw('aad'), raw('aam 0x10', 'aam $0x10'));
    }
    return out;
  },
};

export const systemGroup: LineGroup = {
  name: 'system',
  format: 'lines',
  expect: 'match',
  items(bits: Bits): Item[] {
    const out: Item[] = [];
    const gpn = bits === 64 ? ['rax', 'rbx', 'r9', 'rdi'] : ['eax', 'ebx', 'ecx', 'edi'];
    for (const cr of ['cr0', 'cr2', 'cr3', 'cr4', ...(bits === 64 ? ['cr8'] : [])]) {
      for (const g of gpn) out.push(I('mov', [reg(g), reg(cr)]), I('mov', [reg(cr), reg(g)]));
    }
    for (let d = 0; d < 8; d++) {
      out.push(I('mov', [reg(gpn[d % 4] ?? ''), reg(`dr${d}`)]));
      out.push(I('mov', [reg(`dr${d}`), reg(gpn[(d + 1) % 4] ?? '')]));
    }
    const m = sampleMems(bits);
    out.push(raw('rdmsr'), raw('wrmsr'), raw('cpuid'), raw('rdtsc'), raw('rdtscp'), raw('rdpmc'), raw('hlt'), raw('cli'), raw('sti'));
    out.push(raw('clac'), raw('stac'), raw('wbinvd'), raw('invd'), raw('clts'), raw('sysenter'), raw('sysexit'), raw('iret'), raw('iretd', 'iretl'), raw('iretw'));
    out.push(raw('xgetbv'), raw('xsetbv'), raw('monitor'), raw('mwait'), raw('rdpid eax'.replace('eax', gpn[0] ?? ''), `rdpid %${gpn[0]}`));
    if (bits === 64) {
      out.push(raw('swapgs'), raw('syscall'), raw('sysret', 'sysretl'), raw('sysretq'), raw('sysretd', 'sysretl'), raw('iretq'), raw('sysexitq'), raw('sysexit', 'sysexitl'));
      out.push(raw('rdfsbase rax', 'rdfsbase %rax'), raw('wrgsbase r12', 'wrgsbase %r12'), raw('rdgsbase eax', 'rdgsbase %eax'), raw('wrfsbase rdi', 'wrfsbase %rdi'));
    } else {
      out.push(raw('sysexit'), raw('iret', 'iretl'));
    }
    for (const op of ['lgdt', 'lidt', 'sgdt', 'sidt']) {
      for (const x of [m[0]!, m[3]!, m[4]!]) out.push(I(op, [x]));
    }
    for (const op of ['ltr', 'lldt', 'verr', 'verw', 'lmsw']) {
      out.push(I(op, [reg('ax')]), I(op, [reg('dx')]), I(op, [sized(m[1]!, 'word')], { att: op }), I(op, [sized(m[3]!, 'word')], { att: `${op}w` }));
    }
    for (const op of ['str', 'sldt', 'smsw']) {
      out.push(I(op, [reg('ax')]), I(op, [reg(gpn[0] ?? '')]), I(op, [sized(m[2]!, 'word')], { att: op }));
    }
    for (const op of ['lar', 'lsl']) out.push(I(op, [reg(gprs(32, bits)[0] ?? ''), reg('cx')]), I(op, [reg('ax'), reg('dx')]), I(op, [reg(gprs(32, bits)[1] ?? ''), sized(m[0]!, 'word')]));
    for (const x of m) out.push(I('invlpg', [sized(x, 'byte')], { att: 'invlpg' }));
    out.push(I('invpcid', [reg(gpn[0] ?? ''), sized(m[0]!, 'xmmword')], { att: 'invpcid' }));
    out.push(raw('clflush BYTE PTR [eax]'.replace('eax', addrRegs(bits)[0] ?? ''), `clflush (%${addrRegs(bits)[0]})`));
    out.push(raw('clflushopt BYTE PTR [ecx]'.replace('ecx', addrRegs(bits)[1] ?? ''), `clflushopt (%${addrRegs(bits)[1]})`));
    out.push(raw('clwb BYTE PTR [edx]'.replace('edx', addrRegs(bits)[2] ?? ''), `clwb (%${addrRegs(bits)[2]})`));
    // Port I/O: immediate and dx forms, all widths.
    for (const [acc, w] of [['al', 8], ['ax', 16], ['eax', 32]] as const) {
      for (const p of [0n, 0x60n, 0x80n, 0xffn]) out.push(I('in', [reg(acc), imm(p)]), I('out', [imm(p), reg(acc)]));
      out.push(I('in', [reg(acc), reg('dx')]), I('out', [reg('dx'), reg(acc)]));
      out.push(raw(`in${SUFFIX[w]} dx`.replace(/^in[bwl] dx$/, `in ${acc}, dx`), `in${SUFFIX[w]} (%dx),%${acc}`));
      out.push(raw(`out dx, ${acc}`, `out${SUFFIX[w]} %${acc},(%dx)`));
    }
    return out;
  },
};

export const stringGroup: LineGroup = {
  name: 'string',
  format: 'lines',
  expect: 'match',
  items(bits: Bits): Item[] {
    const out: Item[] = [];
    const ws: Width[] = bits === 64 ? [8, 16, 32, 64] : [8, 16, 32];
    const intelSfx: Record<Width, string> = { 8: 'b', 16: 'w', 32: 'd', 64: 'q' };
    const a = bits === 64 ? 'r' : 'e';
    for (const op of ['movs', 'stos', 'lods', 'cmps', 'scas', 'ins', 'outs']) {
      const prefixes = op === 'cmps' || op === 'scas' ? ['', 'repe', 'repne', 'repz', 'repnz', 'rep'] : ['', 'rep'];
      for (const w of ws) {
        if ((op === 'ins' || op === 'outs') && w === 64) continue;
        for (const p of prefixes) {
          const pre = p ? `${p} ` : '';
          out.push(raw(`${pre}${op}${intelSfx[w]}`, `${pre}${op}${SUFFIX[w]}`));
        }
      }
      // Explicit-operand forms, including a segment override on the source.
      const size = (w: Width): string => `${MEMSIZE[w].toUpperCase()} PTR `;
      for (const w of [8, 32] as Width[]) {
        const S = SUFFIX[w];
        if (op === 'movs') {
          out.push(raw(`movs ${size(w)}es:[${a}di], ${size(w)}[${a}si]`, `movs${S} (%${a}si),%es:(%${a}di)`));
          out.push(raw(`movs ${size(w)}es:[${a}di], ${size(w)}fs:[${a}si]`, `movs${S} %fs:(%${a}si),%es:(%${a}di)`));
          out.push(raw(`rep movs ${size(w)}es:[${a}di], ${size(w)}ds:[${a}si]`, `rep movs${S} %ds:(%${a}si),%es:(%${a}di)`));
        } else if (op === 'lods') {
          out.push(raw(`lods ${size(w)}[${a}si]`, `lods${S} (%${a}si)`), raw(`lods ${size(w)}gs:[${a}si]`, `lods${S} %gs:(%${a}si)`));
        } else if (op === 'stos') {
          out.push(raw(`stos ${size(w)}es:[${a}di]`, `stos${S} %es:(%${a}di)`));
        } else if (op === 'scas') {
          out.push(raw(`repne scas ${size(w)}es:[${a}di]`, `repne scas${S} %es:(%${a}di)`));
        } else if (op === 'cmps') {
          out.push(raw(`repe cmps ${size(w)}[${a}si], ${size(w)}es:[${a}di]`, `repe cmps${S} %es:(%${a}di),(%${a}si)`));
        }
      }
    }
    // Address-size override on string ops.
    if (bits === 64) out.push(raw('addr32 rep movsb', 'addr32 rep movsb'), raw('rep stos BYTE PTR es:[edi]', 'rep stosb %es:(%edi)'));
    else out.push(raw('addr16 rep movsb', 'addr16 rep movsb'), raw('rep stos BYTE PTR es:[di]', 'rep stosb %es:(%di)'));
    out.push(raw('cld'), raw('std'), raw('clc'), raw('stc'), raw('cmc'));
    out.push(raw('xlatb'), raw(`xlat BYTE PTR [${a}bx]`, `xlat (%${a}bx)`));
    return out;
  },
};

export const miscGroup: LineGroup = {
  name: 'misc',
  format: 'lines',
  expect: 'match',
  items(bits: Bits): Item[] {
    const out: Item[] = [];
    const a = addrRegs(bits);
    out.push(raw('lfence'), raw('mfence'), raw('sfence'), raw('pause'), raw('nop'), raw('fwait'), raw('wait'));
    out.push(raw('xchg ax, ax', 'xchg %ax,%ax'), raw('data16 nop', 'data16 nop'), raw('nop eax', 'nop %eax'), raw('nop ax', 'nop %ax'));
    if (bits === 64) out.push(raw('nop rax', 'nop %rax'), raw('xchg eax, eax', 'xchg %eax,%eax'), raw('xchg rax, rax', 'xchg %rax,%rax'), raw('xchg r8, rax', 'xchg %rax,%r8'));
    else out.push(raw('xchg eax, eax', 'xchg %eax,%eax'));
    // The multi-byte NOPs compilers emit, in their usual spellings.
    const nops: Array<[string, string]> = [
      [`nop DWORD PTR [${a[0]}]`, `nopl (%${a[0]})`],
      [`nop DWORD PTR [${a[0]}+0x0]`, `nopl 0x0(%${a[0]})`],
      [`nop DWORD PTR [${a[0]}+${a[0]}*1+0x0]`, `nopl 0x0(%${a[0]},%${a[0]},1)`],
      [`nop WORD PTR [${a[0]}+${a[0]}*1+0x0]`, `nopw 0x0(%${a[0]},%${a[0]},1)`],
      [`nop DWORD PTR [${a[0]}+0x00000000]`, `nopl 0x00000000(%${a[0]})`],
      [`nop DWORD PTR [${a[0]}+${a[0]}*1+0x00000000]`, `nopl 0x00000000(%${a[0]},%${a[0]},1)`],
      [`nop WORD PTR [${a[0]}+${a[0]}*1+0x00000000]`, `nopw 0x00000000(%${a[0]},%${a[0]},1)`],
      [`nop DWORD PTR [${a[0]}+0x8]`, `nopl 0x8(%${a[0]})`],
      [`nop WORD PTR [${a[3]}+${a[6]}*4+0x12345678]`, `nopw 0x12345678(%${a[3]},%${a[6]},4)`],
      [`nop DWORD PTR [${a[0]}+0x80]`, `nopl 0x80(%${a[0]})`],
      [`data16 cs nop WORD PTR [${a[0]}+${a[0]}*1+0x0]`, `data16 cs nopw 0x0(%${a[0]},%${a[0]},1)`],
      [`data16 data16 cs nop WORD PTR [${a[0]}+${a[0]}*1+0x0]`, `data16 data16 cs nopw 0x0(%${a[0]},%${a[0]},1)`],
      [`nop WORD PTR cs:[${a[0]}+${a[0]}*1+0x0]`, `nopw %cs:0x0(%${a[0]},%${a[0]},1)`],
      [`nop WORD PTR [${a[0]}]`, `nopw (%${a[0]})`],
      [`xchg ax, ax`, `xchgw %ax,%ax`],
    ];
    for (const [i, t] of nops) out.push(raw(i, t));
    // lock prefix in its valid places (memory destination of RMW ops).
    const m = mem({ base: a[3], disp: 0x10n });
    for (const op of ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor']) {
      out.push(I(op, [m, reg(gprs(32, bits)[1] ?? '')], { prefix: 'lock' }), I(op, [sized(m, 'dword'), imm(1)], { prefix: 'lock', att: `${op}l` }));
    }
    for (const op of ['inc', 'dec', 'neg', 'not']) out.push(I(op, [sized(m, 'dword')], { prefix: 'lock', att: `${op}l` }), I(op, [sized(m, 'byte')], { prefix: 'lock', att: `${op}b` }));
    if (bits === 64) out.push(I('add', [m, reg('rax')], { prefix: 'lock' }), I('inc', [sized(m, 'qword')], { prefix: 'lock', att: 'incq' }));
    out.push(raw(`lock xadd DWORD PTR [${a[7]}], eax`, `lock xadd %eax,(%${a[7]})`));
    out.push(raw(`prefetcht0 BYTE PTR [${a[0]}]`, `prefetcht0 (%${a[0]})`), raw(`prefetchnta BYTE PTR [${a[1]}+0x40]`, `prefetchnta 0x40(%${a[1]})`));
    out.push(raw(`prefetchw BYTE PTR [${a[0]}]`, `prefetchw (%${a[0]})`));
    out.push(raw('rdrand eax', 'rdrand %eax'), raw('rdseed ecx', 'rdseed %ecx'), raw('endbr64'), raw('endbr32'));
    for (const w of [16, 32] as Width[]) out.push(I('movbe', [reg(gprs(w, bits)[0] ?? ''), mem({ base: a[1] })]), I('movbe', [mem({ base: a[1] }), reg(gprs(w, bits)[2] ?? '')]));
    return out;
  },
};
