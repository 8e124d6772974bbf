// Test lines for the encoding comparison against GNU as. Kept as plain text so a failure names the line.

const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp', 'mov', 'test'];
const IMMS = ['0', '1', '-1', '0x7f', '0x80', '-0x80', '-0x81', '0xff', '0x100', '0x7fff', '0x8000', '0xffff', '0x7fffffff', '0x80000000', '0xffffffff', '-0x80000000'];

function att64(): string[] {
  const out: string[] = [];
  const regs: Record<string, string[]> = {
    b: ['%al', '%cl', '%ah', '%sil', '%r10b'],
    w: ['%ax', '%cx', '%sp', '%r9w'],
    l: ['%eax', '%ecx', '%esp', '%ebp', '%r8d', '%r13d'],
    q: ['%rax', '%rcx', '%rsp', '%rbp', '%r8', '%r12', '%r13', '%r15'],
  };
  const mems = ['(%rax)', '8(%rbx)', '-8(%rbp)', '(%rsp)', '(%rbp)', '(%r12)', '(%r13)', '0x100(%rcx)', '(%rax,%rbx,4)',
    '0x10(%rsp,%rcx,8)', '(,%rdx,2)', '0x1234', '%fs:0x28', '%gs:(%rax)', '-0x80(%rsi)', '0x7f(%rdi)', '0x80(%rdi)',
    '8(%r13,%r12,2)', '0x10(%rip)', '-4(%rip)', '(%eax)', '8(%r8d)', '(%rsp,%rbp)'];
  for (const op of ALU) {
    for (const [sfx, rs] of Object.entries(regs)) {
      out.push(`${op} ${rs[1]},${rs[0]}`, `${op} ${rs[0]},${rs[rs.length - 1]}`, `${op} ${rs[2]},${rs[3]}`);
      for (const m of mems.slice(0, 12)) out.push(`${op} ${rs[1]},${m}`);
      for (const m of mems.slice(12)) out.push(`${op} ${m},${rs[2]}`);
      for (const i of IMMS) out.push(`${op}${sfx} $${i},${rs[0]}`, `${op}${sfx} $${i},${rs[1]}`);
      for (const i of IMMS.slice(0, 6)) out.push(`${op}${sfx} $${i},8(%rax)`);
    }
  }
  for (const op of ['inc', 'dec', 'neg', 'not', 'mul', 'imul', 'div', 'idiv']) {
    out.push(`${op} %al`, `${op} %r9w`, `${op} %ecx`, `${op} %r15`, `${op}b (%rax)`, `${op}w 2(%rbx)`, `${op}l (%rsp)`, `${op}q 8(%r12)`);
  }
  for (const op of ['shl', 'shr', 'sar', 'sal', 'rol', 'ror', 'rcl', 'rcr']) {
    out.push(`${op} $1,%eax`, `${op} $2,%cl`, `${op} %cl,%r8`, `${op} %edx`, `${op}w $3,(%rax)`, `${op}q (%rax)`, `${op} %cl,%dx`);
  }
  out.push(
    'imul %ecx,%edx', 'imul $5,%eax', 'imul $500,%ecx,%edx', 'imul (%rax),%r8', 'imul $-3,8(%rbx),%ax', 'imul $0x80,%rax,%rbx',
    'mov $1,%rax', 'mov $-1,%rax', 'mov $0xffffffff,%rax', 'mov $0x80000000,%rax', 'mov $0x100000000,%rax', 'movabs $1,%rax',
    'movabs $0x1122334455667788,%rax', 'movabs 0x1122334455667788,%al', 'movabs %eax,0x1122334455667788', 'movabs 0x10,%rax',
    'mov 0x1234,%eax', 'mov %eax,0x1234', 'mov 0x1234,%al', 'mov %fs:0x28,%rax', 'mov %ds:(%rax),%eax', 'mov %ss:(%rbp),%eax',
    'mov %ds:(%rbp),%eax', 'mov %ss:(%rax),%eax', 'mov %es:(%rax),%eax', 'mov %cs:8(%rsp),%eax', 'mov %gs:8(%rsp),%eax',
    'mov %cr0,%rax', 'mov %rax,%cr3', 'mov %cr4,%r8', 'mov %r9,%cr8', 'mov %dr7,%rax', 'mov %rax,%dr0',
    'mov %ds,%ax', 'mov %ds,%eax', 'mov %ax,%ds', 'mov %eax,%es', 'mov %fs,(%rax)', 'mov (%rax),%gs', 'movw %ss,(%rax)', 'mov %es,%rbx',
    'movzbl %al,%eax', 'movzbw %al,%ax', 'movzwl %ax,%eax', 'movsbl %al,%eax', 'movswl %ax,%eax', 'movsbw %al,%ax', 'movzbl (%rax),%ecx',
    'movzwl 8(%rax),%ecx', 'movzx %al,%eax', 'movsx %ax,%ecx', 'movzx (%rax),%eax', 'movsbl %ah,%edx', 'movzbq %al,%rax', 'movzwq %ax,%rax',
    'movsbq %al,%rax', 'movswq (%rax),%rax', 'movslq %eax,%rax', 'movslq (%rdi),%rax', 'movsxd %eax,%rax', 'cltq', 'cqto', 'cwtl',
    'cltd', 'cbtw', 'cwtd', 'cdq', 'cwde', 'cbw', 'cwd', 'cdqe', 'cqo',
    'xchg %eax,%eax', 'xchg %ax,%ax', 'xchg %rax,%rax', 'xchg %ebx,%ecx', 'xchg %ecx,%ebx', 'xchg %eax,%ebx', 'xchg %ebx,%eax',
    'xchg %rbx,(%rax)', 'xchg (%rax),%rbx', 'xchg %rax,%r8', 'xchg %r8,%rax', 'xchg %cl,%al', 'xchg %cx,%ax',
    'test %eax,%ebx', 'test %ebx,%eax', 'test $1,%al', 'test $1,%ax', 'test $1,%eax', 'test $1,%rax', 'test (%rax),%ecx', 'test %ecx,(%rax)',
    'testb $1,(%rax)', 'testq $-1,8(%rsp)',
    'lea 8(%rdi),%rax', 'lea (%rax,%rbx,2),%ecx', 'lea 0x10(%rip),%rax', 'lea -1(%rbp),%r13', 'lea (%eax),%eax',
    'bt %eax,%ebx', 'bts $3,%rcx', 'btr %ax,(%rax)', 'btcl $31,(%rdx)', 'bsf %eax,%ebx', 'bsr (%rax),%rcx', 'popcnt %eax,%ebx',
    'lzcnt %rax,%rbx', 'tzcnt (%rax),%cx', 'xadd %eax,(%rbx)', 'cmpxchg %rcx,(%rdx)', 'cmpxchg %al,%bl', 'cmpxchg8b (%rax)',
    'cmpxchg16b (%rax)', 'movbe (%rax),%ecx', 'movbe %rcx,(%rax)', 'bswap %eax', 'bswap %r12', 'crc32b %al,%ecx', 'crc32q %rax,%rcx',
    'crc32l (%rax),%ecx', 'sete %al', 'setne (%rax)', 'setz %ah', 'setnae %r9b', 'cmovne %eax,%ebx', 'cmovzq (%rax),%rcx',
    'cmovge %ax,%bx', 'shld $3,%eax,%ebx', 'shrd %cl,%eax,%ebx', 'shldl $3,%eax,(%rax)',
    'push %rax', 'push %r12', 'pop %rbx', 'pop %r15', 'push (%rax)', 'pop 8(%rax)', 'pushq $1', 'push $0x1000', 'push $-1', 'push $0x80',
    'pushw $0x1234', 'pushw %ax', 'push %fs', 'pop %gs', 'pushf', 'popf', 'pushfq', 'popfq', 'pushfw', 'lahf', 'sahf',
    'jmp *%rax', 'call *%rax', 'jmp *(%rax)', 'call *8(%rax)', 'call *0x10(%rip)', 'jmp *%r11', 'call *(%rax,%rbx,8)', 'jmpq *8(%rsp)',
    'ret', 'ret $8', 'retq', 'lret', 'lret $8', 'lretq', 'iret', 'iretq', 'sysret', 'sysretq', 'syscall', 'sysenter', 'sysexit',
    'swapgs', 'leave', 'enter $16,$0', 'enter $0x100,$1', 'int3', 'int $3', 'int $0x80', 'int1', 'ud2', 'ud1 %eax,%ebx', 'hlt',
    'cli', 'sti', 'clc', 'stc', 'cmc', 'cld', 'std', 'wbinvd', 'invd', 'invlpg (%rax)', 'rdmsr', 'wrmsr', 'cpuid', 'rdtsc', 'rdtscp',
    'rdpmc', 'lfence', 'mfence', 'sfence', 'clac', 'stac', 'pause', 'nop', 'nopw 0x0(%rax,%rax,1)', 'nopl 0x0(%rax)',
    'nopl 0x0(%rax,%rax,1)', 'nopw %cs:0x0(%rax,%rax,1)', 'nopl (%rax)', 'nopw (%rax)', 'nopq (%rax)',
    'in $0x60,%al', 'in $0x60,%eax', 'in (%dx),%al', 'in %dx,%ax', 'inl (%dx),%eax', 'out %al,$0x80', 'out %eax,(%dx)', 'outb %al,%dx',
    'insb', 'outsw', 'rep insb', 'movsb', 'movsw', 'movsl', 'movsq', 'stosb', 'stosw', 'stosl', 'stosq', 'lodsb', 'lodsl', 'lodsq',
    'scasb', 'scasq', 'cmpsb', 'cmpsw', 'cmpsl', 'cmpsq', 'rep movsb', 'rep movsq', 'rep stosb', 'rep stosq', 'repne scasb',
    'repe cmpsb', 'repz cmpsw', 'repnz scasw', 'rep ret', 'rep; movsb', 'lock; incl (%rax)',
    'lock incl (%rax)', 'lock addl $1,(%rax)', 'lock xadd %eax,(%rbx)', 'lock cmpxchg %ecx,(%rdx)', 'lock btsl $1,(%rax)',
    'lock orb $1,%fs:(%rax)', 'lock decw (%rax)', 'lock cmpxchg16b (%rdi)', 'lock xchg %eax,(%rax)', 'xlat', 'xlatb',
    'lgdt (%rax)', 'lidt 8(%rax)', 'sgdt (%rax)', 'sidt (%rax)', 'ltr %ax', 'str %ax', 'str %eax', 'lldt %ax', 'sldt %ax',
    'smsw %ax', 'smsw %eax', 'lmsw %ax', 'verr %ax', 'verw (%rax)', 'ltr (%rax)', 'lar %ax,%bx', 'lsl %eax,%ebx', 'clts',
    'rdrand %eax', 'rdseed %rcx', 'rdrand %ax', 'rdpid %rax', 'rdfsbase %rax', 'wrgsbase %rax', 'rdgsbase %ecx', 'xgetbv', 'xsetbv',
    'xsave (%rax)', 'xrstor (%rax)', 'xsaveopt (%rax)', 'xsavec (%rax)', 'xsaves (%rax)', 'xrstors (%rax)', 'xsave64 (%rax)',
    'xrstor64 (%rax)', 'fxsave (%rax)', 'fxrstor (%rax)', 'fxsave64 (%rax)', 'clflush (%rax)', 'clflushopt (%rax)', 'clwb (%rax)',
    'prefetcht0 (%rax)', 'prefetchnta 8(%rax)', 'prefetchw (%rax)', 'monitor', 'mwait', 'vmcall', 'vmlaunch', 'vmresume', 'vmxoff',
    'endbr64', 'endbr32', 'rdsspq %rax', 'incsspq %rax', 'stmxcsr (%rax)', 'ldmxcsr (%rax)', 'invpcid (%rax),%rax',
    'invept (%rax),%rax', 'vmread %rax,%rbx', 'vmptrld (%rax)', 'serialize', 'wbnoinvd', 'rdpkru', 'wrpkru', 'xend', 'xabort $1',
    'xtest', 'tpause %eax', 'umwait %eax', 'umonitor %rax',
    'fninit', 'fnstsw %ax', 'fnstcw (%rax)', 'fldcw (%rax)', 'fld %st(1)', 'fld1', 'fldz', 'fadd %st(1),%st', 'fadd %st,%st(1)',
    'faddp', 'fsub %st,%st(1)', 'fsubp', 'fsubrp', 'fdivp', 'fdivrp %st,%st(2)', 'fmul %st(3),%st', 'fxch', 'fxch %st(3)',
    'fucomip %st(1),%st', 'fcomi %st(2),%st', 'flds (%rax)', 'fldl (%rax)', 'fldt (%rax)', 'fstps (%rax)', 'fstpl (%rax)',
    'fstpt (%rax)', 'fildl (%rax)', 'fildll (%rax)', 'filds (%rax)', 'fistpl (%rax)', 'fistpll (%rax)', 'fisttpl (%rax)',
    'fstp %st(0)', 'fchs', 'fabs', 'fsqrt', 'fwait', 'wait', 'emms',
    'movd %eax,%mm0', 'movd %xmm0,%eax', 'movd (%rax),%xmm1', 'movq %rax,%xmm0', 'movq %xmm0,%rax', 'movq %xmm1,%xmm2',
    'movq (%rax),%xmm3', 'movq %xmm3,(%rax)', 'movq %rax,%rbx', 'movq $1,(%rax)', 'movq %mm0,%rax', 'movaps %xmm0,%xmm1',
    'movups (%rax),%xmm2', 'movups %xmm2,(%rax)', 'movdqa %xmm1,%xmm7', 'movdqu 0x10(%rax),%xmm8', 'movss %xmm0,%xmm1',
    'movsd %xmm0,%xmm1', 'movsd (%rax),%xmm1', 'addps %xmm1,%xmm2', 'pxor %xmm0,%xmm0', 'xorps %xmm9,%xmm1',
    'pshufd $0x1b,%xmm0,%xmm1', 'cvtsi2sd %eax,%xmm0', 'cvtsi2sdl (%rax),%xmm0', 'cvtsi2sdq %rax,%xmm0', 'cvttsd2si %xmm0,%eax',
    'ucomisd %xmm0,%xmm1', 'paddd %mm0,%mm1', 'pclmulqdq $0,%xmm0,%xmm1', 'aesenc %xmm0,%xmm1', 'ptest %xmm0,%xmm1',
    'pinsrd $1,%eax,%xmm0', 'pextrd $1,%xmm0,%eax', 'pextrw $1,%xmm0,%eax', 'movntdq %xmm0,(%rax)', 'movnti %eax,(%rax)',
    'maskmovdqu %xmm1,%xmm0', 'lddqu (%rax),%xmm0',
    'vmovaps %xmm0,%xmm1', 'vmovaps %ymm0,%ymm1', 'vmovdqu (%rax),%ymm0', 'vpxor %xmm0,%xmm1,%xmm2', 'vaddps %ymm1,%ymm2,%ymm3',
    'vzeroupper', 'vzeroall', 'vpbroadcastd %xmm0,%ymm1', 'vpermq $0x4e,%ymm0,%ymm1', 'vfmadd231ps %xmm0,%xmm1,%xmm2',
    'vmovd %eax,%xmm0', 'vpshufb %xmm0,%xmm1,%xmm2', 'vmovaps %xmm8,%xmm0', 'vmovaps %xmm0,%xmm8', 'vpxor %xmm8,%xmm9,%xmm10',
    'vmovdqu %ymm9,(%r10)', 'vaddps (%rax,%rbx,4),%ymm1,%ymm2',
    'andn %eax,%ebx,%ecx', 'bextr %eax,%ebx,%ecx', 'blsr %eax,%ebx', 'shlx %eax,%ebx,%ecx', 'rorx $3,%eax,%ebx', 'pdep %rax,%rbx,%rcx',
    'mulx %eax,%ebx,%ecx', 'adcx %eax,%ebx', 'adox %rax,%rbx', 'sarx %eax,%ebx,%ecx', 'bzhi %eax,%ebx,%ecx',
    '{disp32} mov (%rax),%eax', '{disp8} mov (%rax),%eax', '{disp32} mov 8(%rax),%eax', '{load} mov %ecx,%eax',
    '{store} mov %ecx,%eax', '{load} add %ecx,%eax', '{load} xor %eax,%eax', '{load} cmp %al,%bl', '{load} test %eax,%eax',
    'mov $foo,%eax', 'push $foo', 'mov foo(%rip),%rax', 'lea foo+8(%rip),%rdi', 'movl $1,foo(%rip)', 'call foo', 'jmp foo',
    'jne foo', 'call foo+8', 'call *foo(%rip)', 'mov foo,%eax', 'mov foo(,%rax,8),%rax', 'mov $foo,%rax',
    'jmp 1f; nop; 1: ret', '1: jmp 1b', '1: jne 1b', 'xbegin 1f; 1:', 'loop 1f; 1:', 'jrcxz 1f; 1:', 'jecxz 1f; 1:',
    'mov %rdi,%rax # comment', 'int3 ; int3', 'lfence; mfence',
    'notrack jmp *%rax', 'notrack call *8(%rdi)', '.byte 0x0f, 0x0b', '.long 0x12345678; .quad -1', 'nop; .byte 0x90; ret',
    'movsb (%rsi),%es:(%rdi)', 'movsb %fs:(%rsi),%es:(%rdi)', 'rep stos %rax,%es:(%rdi)', 'rep stosb %es:(%edi)', 'lodsl %gs:(%rsi)',
    'repe cmpsb %es:(%rdi),(%rsi)', 'xlat (%rbx)', 'outsl (%rsi),(%dx)', 'insb (%dx),%es:(%rdi)',
    'data16 nop', 'addr32 rep movsb', 'ds mov (%rbp),%eax', 'cs nop', '{rex} mov %ebx,%eax', '{vex3} vmovaps %xmm1,%xmm0',
    '{nooptimize} mov $1,%eax', 'mov %r9,%ds', 'mov %es,%rbx', 'str %rax', 'lar %cx,%eax', 'fnstenv 8(%rbx)', 'ljmp *(%rax)',
    "mov $'A',%eax", 'mov %ebx,%eax /* block comment */', 'loopz 1f; 1:', 'xchg %ax,%ax', 'sysretl', 'iretl',
  );
  return out;
}

