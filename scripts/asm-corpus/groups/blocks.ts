// Small multi-instruction blocks that mix local labels, relaxed branches and references to outside
// symbols: relocation offsets must account for everything before them, including branches whose size
// was only settled by relaxation.
import { raw, type Bits, type Item } from '../model.js';
import type { BlockGroup } from './types.js';

const R = (intel: string, att: string = intel): Item => raw(intel, att);

export const blockGroup: BlockGroup = {
  name: 'blocks',
  format: 'blocks',
  expect: 'match',
  blocks(bits: Bits): Item[][] {
    const b = bits === 64 ? 'r' : 'e';
    const sp = `${b}sp`;
    const bp = `${b}bp`;
    const ptr = bits === 64 ? 'QWORD' : 'DWORD';
    const dataRef = bits === 64 ? ['DWORD PTR [rip+data_sym]', 'data_sym(%rip)'] : ['DWORD PTR data_sym', 'data_sym'];
    const blocks: Item[][] = [];
    let n = 0;
    const L = (tag: string): string => `.Lb${n}_${tag}`;
    const fill = (k: number): Item[] => Array.from({ length: k }, () => R('mov eax, 0x12345678', 'mov $0x12345678,%eax'));

    n++;
    blocks.push([
      R(`push ${bp}`, `push %${bp}`), R(`mov ${bp}, ${sp}`, `mov %${sp},%${bp}`), R('call target_fn'), R('test eax, eax', 'test %eax,%eax'),
      R(`jne ${L('x')}`), R(`mov eax, ${dataRef[0]}`, `mov ${dataRef[1]},%eax`), R(`${L('x')}:`), R(`pop ${bp}`, `pop %${bp}`), R('ret'),
    ]);
    // A reference to an outside symbol after a branch that relaxes to rel32.
    n++;
    blocks.push([R(`jmp ${L('far')}`), ...fill(30), R(`${L('far')}:`), R('call target_fn'), R(`mov ${dataRef[0]}, 1`, `movl $1,${dataRef[1]}`)]);
    // The same with a short branch, and an outside reference inside the jumped-over code.
    n++;
    blocks.push([R(`je ${L('s')}`), R('call target_fn'), R(`${L('s')}:`), R(`add eax, ${dataRef[0]}`, `add ${dataRef[1]},%eax`), R('jmp target_fn')]);
    // Outside references pushing a backward branch over the rel8 limit.
    n++;
    blocks.push([R(`${L('top')}:`), ...fill(23), R('call target_fn'), R(`jne ${L('top')}`)]);
    n++;
    blocks.push([R(`${L('top')}:`), ...fill(24), R('call target_fn'), R(`jne ${L('top')}`)]);
    // Immediate and absolute relocations mid-block.
    n++;
    blocks.push([R('nop'), R('mov eax, OFFSET data_sym', 'mov $data_sym,%eax'), R('push OFFSET data_sym+4', 'push $data_sym+4'), R(`call ${ptr} PTR [${b}ax*${bits / 8}+table_sym]`, `call *table_sym(,%${b}ax,${bits / 8})`), R('ret')]);
    // Numeric labels defined more than once.
    n++;
    blocks.push([R('1:'), R('dec ecx', 'dec %ecx'), R('jnz 1b'), R('1:'), R('dec edx', 'dec %edx'), R('jnz 1b'), R('jmp 2f'), R('call target_fn'), R('2:'), R('ret')]);
    // A loop with an outside call, and a jump table style block.
    n++;
    blocks.push([
      R('xor ecx, ecx', 'xor %ecx,%ecx'), R(`${L('loop')}:`), R('call target_fn'), R('inc ecx', 'inc %ecx'), R('cmp ecx, 10', 'cmp $10,%ecx'),
      R(`jb ${L('loop')}`), R('ret'),
    ]);
    if (bits === 64) {
      n++;
      blocks.push([
        R('lea rdi, [rip+data_sym]', 'lea data_sym(%rip),%rdi'), R(`jmp ${L('a')}`), ...fill(26), R(`${L('a')}:`),
        R('cmp DWORD PTR [rip+data_sym+8], 0x7f', 'cmpl $0x7f,data_sym+8(%rip)'), R(`je ${L('a')}`), R('movabs rax, OFFSET data_sym', 'movabs $data_sym,%rax'),
      ]);
      n++;
      blocks.push([R('mov rax, QWORD PTR gs:0x28', 'mov %gs:0x28,%rax'), R('call QWORD PTR [rip+target_fn]', 'call *target_fn(%rip)'), R('cmp rax, QWORD PTR gs:0x28', 'cmp %gs:0x28,%rax'), R(`jne ${L('fail')}`), R('ret'), R(`${L('fail')}:`), R('call target_fn')]);
    } else {
      n++;
      blocks.push([R('call target_fn'), R(`jmp ${L('a')}`), ...fill(26), R(`${L('a')}:`), R('mov eax, DWORD PTR [ebx+data_sym]', 'mov data_sym(%ebx),%eax'), R(`je ${L('a')}`)]);
    }
    return blocks;
  },
};
