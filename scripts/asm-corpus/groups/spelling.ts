// The same instructions written the many ways GNU accepts: case, spacing, operand order inside brackets,
// number bases, character constants, constant expressions, optional scale, ... Each pair means the same.
import { raw, type Bits, type Item } from '../model.js';
import type { LineGroup } from './types.js';

export const spellingGroup: LineGroup = {
  name: 'spelling',
  format: 'lines',
  expect: 'match',
  items(bits: Bits): Item[] {
    const b = bits === 64 ? 'r' : 'e';
    const pairs: Array<[string, string]> = [
      [`mov eax, dword ptr [${b}bx]`, `movl (%${b}bx),%eax`],
      [`MOV EAX, DWORD PTR [${b.toUpperCase()}BX]`, `MOVL (%${b.toUpperCase()}BX),%EAX`],
      [`Mov Eax, Dword Ptr [${b}bx+4]`, `Mov 4(%${b}bx),%Eax`],
      [`mov eax, [${b}bx][${b}cx*4]`, `mov (%${b}bx,%${b}cx,4),%eax`],
      [`mov eax, [8+${b}bx]`, `mov 8(%${b}bx),%eax`],
      [`mov eax, 0x10[${b}bx]`, `mov 16(%${b}bx),%eax`],
      [`mov eax, [${b}bx+8*${b}cx]`, `mov (%${b}bx,%${b}cx,8),%eax`],
      [`mov eax, [${b}bx + ${b}cx * 4 + 0x10]`, `mov 0x10 ( %${b}bx , %${b}cx , 4 ) , %eax`],
      [`mov eax, [${b}bx+${b}cx]`, `mov (%${b}bx,%${b}cx),%eax`],
      [`mov eax, [${b}ax*1+0x10]`, `mov 0x10(,%${b}ax),%eax`],
      [`mov eax, [${b}sp+${b}bx]`, `mov (%${b}sp,%${b}bx),%eax`],
      [`mov eax, [${b}bp-(8*2)]`, `mov -(8*2)(%${b}bp),%eax`],
      [`mov eax,[${b}bx]`, `mov (%${b}bx),%eax`],
      [`  mov   eax ,  ebx  `, `  mov   %ebx ,  %eax  `],
      ['mov\teax,\tebx', 'mov\t%ebx,\t%eax'],
      ['mov eax, 16', 'mov $16,%eax'],
      ['mov eax, 010', 'mov $010,%eax'],
      ['mov eax, 0b1010', 'mov $0b1010,%eax'],
      ['mov eax, 0X1F', 'mov $0X1F,%eax'],
      ["mov eax, 'A'", "mov $'A',%eax"],
      ['mov eax, (1<<4)+1', 'mov $(1<<4)+1,%eax'],
      ['mov eax, 1 + 2 * 3', 'mov $1+2*3,%eax'],
      ['mov eax, -(1<<4)', 'mov $-(1<<4),%eax'],
      ['mov eax, ~0', 'mov $~0,%eax'],
      ['mov eax, 0x100/2-1', 'mov $0x100/2-1,%eax'],
      ['and eax, 0xff & 0x0f', 'and $0xff&0x0f,%eax'],
      ['or eax, 1|6', 'or $1|6,%eax'],
      ['mov al, -1', 'mov $-1,%al'],
      ['mov ax, -1', 'mov $-1,%ax'],
      ['add DWORD PTR [eax], 0x10-1'.replace('eax', `${b}ax`), `addl $0x10-1,(%${b}ax)`],
      ['mov eax, ebx # trailing comment', 'mov %ebx,%eax # trailing comment'],
      ['mov eax, ebx /* block comment */', 'mov %ebx,%eax /* block comment */'],
      ['nop; nop', 'nop; nop'],
      ['rep movsb', 'rep movsb'],
      ['rep\tstosd', 'rep\tstosl'],
      ['lock add DWORD PTR [eax], 1'.replace('eax', `${b}ax`), `lock addl $1,(%${b}ax)`],
      ['lock; inc DWORD PTR [eax]'.replace('eax', `${b}ax`), `lock; incl (%${b}ax)`],
      ['ret 8', 'ret $8'],
      ['int 0x80', 'int $128'],
      [`mov eax, DWORD PTR fs:[${b}ax]`, `mov %fs:(%${b}ax),%eax`],
      [`mov eax, fs:[${b}ax]`, `mov %fs:(%${b}ax),%eax`],
      [`mov eax, DWORD PTR fs:0x28`, `mov %fs:0x28,%eax`],
      [`call ${b}ax`, `call *%${b}ax`],
      [`jmp ${b}ax`, `jmp *%${b}ax`],
      [`push ${b}ax`, `push %${b}ax`],
      ['movzx eax, BYTE PTR [ebx]'.replace('ebx', `${b}bx`), `movzbl (%${b}bx),%eax`],
      ['movzx eax, bl', 'movzx %bl,%eax'],
      ['movsx eax, WORD PTR [ebx]'.replace('ebx', `${b}bx`), `movswl (%${b}bx),%eax`],
    ];
    if (bits === 64) {
      pairs.push(
        ['mov rax, QWORD PTR fs:0x28', 'mov %fs:0x28,%rax'],
        ['mov rax, qword ptr [rip + 0x10]', 'movq 0x10(%rip),%rax'],
        ['movsxd rax, DWORD PTR [rbx]', 'movslq (%rbx),%rax'],
        ['movsxd rax, ebx', 'movsxd %ebx,%rax'],
        ['cdqe', 'cdqe'],
        ['mov rax, -1', 'mov $-1,%rax'],
        ['mov rax, 0xffffffffffffffff', 'mov $0xffffffffffffffff,%rax'],
        ['mov r8d, r9d', 'mov %r9d,%r8d'],
        ['MOV R8, R9', 'MOV %R9,%R8'],
      );
    } else {
      pairs.push(['mov eax, DWORD PTR gs:0x14', 'mov %gs:0x14,%eax'], ['pushad', 'pushal'], ['mov eax, ss:[esp+4]', 'mov %ss:4(%esp),%eax']);
    }
    return pairs.map(([i, a]) => raw(i, a));
  },
};