function att32(): string[] {
  const out: string[] = [];
  const regs: Record<string, string[]> = { b: ['%al', '%cl', '%ah', '%bh'], w: ['%ax', '%cx', '%sp', '%di'], l: ['%eax', '%ecx', '%esp', '%ebp'] };
  const mems = ['(%eax)', '8(%ebx)', '-8(%ebp)', '(%esp)', '(%ebp)', '0x100(%ecx)', '(%eax,%ebx,4)', '0x10(%esp,%ecx,8)', '(,%edx,2)',
    '0x1234', '%fs:0x28', '%gs:(%eax)', '0x80(%edi)', '0xfffffff0(%eax)'];
  for (const op of ALU) {
    for (const [sfx, rs] of Object.entries(regs)) {
      out.push(`${op} ${rs[1]},${rs[0]}`, `${op} ${rs[2]},${rs[3]}`);
      for (const m of mems) out.push(`${op} ${rs[1]},${m}`, `${op} ${m},${rs[3]}`);
      for (const i of IMMS) out.push(`${op}${sfx} $${i},${rs[0]}`, `${op}${sfx} $${i},${rs[1]}`);
    }
  }
  out.push(
    'inc %eax', 'dec %ecx', 'inc %ax', 'incl (%eax)', 'push %eax', 'pop %ebx', 'push %cs', 'push %ds', 'pop %es', 'push %ss',
    'pushl $1', 'pushw $1', 'push $0x80', 'pusha', 'popa', 'pushal', 'popal', 'pushf', 'popf', 'pushfl', 'jmp *%eax', 'call *(%eax)',
    'mov %cr0,%eax', 'mov %eax,%cr3', 'mov %dr7,%eax', 'mov 0x1234,%eax', 'mov %eax,0x1234', 'mov 0x1234,%al', 'mov %ax,0x10',
    'mov $0xffffffff,%eax', 'mov $foo,%eax', 'call foo', 'jmp foo', 'jne foo', 'call foo+8', 'mov foo,%eax', 'mov foo+4(%ebx),%eax',
    'aaa', 'daa', 'das', 'aas', 'aam', 'aad', 'into', 'bound %eax,(%ebx)', 'les (%eax),%ebx', 'lds (%eax),%ecx', 'arpl %ax,%bx',
    'arpl %ax,(%eax)', 'xchg %eax,%eax', 'xchg %eax,%ebx', 'sysenter', 'sysexit', 'iret', 'ret', 'lret', 'cmpxchg %ecx,%edx',
    'cmpxchg %al,%bl', 'cmpxchg8b (%eax)', 'movsb', 'movsl', 'rep stosl', 'lgdt (%eax)', 'ltr %ax', 'mov %ax,%ds',
    'cwtl', 'cltd', 'movzbl (%eax),%ecx', 'movswl %ax,%edx', 'bswap %eax', 'lea 8(%esp),%esp', 'jecxz 1f; 1:', 'loop 1b',
    '1: jmp 1b', 'jmp 1f; 1:', 'nopw 0x0(%eax,%eax,1)', 'nopl 0x0(%eax)', 'fldl (%eax)', 'movd %eax,%xmm0', 'vmovaps %ymm0,%ymm1',
    'mov (%si),%ax',
  );
  return out;
}

