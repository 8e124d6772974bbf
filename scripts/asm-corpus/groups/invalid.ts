// Lines patchc must refuse. Most are GNU errors; some GNU only warns about and truncates
// ("0x1ff shortened to 0xff"), or even wraps silently (-129 into a byte): patchc refuses those too,
// because the bytes would not say what the source says.
import { GPR64, I, MEMSIZE, SUFFIX, addrRegs, gprs, imm, immTooWide, mem, raw, reg, sized, type Bits, type Item, type Width } from '../model.js';
import type { LineGroup } from './types.js';

export const invalidGroup: LineGroup = {
  name: 'invalid',
  format: 'lines',
  expect: 'refuse',
  items(bits: Bits): Item[] {
    const out: Item[] = [];
    const a = addrRegs(bits);
    const ws: Width[] = bits === 64 ? [8, 16, 32, 64] : [8, 16, 32];
    // Immediates too wide for the operand.
    for (const w of ws) {
      const regs = gprs(w, bits);
      for (const v of immTooWide(w)) {
        for (const op of ['mov', 'add', 'and', 'cmp', 'test']) {
          if (w === 64 && op === 'mov') continue; // mov r64 takes any 64-bit value (movabs)
          out.push(I(op, [reg(regs[0] ?? ''), imm(v)]), I(op, [reg(regs[3] ?? ''), imm(v)]));
        }
        out.push(I('mov', [sized(mem({ base: a[3] }), MEMSIZE[w]), imm(v)], { att: `mov${SUFFIX[w]}` }));
        out.push(I('sub', [sized(mem({ base: a[1], disp: 4n }), MEMSIZE[w]), imm(v)], { att: `sub${SUFFIX[w]}` }));
      }
    }
    if (bits === 64) out.push(I('mov', [reg('rax'), imm(0x10000000000000000n)]), I('movabs', [reg('rax'), imm(-0x8000000000000001n)]));
    out.push(raw('ret 0x10000', 'ret $0x10000'), raw('int 0x100', 'int $0x100'), raw('int -129', 'int $-129'), raw('in al, 0x100', 'in $0x100,%al'), raw('out 0x1ff, al', 'out %al,$0x1ff'));
    out.push(raw('enter 0x10000, 0', 'enter $0x10000,$0'), raw('enter 0, 0x100', 'enter $0,$0x100'), raw('shl eax, 0x100', 'shl $0x100,%eax'), raw('rol ecx, -129', 'rol $-129,%ecx'));
    out.push(raw('imul eax, ebx, 0x100000000', 'imul $0x100000000,%ebx,%eax'), raw('imul ax, bx, 0x10000', 'imul $0x10000,%bx,%ax'), raw('push 0x100000000', 'push $0x100000000'));
    out.push(raw('bt eax, 0x100', 'bt $0x100,%eax'), raw('pshufd xmm0, xmm1, 0x100', 'pshufd $0x100,%xmm1,%xmm0'));
    out.push(raw(`mov BYTE PTR [${a[0]}+0x100000000], 1`, `movb $1,0x100000000(%${a[0]})`), raw(`mov eax, [${a[0]}-0x80000001]`, `mov -0x80000001(%${a[0]}),%eax`));
    // Operand combinations that do not exist.
    out.push(raw(`mov DWORD PTR [${a[0]}], DWORD PTR [${a[3]}]`, `movl (%${a[3]}),(%${a[0]})`), raw('add bx, eax', 'add %eax,%bx'), raw('mov ax, al', 'mov %al,%ax'));
    out.push(raw('lea ebx, eax', 'lea %eax,%ebx'), raw('push al', 'push %al'), raw('pop al', 'pop %al'), raw('movzx eax, eax', 'movzx %eax,%eax'));
    out.push(raw(`lock mov DWORD PTR [${a[3]}], eax`, `lock mov %eax,(%${a[3]})`), raw('lock add eax, ebx', 'lock add %ebx,%eax'), raw('lock nop', 'lock nop'));
    out.push(raw('mov 1, eax', 'mov %eax,$1'), raw('add 5, eax', 'add %eax,$5'), raw('mov eax', 'movl %eax'), raw('mov eax, ebx, ecx', 'mov %ecx,%ebx,%eax'), raw('ret eax', 'ret %eax'));
    out.push(raw('mov eax, BYTE PTR [ebx]'.replace('ebx', a[3] ?? ''), `movl (%${a[3]}),%al`), raw(`add DWORD PTR [${a[0]}], bl`, `addl %bl,(%${a[0]})`));
    out.push(raw(`inc [${a[0]}]`, `inc (%${a[0]})`), raw(`mov [${a[0]}], 1`, `mov $1,(%${a[0]})`), raw(`shl [${a[0]}], 1`, `shl $1,(%${a[0]})`));
    out.push(raw('movq2 eax, ebx', 'movq2 %ebx,%eax'), raw('jmpx eax', 'jmpx *%eax'));
    out.push(raw(`mov ${a[0]}, ah`, `mov %ah,%${a[0]}`));
    out.push(raw(`mov eax, [${a[0]}+${a[1]}*3]`, `mov (%${a[0]},%${a[1]},3),%eax`), raw(`mov eax, [${a[0]}+${a[4]}*2]`, `mov (%${a[0]},%${a[4]},2),%eax`));
    out.push(raw('mov cr1, eax'.replace('eax', bits === 64 ? 'rax' : 'eax'), `mov %${bits === 64 ? 'rax' : 'eax'},%cr1`), raw('mov ax, cr0', 'mov %cr0,%ax'));
    out.push(raw('in al, bx', 'in (%bx),%al'), raw('out dx, bl', 'out %bl,(%dx)'), raw('in bl, dx', 'in (%dx),%bl'), raw('int eax', 'int %eax'));
    out.push(raw('xchg eax, 1', 'xchg $1,%eax'), raw('cmpxchg eax, 1', 'cmpxchg $1,%eax'), raw('bswap ax', 'bswap %ax'));
    out.push(raw('movaps xmm0, eax', 'movaps %eax,%xmm0'), raw('vaddps xmm0, ymm1, xmm2', 'vaddps %xmm2,%ymm1,%xmm0'), raw('fadd st(1), st(2)', 'fadd %st(2),%st(1)'), raw('fld st(8)', 'fld %st(8)'));
    out.push(raw('rep add eax, ebx', 'rep add %ebx,%eax'), raw('mov es, 1', 'mov $1,%es'), raw('pop cs', 'pop %cs'), raw('mov cs, ax', 'mov %ax,%cs'));
    if (bits === 32) {
      // 64-bit-only registers, instructions and addressing in 32-bit mode.
      for (const r of ['rax', 'r8', 'r8d', 'r15w', 'r9b', 'sil', 'dil', 'spl', 'bpl']) out.push(raw(`mov ${r}, 0`, `mov $0,%${r}`), raw(`push ${r}`, `push %${r}`));
      out.push(raw('mov eax, [rax]', 'mov (%rax),%eax'), raw('mov eax, [r8d]', 'mov (%r8d),%eax'), raw('mov eax, [rip+0x10]', 'mov 0x10(%rip),%eax'), raw('mov xmm8, xmm0', 'movaps %xmm0,%xmm8'));
      out.push(raw('swapgs'), raw('cdqe', 'cltq'), raw('cqo', 'cqto'), raw('iretq'), raw('sysretq'), raw('movsxd eax, ecx', 'movslq %ecx,%eax'), raw('movabs eax, 0x1122334455667788', 'movabs $0x1122334455667788,%eax'));
      out.push(raw('pushfq'), raw('cmpxchg16b [eax]', 'cmpxchg16b (%eax)'), raw('jrcxz 0', 'jrcxz 0'));
      out.push(raw('rdfsbase eax', 'rdfsbase %eax'), raw('mov eax, 0x100000000', 'mov $0x100000000,%eax'));
    } else {
      // Instructions and registers that no longer exist in 64-bit mode.
      for (const r of ['eax', 'ebx', 'esp']) out.push(raw(`push ${r}`, `push %${r}`), raw(`pop ${r}`, `pop %${r}`));
      for (const s of ['es', 'cs', 'ss', 'ds']) out.push(raw(`push ${s}`, `push %${s}`));
      out.push(raw('pop es', 'pop %es'), raw('pop ds', 'pop %ds'), raw('pop ss', 'pop %ss'));
      for (const op of ['pusha', 'popa', 'pushad', 'aaa', 'aas', 'daa', 'das', 'aam', 'aad', 'into', 'salc']) out.push(raw(op));
      out.push(raw('lds eax, [rbx]', 'lds (%rbx),%eax'), raw('les eax, [rbx]', 'les (%rbx),%eax'), raw('bound eax, [rbx]', 'bound (%rbx),%eax'), raw('jmp 0x10:0x1000', 'ljmp $0x10,$0x1000'));
      out.push(raw('mov ah, r8b', 'mov %r8b,%ah'), raw('mov sil, ah', 'mov %ah,%sil'), raw('add bh, dil', 'add %dil,%bh'), raw('movzx r8d, ah', 'movzbl %ah,%r8d'));
      out.push(raw('mov eax, [rax+ebx]', 'mov (%rax,%ebx),%eax'), raw('mov eax, [rsp*2]', 'mov (,%rsp,2),%eax'), raw('mov eax, [rip+rax]', 'mov (%rip,%rax),%eax'), raw('mov eax, [ax]', 'mov (%ax),%eax'));
      out.push(raw('movabs eax, 1', 'movabs $1,%eax'), raw('jecxz 0', 'jcxz 0'), raw('sysexit rax', 'sysexit %rax'), raw('call FWORD PTR 0x10:0x20', 'lcall $0x10,$0x20'));
      for (const r of GPR64.slice(0, 2)) out.push(raw(`mov ${r}, 0xffffffffffffffffff`, `mov $0xffffffffffffffffff,%${r}`));
    }
    return out;
  },
};
