// The code-table generator's pieces (scripts/asm-corpus/codetable/): the spellings it derives from
// objdump's text, and that its instances are what iced says they are. The corpus itself is checked
// against GNU in codetable.test.ts.

import { describe, expect, it } from 'vitest';
import { readCodeTable } from '../../../scripts/asm-corpus/codetable/codeInfo.js';
import { Code, Decoder, DecoderOptions } from '../../../scripts/asm-corpus/codetable/iced.js';
import { instancesFor } from '../../../scripts/asm-corpus/codetable/instances.js';
import { branchBlocks, corpusLine, operandShape, sizeKeywordVariants, suffixVariants } from '../../../scripts/asm-corpus/codetable/spellings.js';

describe('code-table spellings', () => {
  it('gives an AT&T mnemonic every suffix, and a suffixed one its stem too', () => {
    expect(suffixVariants('lock add %dl,(%rdi)')).toEqual(['lock addb %dl,(%rdi)', 'lock addw %dl,(%rdi)', 'lock addl %dl,(%rdi)', 'lock addq %dl,(%rdi)']);
    expect(suffixVariants('movl $0x1,(%rax)')).toContain('mov $0x1,(%rax)');
    expect(suffixVariants('pushfw')).toContain('pushfww');
  });

  it("drops objdump's data16 / rex words from the variants, keeping the line without them", () => {
    expect(suffixVariants('data16 str -0x46(%rsi)')).toEqual(['strb -0x46(%rsi)', 'strw -0x46(%rsi)', 'strl -0x46(%rsi)', 'strq -0x46(%rsi)', 'str -0x46(%rsi)']);
    expect(sizeKeywordVariants('rex.W str WORD PTR [rsi]')).toEqual(['str WORD PTR [rsi]', 'str BYTE PTR [rsi]', 'str DWORD PTR [rsi]', 'str QWORD PTR [rsi]', 'str [rsi]']);
  });

  it('adds Intel size keywords where objdump wrote none, and none without memory', () => {
    expect(sizeKeywordVariants('xsave fs:[eax]')).toEqual(['xsave BYTE PTR fs:[eax]', 'xsave WORD PTR fs:[eax]', 'xsave DWORD PTR fs:[eax]', 'xsave QWORD PTR fs:[eax]']);
    expect(sizeKeywordVariants('add eax,ebx')).toEqual([]);
  });

  it('collapses registers of one class, memory and numbers into one operand shape', () => {
    expect(operandShape('lock add %r13b,-0x358d62e(%r11d)')).toBe(operandShape('add %al,(%rax)'));
    expect(operandShape('vaddps %xmm1,%xmm2,%xmm3{%k1}')).toBe(operandShape('vaddps %zmm1,%zmm2,%zmm3'));
    expect(operandShape('add %eax,%ebx')).not.toBe(operandShape('add %ax,%bx'));
  });

  it('turns direct branches into branches to unique labels, near and far', () => {
    const c = corpusLine('jne    0x16', 'att');
    expect(c).toEqual({ branch: 'jne @TARGET@' });
    const [near, far] = branchBlocks('branch' in c ? c.branch : '', 7);
    expect(near).toBe('jne .Lt7\n.Lt7:');
    expect(far?.startsWith('jne .Lt7f\n.quad ')).toBe(true);
    expect(corpusLine('(bad)', 'att')).toEqual({ skip: 'unspellable' });
    expect(corpusLine('mov    0x10(%rip),%eax        # 0x1234', 'attnp')).toEqual({ line: 'mov 0x10(rip),eax' });
  });
});

describe('code-table instances', () => {
  const table = new Map(readCodeTable().map((c) => [c.name, c]));
  const names = ['Add_rm32_r32', 'Push_r64', 'Fstsw_m2byte', 'Movq_xmm_xmmm64', 'VEX_Vaddps_xmm_xmm_xmmm128', 'EVEX_Vaddps_zmm_k1z_zmm_zmmm512b32_er', 'XOP_Vpcmov_xmm_xmm_xmmm128_xmm', 'D3NOW_Pfadd_mm_mmm64'];

  for (const name of names) {
    it(`${name}: decode back to the Code, vary, and come out the same on every run`, () => {
      const info = table.get(name);
      expect(info, name).toBeDefined();
      const opts = { seed: 1, perCode: 3, attempts: 96 };
      const list = instancesFor(info!, 64, opts);
      expect(list.length).toBeGreaterThanOrEqual(2);
      expect(new Set(list.map((x) => x.features.form)).size + new Set(list.map((x) => x.features.ext)).size).toBeGreaterThan(2);
      for (const x of list) {
        const d = new Decoder(64, x.bytes, DecoderOptions.None);
        const insn = d.decode();
        const want = info!.fwait ? Code.Wait : info!.code;
        expect(insn.code, `${name} ${Buffer.from(x.bytes).toString('hex')}`).toBe(want);
        insn.free();
        d.free();
      }
      expect(instancesFor(info!, 64, opts).map((x) => Buffer.from(x.bytes).toString('hex'))).toEqual(list.map((x) => Buffer.from(x.bytes).toString('hex')));
    });
  }
});