const INTEL64 = [
  'mov rax, QWORD PTR [rdi+8]', 'mov rax, rdi', 'mov rdi, rax', 'mov eax, DWORD PTR [rsp]', 'mov BYTE PTR [rax], 1', 'mov WORD PTR [rbx+rcx*2], 0x1234',
  'mov DWORD PTR [rbp-8], -1', 'mov QWORD PTR [r12], 0x7fffffff', 'mov rax, 1', 'mov rax, -1', 'mov rax, 0xffffffff', 'movabs rax, 0x1122334455667788',
  'mov eax, DWORD PTR fs:0x28', 'mov rax, QWORD PTR fs:[0x28]', 'mov rax, QWORD PTR gs:[rax]', 'mov eax, DWORD PTR ds:0x1234', 'mov eax, [rip+0x10]',
  'lea rax, [rip+foo]', 'lea rdi, [rip+foo+8]', 'mov rax, QWORD PTR [rip+foo]', 'mov eax, OFFSET foo', 'mov rax, OFFSET FLAT:foo', 'push OFFSET foo',
  'call foo', 'jmp foo', 'jne foo', 'call rax', 'jmp QWORD PTR [rax]', 'call QWORD PTR [rip+foo]', 'jmp r11',
  'add eax, 1', 'add ax, 0', 'add al, 0', 'add ax, 0x100', 'add rax, -0x80', 'add QWORD PTR [rax], 1', 'sub rsp, 0x28', 'and eax, 0xffff',
  'xor eax, eax', 'cmp BYTE PTR [rdi], 0', 'test eax, eax', 'test al, 1', 'test DWORD PTR [rax], ecx', 'test ecx, DWORD PTR [rax]',
  'xchg eax, eax', 'xchg ebx, ecx', 'xchg rax, QWORD PTR [rbx]', 'xchg QWORD PTR [rbx], rax', 'imul eax, ecx, 5', 'imul eax, DWORD PTR [rax]',
  'shl eax, 1', 'shl eax', 'shr rax, cl', 'sar DWORD PTR [rax], 3', 'rol ax, 1',
  'movzx eax, BYTE PTR [rax]', 'movzx eax, WORD PTR [rax]', 'movzx eax, al', 'movsx rax, WORD PTR [rdi]', 'movsxd rax, DWORD PTR [rdi]', 'movsxd rax, eax',
  'lea rax, [rdi+rsi*4+8]', 'lea eax, [rbx*2]', 'lea rax, [rbp]', 'lea rax, [r13]', 'lea rax, [rsp]', 'lea rax, [rax+rax*1]', 'lea rax, 8[rdi]',
  'nop WORD PTR [rax+rax*1+0x0]', 'nop DWORD PTR [rax]', 'nop', 'push rax', 'pop r12', 'push 1', 'push QWORD PTR [rax]', 'pushfq', 'popfq', 'pushf',
  'ret', 'ret 8', 'leave', 'int3', 'int 0x80', 'ud2', 'syscall', 'sysretq', 'swapgs', 'iretq', 'cpuid', 'rdmsr', 'wrmsr', 'rdtsc',
  'mov rax, cr0', 'mov cr3, rax', 'mov rax, dr7', 'mov ax, ds', 'mov ds, ax', 'mov es, eax',
  'lock add DWORD PTR [rax], 1', 'lock cmpxchg QWORD PTR [rdi], rcx', 'rep movsb', 'rep stosq', 'repne scasb', 'lgdt [rax]', 'lidt [rax]', 'invlpg [rax]',
  'cmovne eax, ecx', 'sete al', 'bswap rax', 'popcnt rax, QWORD PTR [rdi]', 'crc32 eax, BYTE PTR [rdi]', 'movbe eax, DWORD PTR [rdi]',
  'fld QWORD PTR [rax]', 'fld TBYTE PTR [rax]', 'fild DWORD PTR [rax]', 'fstp st(1)', 'fadd st, st(1)', 'fadd st(1), st', 'fsub st(1), st', 'fsubp st(1), st',
  'movaps xmm0, XMMWORD PTR [rax]', 'movq xmm0, rax', 'movq rax, xmm0', 'movd xmm0, DWORD PTR [rax]', 'vmovdqu ymm0, YMMWORD PTR [rdi]', 'vpxor xmm0, xmm1, xmm2',
  'mov eax, [rax+0xffffffff]', 'mov eax, [eax]', 'mov eax, [rbx+rcx]', 'mov eax, [rcx*8]',
  'jmp 1f; nop; 1: ret', '1: jmp 1b', 'mov rax, rbx # comment',
  'mov eax, foo', 'mov rax, QWORD PTR foo[rip]', 'call QWORD PTR [rip+foo]', 'push foo', 'cmp QWORD PTR [rbp-0x10], 0',
  'test BYTE PTR gs:[0x10], 1', 'pushw 0x1', 'leavew', 'retfq', 'jmp FWORD PTR [rax]', 'jmp TBYTE PTR [rax]', 'call DWORD PTR [rax]', 'sysretd',
  'movs BYTE PTR es:[rdi], BYTE PTR [rsi]', 'rep stos QWORD PTR es:[rdi], rax', 'lods DWORD PTR gs:[rsi]', 'xlat BYTE PTR [rbx]',
];

