// What Linux 6.1 (Debian's linux-source-6.1, 6.1.192) writes at the sites of its other boot-time tables, for the
// generic loop in src/apply/textLoop.ts. Where a site's final state is decided by code that runs later (a
// static key enabled by an initcall, static_call_update() during boot), the pass predicts the state the image
// starts with and lists every form the site may legally hold.
import type { AltMemory } from '../apply/altLoop.js';
import type { LegalForm, TextPassRules, TextSite, TextSiteOutcome } from '../apply/textLoop.js';
import type { SymbolTable } from '../binary/index.js';
import type { NopTable } from '../model/nops.js';
import { decodeKernelInsn } from './insnDecode.js';
import { optimizeNops } from './altPass61.js';
import { InputError } from '../diag/diagnostic.js';

export interface TextPassContext {
  /** A CPU feature by its macro (X86_FEATURE_RETHUNK); undefined when the CPU file cannot say. */
  has(macro: string): boolean | undefined;
  nops: NopTable;
  bitness: 32 | 64;
  symbols: SymbolTable | undefined;
  /** Link-time data of the image (the original file): a static key's fields, a static call key's function. */
  readData(addr: bigint, len: number): Uint8Array | undefined;
  /** The table's `expect` line, resolved. */
  expect?: { op: number; target: bigint; symbol: string };
  /** The table's `update` lines, resolved: key address (and trampoline name) → function (0n: NULL), and why. */
  /** `key` undefined: the key's symbol is not listed (kallsyms without data symbols). */
  updates: { key: bigint | undefined; name: string; func: bigint; text: string }[];
}

const INT3 = 0xcc;
const RET = 0xc3;
export const TRAMP_UD = [0x0f, 0xb9, 0xcc] as const; // static_call.c tramp_ud[]
const XOR5RAX = Uint8Array.of(0x2e, 0x2e, 0x2e, 0x31, 0xc0); // static_call.c xor5rax[]

/** text_gen_insn(): opcode + rel32 from `at` (5 bytes; 2 with a rel8 opcode). */
export function genBranch(op: number, at: bigint, to: bigint, bitness: 32 | 64): Uint8Array {
  const size = op === 0xeb ? 2 : 5;
  const rel = BigInt.asIntN(32, to - (at + BigInt(size)));
  const b = new Uint8Array(size);
  b[0] = op;
  if (size === 2) b[1] = Number(BigInt.asUintN(8, rel));
  else new DataView(b.buffer).setInt32(1, Number(rel), true);
  void bitness;
  return b;
}

const ptrAt = (ctx: TextPassContext, addr: bigint): bigint | undefined => {
  const w = ctx.bitness / 8;
  const b = ctx.readData(addr, w);
  if (!b) return undefined;
  const dv = new DataView(b.buffer, b.byteOffset, w);
  return w === 8 ? dv.getBigUint64(0, true) : BigInt(dv.getUint32(0, true));
};
const keyName = (ctx: TextPassContext, key: bigint | undefined): string => {
  if (key === undefined) return '?';
  const n = ctx.symbols?.nearest(key);
  return n ? (n.offset === 0n ? n.symbol.name : `${n.symbol.name}+0x${n.offset.toString(16)}`) : `0x${key.toString(16)}`;
};
const sym = (ctx: TextPassContext, name: string): bigint | undefined => ctx.symbols?.addressOf(name);
const nop = (ctx: TextPassContext, n: number): Uint8Array => {
  const b = ctx.nops.byLength.get(n);
  if (!b) throw new Error(`the NOP table has no ${n}-byte NOP (${ctx.nops.source})`);
  return b;
};
const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * x86_return_thunk as bugs.c leaves it: __x86_return_thunk unless a mitigation set another with
 * set_return_thunk() (6.1 bugs.c: retbleed=unret → retbleed_return_thunk with X86_FEATURE_UNRET; ITS →
 * its_return_thunk; SRSO → srso_return_thunk / srso_alias_return_thunk with X86_FEATURE_SRSO / _SRSO_ALIAS;
 * srso_select_mitigation() runs last in cpu_select_mitigations()). The feature words show which one in these
 * cases; every candidate is a legal form.
 */
