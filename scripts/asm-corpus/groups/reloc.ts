// References to symbols outside the block: patchc must leave the same relocation GNU does
// (offset, size, pc-relative or not, symbol, addend) around the same bytes. `call f@PLT` is left out on
// purpose: GNU folds @PLT into the relocation type, which patchc's Relocation does not have.
import { raw, type Bits, type Item } from '../model.js';
import type { LineGroup } from './types.js';

export const relocGroup: LineGroup = {
  name: 'reloc',
  format: 'lines',
  expect: 'match',
  items(bits: Bits): Item[] {
    const a = bits === 64 ? 'r' : 'e';
    const out: Item[] = [
      raw('call target_fn'), raw('jmp target_fn'), raw('je target_fn'), raw('jne target_fn+0x10', 'jne target_fn+0x10'),
      raw('call target_fn-4'), raw('jmp target_fn+1'),
      raw('mov eax, DWORD PTR data_sym', 'mov data_sym,%eax'),
      raw('mov DWORD PTR data_sym+8, ecx', 'mov %ecx,data_sym+8'),
      raw('mov eax, OFFSET data_sym', 'mov $data_sym,%eax'),
      raw('mov eax, OFFSET data_sym+0x20', 'mov $data_sym+0x20,%eax'),
      raw('push OFFSET data_sym', 'push $data_sym'),
      raw(`mov eax, DWORD PTR [${a}bx+data_sym]`, `mov data_sym(%${a}bx),%eax`),
      raw(`mov eax, DWORD PTR data_sym[${a}ax*4]`, `mov data_sym(,%${a}ax,4),%eax`),
      raw(`jmp DWORD PTR [${a}ax*4+table_sym]`.replace('DWORD', bits === 64 ? 'QWORD' : 'DWORD'), `jmp *table_sym(,%${a}ax,${bits === 64 ? 8 : 4})`),
      raw('mov DWORD PTR data_sym, 0x12345678', 'movl $0x12345678,data_sym'),
      raw('mov BYTE PTR data_sym, 1', 'movb $1,data_sym'),
      raw(`cmp ${a}ax, OFFSET data_sym`, `cmp $data_sym,%${a}ax`),
      raw('mov ax, OFFSET data_sym', 'mov $data_sym,%ax'),
      raw('mov al, OFFSET data_sym', 'mov $data_sym,%al'),
      raw('add eax, OFFSET data_sym-1', 'add $data_sym-1,%eax'),
    ];
    if (bits === 64) {
      out.push(
        raw('mov eax, DWORD PTR [rip+data_sym]', 'mov data_sym(%rip),%eax'),
        raw('mov rax, QWORD PTR [rip+data_sym+0x10]', 'mov data_sym+0x10(%rip),%rax'),
        raw('lea rdi, [rip+data_sym]', 'lea data_sym(%rip),%rdi'),
        raw('cmp DWORD PTR [rip+data_sym], 0x7f', 'cmpl $0x7f,data_sym(%rip)'),
        raw('mov DWORD PTR [rip+data_sym], 0x12345678', 'movl $0x12345678,data_sym(%rip)'),
        raw('mov WORD PTR [rip+data_sym-4], 0x1234', 'movw $0x1234,data_sym-4(%rip)'),
        raw('call QWORD PTR [rip+target_fn]', 'call *target_fn(%rip)'),
        raw('jmp QWORD PTR [rip+table_sym+8]', 'jmp *table_sym+8(%rip)'),
        raw('movabs rax, OFFSET data_sym', 'movabs $data_sym,%rax'),
        raw('movabs rax, OFFSET data_sym+0x1000', 'movabs $data_sym+0x1000,%rax'),
        raw('mov rax, OFFSET data_sym', 'mov $data_sym,%rax'),
        raw('movabs eax, DWORD PTR data_sym', 'movabs data_sym,%eax'),
        raw('mov r9, QWORD PTR data_sym', 'mov data_sym,%r9'),
        raw('vmovdqu ymm0, YMMWORD PTR [rip+data_sym]', 'vmovdqu data_sym(%rip),%ymm0'),
        // GOT references: GNU's relocation types have no equivalent in patchc's Relocation; the test
        // skips them (verdict "skipped") unless patchc refuses, which is what it should do.
        raw('mov rax, QWORD PTR [rip+data_sym@GOTPCREL]', 'mov data_sym@GOTPCREL(%rip),%rax'),
      );
    } else {
      out.push(raw('mov eax, DWORD PTR [ebx+data_sym@GOTOFF]', 'mov data_sym@GOTOFF(%ebx),%eax'), raw('jmp FWORD PTR data_sym', 'ljmp *data_sym'), raw('loop target_fn'));
    }
    return out;
  },
};
