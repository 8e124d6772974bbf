// The tables Linux 6.12 has and 6.1 does not (Debian's linux-source-6.12, 6.12.117); its other tables are
// applied as 6.1's are (the same code in alternative.c, static_call.c, jump_label.c: textPass61.ts).
import type { TextPassRules } from '../apply/textLoop.js';
import type { TextPassContext } from './textPass61.js';

const ENDBR64 = [0xf3, 0x0f, 0x1e, 0xfa];
/** gen_endbr_poison() (asm/ibt.h): `osp nopl (%rax)`, a 4-byte NOP that is not NOP4. */
const ENDBR_POISON = Uint8Array.of(0x66, 0x0f, 0x1f, 0x00);

/**
 * apply_seal_endbr() → poison_endbr() (alternative.c, CONFIG_X86_KERNEL_IBT, whatever the CPU): each listed
 * `endbr64` of a function whose address is never taken becomes the poison; anything else is left (WARN).
 * CONFIG_FINEIBT needs CFI_CLANG (not in a gcc build): no poison_cfi().
 */
export function linux612SealEndbr(): TextPassRules {
  return {
    site(s, mem) {
      const b = mem.read(s.addr, 4);
      if (!ENDBR64.every((x, i) => b[i] === x)) return { outcome: 'not endbr64 (kept)', len: 4 };
      return { bytes: ENDBR_POISON, len: 4, outcome: 'sealed' };
    },
  };
}

/**
 * callthunks_patch_builtin_calls() (callthunks.c): only with X86_FEATURE_CALL_DEPTH (bugs.c, retbleed=stuff
 * or its=stuff) are the .call_sites calls redirected to their call thunks; that rewrite is not reproduced,
 * so such a CPU's sites are reported, not predicted.
 */
export function linux612CallSites(ctx: TextPassContext): TextPassRules {
  return {
    site() {
      const depth = ctx.has('X86_FEATURE_CALL_DEPTH');
      if (depth === false) return { outcome: 'no call depth tracking (kept)', len: 5 };
      return { outcome: depth ? 'call depth tracking (not reproduced)' : 'undecided', len: 5, reason: 'callthunks_setup() is not reproduced' };
    },
  };
}

/**
 * runtime_const_init(ptr, USER_PTR_MAX) (arch/x86/kernel/cpu/common.c arch_cpu_finalize_init(), after
 * alternative_instructions()) → runtime_const_fixup() (asm/runtime-const.h): the imm64 of each
 * `mov $0x0123456789abcdef, %reg` becomes TASK_SIZE_MAX = (1 << __VIRTUAL_MASK_SHIFT) - PAGE_SIZE, the shift
 * 56 with 5-level paging (pgtable_l5_enabled(): X86_FEATURE_LA57; `no5lvl` clears it), else 47.
 */
export function linux612UserPtrMax(ctx: TextPassContext): TextPassRules {
  return {
    site() {
      const la57 = ctx.has('X86_FEATURE_LA57');
      const value = (shift: bigint): Uint8Array => {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setBigUint64(0, (1n << shift) - 4096n, true);
        return b;
      };
      if (la57 === undefined) return { bytes: value(47n), len: 8, outcome: 'undecided (LA57 unknown)', forms: [{ bytes: value(47n), when: '4-level paging' }, { bytes: value(56n), when: '5-level paging' }], dependsOn: 'X86_FEATURE_LA57' };
      return { bytes: value(la57 ? 56n : 47n), len: 8, outcome: la57 ? 'TASK_SIZE_MAX (5-level)' : 'TASK_SIZE_MAX (4-level)' };
    },
  };
}

/**
 * A runtime constant whose value boot code computes from what neither image nor CPU words say: dcache_init()
 * (fs/dcache.c) sets runtime_const_init(shift, d_hash_shift) and (ptr, dentry_hashtable) from the hash table
 * it allocates, sized by memory. Any value is legal; the prediction keeps the placeholder.
 */
export function runtimeValue(): TextPassRules {
  return {
    site(_s, _mem, fixed) {
      return { len: fixed ?? 8, outcome: 'runtime value', forms: [{ any: true, when: 'a value computed at boot (allocation address, memory size)' }], dependsOn: 'boot-time allocation' };
    },
  };
}