function returnThunks(ctx: TextPassContext): { chosen: bigint | undefined; all: { name: string; addr: bigint }[] } {
  const names = ['__x86_return_thunk', 'retbleed_return_thunk', 'its_return_thunk', 'srso_return_thunk', 'srso_alias_return_thunk'];
  const all = names.flatMap((name) => {
    const addr = sym(ctx, name);
    return addr === undefined ? [] : [{ name, addr }];
  });
  const pick = ctx.has('X86_FEATURE_SRSO_ALIAS') ? 'srso_alias_return_thunk' : ctx.has('X86_FEATURE_SRSO') ? 'srso_return_thunk' : ctx.has('X86_FEATURE_UNRET') ? 'retbleed_return_thunk' : '__x86_return_thunk';
  return { chosen: all.find((t) => t.name === pick)?.addr, all };
}

/** patch_return() / __static_call_transform(RET): `jmp x86_return_thunk` with X86_FEATURE_RETHUNK, else `ret; int3...`. */
function retForm(ctx: TextPassContext, at: bigint, len: number): TextSiteOutcome {
  const rethunk = ctx.has('X86_FEATURE_RETHUNK');
  const ret = new Uint8Array(len).fill(INT3);
  ret[0] = RET;
  if (rethunk === false) return { bytes: ret, len, outcome: 'ret' };
  const thunks = returnThunks(ctx);
  const forms: LegalForm[] = thunks.all.map((t) => ({ bytes: padInt3(genBranch(0xe9, at, t.addr, ctx.bitness), len), when: `X86_FEATURE_RETHUNK, x86_return_thunk = ${t.name}` }));
  forms.push({ bytes: ret, when: 'X86_FEATURE_RETHUNK clear' });
  const bytes = rethunk === true && thunks.chosen !== undefined ? padInt3(genBranch(0xe9, at, thunks.chosen, ctx.bitness), len) : ret;
  return { bytes, len, outcome: rethunk ? 'jmp return thunk' : 'undecided', forms, dependsOn: 'X86_FEATURE_RETHUNK and x86_return_thunk (bugs.c)' };
}
const padInt3 = (b: Uint8Array, len: number): Uint8Array => {
  const out = new Uint8Array(len).fill(INT3);
  out.set(b.subarray(0, Math.min(b.length, len)));
  return out;
};

/** apply_returns() (alternative.c): every `jmp __x86_return_thunk` (and a static call trampoline's ret). */
export function linux61Returns(ctx: TextPassContext): TextPassRules {
  const thunk = sym(ctx, '__x86_return_thunk');
  return {
    site(s: TextSite, mem: AltMemory): TextSiteOutcome {
      const code = mem.read(s.addr, 16, true);
      const insn = decodeKernelInsn(code, 0, ctx.bitness);
      if (!insn) return { outcome: 'undecodable (WARN, kept)', len: 1 };
      const dest = insn.op0 === 0xe9 && insn.branchTarget !== undefined ? s.addr + BigInt(insn.branchTarget) : undefined;
      // __static_call_fixup(): a static call trampoline (`ud1 %esp,%ecx` signature after the 5-byte insn).
      if (code[5] === TRAMP_UD[0] && code[6] === TRAMP_UD[1] && code[7] === TRAMP_UD[2]) {
        if (insn.op0 === RET || dest === thunk) return { ...retForm(ctx, s.addr, 5), outcome: 'static call trampoline: RET' };
        return { outcome: 'static call trampoline (kept)', len: insn.length };
      }
      if (dest === undefined || dest !== thunk) return { outcome: 'missing return thunk (WARN, kept)', len: insn.length };
      return retForm(ctx, s.addr, insn.length);
    },
  };
}