const ATT16 = [
  'mov %ax,%bx', 'mov (%bx,%si),%ax', 'mov 8(%bp),%dx', 'mov %eax,%ebx', 'mov (%eax),%ecx', 'add $1,%ax', 'add $0x100,%ax', 'addl $1,%eax',
  'push %ax', 'push %eax', 'push $1', 'pushw $0x1234', 'pushl $1', 'pop %ds', 'iret', 'iretl', 'ret', 'retl', 'lret', 'int $0x10', 'cli', 'hlt',
  'mov %eax,%es', 'mov %es,%ax', 'mov %fs,(%eax)', 'lgdt (%bx)', 'mov %cr0,%eax', 'movzbl (%si),%eax', 'jmp 1f; 1:', '1: jne 1b', 'call foo',
  'rep movsb', 'rep movsl', 'in $0x60,%al', 'outb %al,$0x80', 'lea 2(%bx,%di),%ax', 'xchg %ax,%bx', 'nop', 'cwtl', 'cltd', 'pushf', 'popfl',
];

export const CORPUS: { name: string; bitness: 16 | 32 | 64; syntax: 'att' | 'intel'; noprefix?: boolean; lines: string[] }[] = [
  { name: 'att64', bitness: 64, syntax: 'att', lines: att64() },
  { name: 'att32', bitness: 32, syntax: 'att', lines: att32() },
  { name: 'intel64', bitness: 64, syntax: 'intel', lines: INTEL64 },
  { name: 'att16', bitness: 16, syntax: 'att', lines: ATT16 },
  {
    name: 'att64 noprefix', bitness: 64, syntax: 'att', noprefix: true,
    lines: ['mov rdi,rax', 'mov rax,rdi', 'add $1,eax', 'mov 8(rdi),rax', 'lea (rax,rbx,4),rcx', 'movq $0,fs:0x28', 'jmp *rax', 'call *8(rsp)', 'xor eax,eax', 'push r12', 'movzbl al,eax', 'shl cl,edx', 'mov cr3,rax', 'fadd st(1),st', 'movq xmm0,rax'],
  },
];

