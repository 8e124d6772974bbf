// A deterministic file of distinct instruction lines for timing: a mix of common shapes (loads, stores,
// ALU with immediates, lea, SSE, push/pop, shifts) where a running counter makes every line distinct.

const REGS64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const REGS32 = ['eax', 'ecx', 'edx', 'ebx', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];

type Shape = (n: number, r: string, s: string, r32: string) => string;

const SHAPES: Shape[] = [
  (n, r, s) => `mov 0x${(n * 8).toString(16)}(%${r}),%${s}`,
  (n, r, s) => `mov %${s},-0x${(n * 4 + 8).toString(16)}(%${r})`,
  (n, _r, _s, r32) => `add $0x${n.toString(16)},%${r32}`,
  (n, r) => `cmpq $0x${(n % 0x7fffffff).toString(16)},0x10(%${r})`,
  (n, r, s) => `lea 0x${n.toString(16)}(%${r},%${s},4),%rax`,
  (n, r) => `movl $0x${n.toString(16)},0x${((n * 3) & 0xffff).toString(16)}(%${r})`,
  (n, _r, s) => `and $0x${(n | 0x100).toString(16)},%${s}`,
  (n) => `movsd 0x${(n * 16).toString(16)}(%rip),%xmm${n % 16}`,
  (n, r) => `testb $0x${(n & 0xff).toString(16)},0x${(n >> 8).toString(16)}(%${r})`,
  (n, _r, s) => `imul $0x${n.toString(16)},%${s},%rdx`,
  (n, r, _s, r32) => `movzbl 0x${n.toString(16)}(%${r}),%${r32}`,
  (n) => `call *0x${(n * 8).toString(16)}(%rip)`,
];

// The same instructions in GNU's Intel syntax (`.intel_syntax noprefix`), so both syntaxes time the same work.
const INTEL_SHAPES: Shape[] = [
  (n, r, s) => `mov ${s}, QWORD PTR [${r}+0x${(n * 8).toString(16)}]`,
  (n, r, s) => `mov QWORD PTR [${r}-0x${(n * 4 + 8).toString(16)}], ${s}`,
  (n, _r, _s, r32) => `add ${r32}, 0x${n.toString(16)}`,
  (n, r) => `cmp QWORD PTR [${r}+0x10], 0x${(n % 0x7fffffff).toString(16)}`,
  (n, r, s) => `lea rax, [${r}+${s}*4+0x${n.toString(16)}]`,
  (n, r) => `mov DWORD PTR [${r}+0x${((n * 3) & 0xffff).toString(16)}], 0x${n.toString(16)}`,
  (n, _r, s) => `and ${s}, 0x${(n | 0x100).toString(16)}`,
  (n) => `movsd xmm${n % 16}, QWORD PTR [rip+0x${(n * 16).toString(16)}]`,
  (n, r) => `test BYTE PTR [${r}+0x${(n >> 8).toString(16)}], 0x${(n & 0xff).toString(16)}`,
  (n, _r, s) => `imul rdx, ${s}, 0x${n.toString(16)}`,
  (n, r, _s, r32) => `movzx ${r32}, BYTE PTR [${r}+0x${n.toString(16)}]`,
  (n) => `call QWORD PTR [rip+0x${(n * 8).toString(16)}]`,
];

/** `count` distinct 64-bit lines in AT&T (default) or Intel syntax. */
export function distinctLines(count: number, syntax: 'att' | 'intel' = 'att'): string[] {
  const out: string[] = [];
  const shapes = syntax === 'att' ? SHAPES : INTEL_SHAPES;
  for (let n = 1; out.length < count; n++) {
    const shape = shapes[n % shapes.length]!;
    out.push(shape(n, REGS64[n % REGS64.length]!, REGS64[(n * 7 + 3) % REGS64.length]!, REGS32[(n * 5 + 1) % REGS32.length]!));
  }
  return out;
}