/** apply_retpolines() + patch_retpoline() (alternative.c): `call/jmp/jcc __x86_indirect_thunk_REG`. */
export function linux61Retpolines(ctx: TextPassContext): TextPassRules {
  const array = sym(ctx, '__x86_indirect_thunk_array');
  return {
    site(s, mem) {
      const code = mem.read(s.addr, 16, true);
      const insn = decodeKernelInsn(code, 0, ctx.bitness);
      if (!insn || insn.branchTarget === undefined || !(insn.op0 === 0xe8 || insn.op0 === 0xe9 || (insn.op0 === 0x0f && insn.op1 >= 0x80 && insn.op1 <= 0x8f))) return { outcome: 'not a thunk call (WARN, kept)', len: insn?.length ?? 1 };
      const len = insn.length;
      const target = s.addr + BigInt(insn.branchTarget);
      // retpoline_thunk_t is RETPOLINE_THUNK_SIZE (32) bytes: the register is the thunk's index.
      const reg = array === undefined ? -1 : Number(target - array) / 32;
      if (!Number.isInteger(reg) || reg < 0 || reg > 15) return { outcome: 'not a thunk of the array (WARN, kept)', len };
      const retpoline = ctx.has('X86_FEATURE_RETPOLINE');
      const lfence = ctx.has('X86_FEATURE_RETPOLINE_LFENCE');
      if (retpoline === undefined || lfence === undefined) return { outcome: 'undecided', len };
      if (retpoline && !lfence) return { outcome: 'retpoline kept', len };
      if (ctx.has('X86_FEATURE_INDIRECT_THUNK_ITS')) return { outcome: 'ITS thunk (not reproduced, kept)', len, reason: 'cpu_wants_indirect_its_thunk_at() is not reproduced' };
      const bytes = new Uint8Array(len);
      let i = 0;
      let op = insn.op0;
      if (op === 0x0f) {
        bytes[i++] = 0x70 + ((insn.op1 & 0xf) ^ 1); // Jncc.d8 over the rest
        bytes[i++] = len - 2;
        op = 0xe9;
      }
      if (lfence) bytes.set([0x0f, 0xae, 0xe8], (i += 3) - 3);
      let r = reg;
      if (r >= 8) {
        bytes[i++] = 0x41;
        r -= 8;
      }
      bytes[i++] = 0xff;
      bytes[i++] = (op === 0xe8 ? 0x10 : 0x20) | 0xc0 | r;
      if (op === 0xe9 && i < len) bytes[i++] = INT3;
      if (i > len) return { outcome: 'does not fit (kept)', len };
      bytes.fill(0x90, i);
      mem.write(s.addr, bytes);
      optimizeNops(s.addr, len, mem, { has: () => undefined, nops: ctx.nops, bitness: ctx.bitness });
      return { bytes: mem.read(s.addr, len), len, outcome: lfence ? 'lfence; indirect' : 'indirect' };
    },
  };
}

/** A table whose sites all become the architecture's NOP (ftrace_make_nop(): `call __fentry__` → x86_nops[5]). */
export function nopsPass(ctx: TextPassContext): TextPassRules {
  return {
    site(s, mem, fixed) {
      const len = fixed ?? 5;
      if (ctx.expect) {
        const want = genBranch(ctx.expect.op, s.addr, ctx.expect.target, ctx.bitness);
        if (!same(mem.read(s.addr, want.length), want)) return { outcome: `not ${ctx.expect.op === 0xe8 ? 'call' : 'jmp'} ${ctx.expect.symbol} (kept)`, len };
      }
      return { bytes: nop(ctx, len), len, outcome: 'nop' };
    },
  };
}

/**
 * jump_label_init() (kernel/jump_label.c) writes nothing on x86 (arch_jump_label_transform_static() is the
 * empty default): a site holds what the compiler emitted for the key's initial state. Any static key may be
 * switched by boot code, so every site has two legal forms: the NOP of its size and the jmp to its target
 * (arch/x86/kernel/jump_label.c __jump_label_patch()). The prediction is the state the image says:
 * `static_key_enabled(key) ^ jump_entry_is_branch(entry)` (atomic_t enabled at offset 0 of the key).
 */