/** Lines every build must assemble (not merely refuse): the instructions paravirt rules are written with. */
export const MUST_ASSEMBLE_ATT64 = [
  'mov %rdi,%rax', 'mov 8(%rdi),%rax', 'mov %rax,%cr3', 'mov %cr3,%rax', 'pushfq', 'popfq', 'push %rax', 'pop %rax', 'cli', 'sti', 'hlt',
  'swapgs', 'sysretq', 'iretq', 'wbinvd', 'invlpg (%rdi)', 'rdmsr', 'wrmsr', 'cpuid', 'xor %eax,%eax', 'lfence', 'mfence', 'sfence',
  'clac', 'stac', 'nopw 0x0(%rax,%rax,1)', 'nopl 0x0(%rax)', 'int3', 'ud2', 'call foo', 'jmp foo', 'lock xadd %eax,(%rdi)',
  'rep movsb', 'mov $1,%rax', 'movabs $0x1122334455667788,%rax', 'mov %fs:0x28,%rax', 'lgdt (%rdi)', 'ltr %di', 'cltq',
  'movzbl %al,%eax', 'movslq %edi,%rax', 'xchg %rax,(%rdi)', 'cmpxchg %rcx,(%rdi)', 'bswap %rax', 'setne %al', 'cmovz %rdi,%rax',
  'shl $1,%eax', 'ret', 'ret $8', 'leave', 'enter $16,$0', 'in $0x60,%al', 'out %al,$0x80', 'rdtscp', 'rdrand %rax', 'popcnt %rdi,%rax',
  'xsave (%rdi)', 'xrstor (%rdi)', 'jne 1f; 1:', 'mov foo(%rip),%rax', 'lea foo(%rip),%rax',
];