export function linux61JumpLabel(ctx: TextPassContext): TextPassRules {
  return {
    site(s, mem) {
      const code = mem.read(s.addr, 16, true);
      const insn = decodeKernelInsn(code, 0, ctx.bitness);
      const size = insn?.length;
      if (size !== 2 && size !== 5) return { outcome: 'not a 2- or 5-byte instruction (BUG)', len: size ?? 1 };
      const jmp = genBranch(size === 2 ? 0xeb : 0xe9, s.addr, s.target!, ctx.bitness);
      const nopN = nop(ctx, size);
      const en = s.key === undefined ? undefined : ctx.readData(s.key, 4);
      const enabled = en ? new DataView(en.buffer, en.byteOffset, 4).getInt32(0, true) > 0 : undefined;
      const branch = s.flags.includes('branch');
      const forms: LegalForm[] = [{ bytes: nopN, when: 'NOP (key state ^ branch = 0)' }, { bytes: jmp, when: 'JMP (key state ^ branch = 1)' }];
      const dependsOn = `static key: ${keyName(ctx, s.key)}`;
      if (enabled === undefined) return { outcome: 'key not in the image (kept)', len: size, forms, dependsOn };
      const want = enabled !== branch ? jmp : nopN;
      const cur = code.subarray(0, size);
      if (!same(cur, want)) return { bytes: want, len: size, outcome: 'image state differs from the code (rewritten)', forms, dependsOn };
      return { len: size, outcome: enabled !== branch ? 'jmp' : 'nop', forms, dependsOn };
    },
  };
}

/**
 * static_call_init() → __static_call_init() (kernel/static_call_inline.c) → arch_static_call_transform(site,
 * NULL, key->func, tail) → __static_call_transform() (arch/x86/kernel/static_call.c) with
 * __sc_insn(!func, tail): CALL func (`xor %eax,%eax` with 2e prefixes for __static_call_return0), NOP (5-byte
 * NOP), JMP func, RET (patch_return's form); a JMP/RET over a `0f 8x` Jcc keeps the Jcc (to
 * __static_call_return or the return thunk when NULL). static_call_update() may retarget the key during
 * boot: the site then calls/jumps to whatever function the key's trampoline holds.
 */
export function linux61StaticCall(ctx: TextPassContext): TextPassRules {
  const ret0 = sym(ctx, '__static_call_return0');
  const unkeyed = ctx.updates.find((u) => u.key === undefined);
  if (unkeyed) throw new InputError(`static call sites: 'update ${unkeyed.name}': no static call key __SCK__${unkeyed.name} in the kernel's symbols, so its sites cannot be found (give --symbols System.map)`);
  return {
    site(s, mem) {
      const code = mem.read(s.addr, 6, true);
      const tail = s.flags.includes('tail');
      const update = ctx.updates.find((u) => u.key === s.key);
      const func = update ? update.func : s.key === undefined ? undefined : ptrAt(ctx, s.key);
      const dependsOn = `static call key: ${keyName(ctx, s.key)}${update ? ` (${update.text})` : ''}`;
      const jcc = code[0] === 0x0f && (code[1]! & 0xf0) === 0x80;
      if (func === undefined) return { outcome: 'key not in the image (kept)', len: 5, dependsOn };
      let bytes: Uint8Array;
      let len = 5;
      let outcome: string;
      if (tail && jcc) {
        len = 6;
        const to = func !== 0n ? func : ctx.has('X86_FEATURE_RETHUNK') ? sym(ctx, '__x86_return_thunk')! : sym(ctx, '__static_call_return')!;
        const j = genBranch(0xe9, s.addr + 1n, to, ctx.bitness);
        bytes = Uint8Array.of(0x0f, code[1]!, ...j.subarray(1));
        outcome = 'jcc';
      } else if (func === 0n) {
        if (tail) {
          const r = retForm(ctx, s.addr, 5);
          bytes = r.bytes!;
          outcome = 'ret';
        } else {
          bytes = nop(ctx, 5);
          outcome = 'nop';
        }
      } else if (!tail && func === ret0) {
        bytes = XOR5RAX;
        outcome = 'xor %eax,%eax';
      } else {
        bytes = genBranch(tail ? 0xe9 : 0xe8, s.addr, func, ctx.bitness);
        outcome = tail ? 'jmp' : 'call';
      }
      const forms: LegalForm[] = [{ bytes, when: `${update ? update.text : "the key's function in the image"} (${func === 0n ? 'NULL' : ctx.symbols?.describe(func) ?? func.toString(16)})` }];
      if (!jcc) {
        // The key's trampoline (__SCK__x → __SCT__x) says where an update sent the key: tie the site to it, so a
        // site sent elsewhere is not explained. Without the trampoline's symbol, any function entry.
        const keySym = s.key !== undefined ? ctx.symbols?.nearest(s.key) : undefined;
        const tramp = keySym && keySym.offset === 0n && keySym.symbol.name.startsWith('__SCK__') ? ctx.symbols?.addressOf(`__SCT__${keySym.symbol.name.slice(7)}`) : undefined;
        forms.push(tramp !== undefined
          ? { branch: tail ? 0xe9 : 0xe8, to: 'trampoline', trampoline: tramp, when: `static_call_update(): where __SCT__${keySym!.symbol.name.slice(7)} jumps` }
          : { branch: tail ? 0xe9 : 0xe8, to: 'function', when: 'static_call_update() to another function' });
        forms.push(tail ? { bytes: retForm(ctx, s.addr, 5).bytes!, when: 'updated to NULL' } : { bytes: nop(ctx, 5), when: 'updated to NULL' });
        if (!tail) forms.push({ bytes: XOR5RAX, when: 'updated to __static_call_return0' });
      }
      return { bytes, len, outcome, forms, dependsOn };
    },
  };
}

/**
 * The `__SCT__*` trampolines (static_call.c, ARCH_DEFINE_STATIC_CALL_TRAMP: `jmp func` / `ret` + `ud1`
 * signature): nothing rewrites them at init but apply_returns()' __static_call_fixup() (done by the returns
 * table), static_call_update() retargets them during boot: legal forms are a jmp to any function, the return
 * form, and the 2e-prefixed `xor %eax,%eax; ret` form is not 6.1's (RET0 trampolines jmp __static_call_return0).
 */
export function linux61StaticCallTrampoline(ctx: TextPassContext): TextPassRules {
  return {
    site(s, mem) {
      const code = mem.read(s.addr, 8, true);
      if (!(code[5] === TRAMP_UD[0] && code[6] === TRAMP_UD[1] && code[7] === TRAMP_UD[2])) return { outcome: 'no trampoline signature (kept)', len: 5 };
      const forms: LegalForm[] = [
        { branch: 0xe9, to: 'function', when: 'static_call_update() to a function' },
        ...(retForm(ctx, s.addr, 5).forms ?? [{ bytes: retForm(ctx, s.addr, 5).bytes!, when: 'NULL' }]),
      ];
      const name = s.symbol?.replace(/^__SCT__/, '') ?? '?';
      const update = ctx.updates.find((u) => u.name === name);
      const dependsOn = `static call: ${name}${update ? ` (${update.text})` : ''}`;
      if (!update) return { len: 5, outcome: 'trampoline', forms, dependsOn };
      // __static_call_transform(tramp, __sc_insn(!func, true), func): JMP func, or RET for NULL.
      const bytes = update.func === 0n ? retForm(ctx, s.addr, 5).bytes! : genBranch(0xe9, s.addr, update.func, ctx.bitness);
      return { bytes, len: 5, outcome: `trampoline updated (${update.text})`, forms, dependsOn };
    },
  };
}

/**
 * .smp_locks (alternative.c alternatives_smp_module_add() → alternatives_smp_unlock()): only when one CPU is
 * present (`num_present_cpus() == 1 || setup_max_cpus <= 1`) each `lock` prefix (f0) becomes `ds` (3e). The
 * machine's CPU count is not in the image or the feature words: the prediction is SMP (kept), both legal.
 */
export function linux61SmpLocks(): TextPassRules {
  return {
    site(s, mem) {
      const b = mem.read(s.addr, 1);
      if (b[0] !== 0xf0) return { outcome: 'not a lock prefix (kept)', len: 1 };
      return { len: 1, outcome: 'lock kept (SMP)', forms: [{ bytes: Uint8Array.of(0xf0), when: 'SMP' }, { bytes: Uint8Array.of(0x3e), when: 'uniprocessor: alternatives_smp_unlock()' }], dependsOn: 'CPUs present at boot' };
    },
  };
}
