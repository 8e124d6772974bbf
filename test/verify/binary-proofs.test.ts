// Each inline replacement against the function that really is in its slot, in real binaries: the example
// programs (committed, examples/paravirt/bin) and Debian's 6.1 kernels (../shared, present in CI). The
// shipped rule sets must come out equivalent (or not decided, never "differs"); a rule set with one op made
// wrong must give "differs" for exactly that op, with a counterexample. The wrong rules are compiled without
// the contract checker (which would refuse most of them already): here the binary proof alone must see it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyTable } from '../../src/apply/apply.js';
import { ElfPatcher, loadKernelOrElf, loadSymbols, type ElfFile, type SymbolTable } from '../../src/binary/index.js';
import { altTableOf, loadCpuFor, runAlternatives } from '../../src/kernel/alternatives.js';
import { loadRuleSet, readTextFile } from '../../src/model/load.js';
import { compileTables } from '../../src/table/compile.js';
import { patchc } from '../apply/fixtures.js';
import { proveAlternatives, proveRun, type PairResult } from '../../src/verify/function/runProofs.js';
import { proofsSummaryText } from '../../src/verify/function/report.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Binary {
  elf: ElfFile;
  symbols: SymbolTable | undefined;
}

async function load(file: string): Promise<Binary> {
  const elf = (await loadKernelOrElf(file)).elf;
  return { elf, symbols: await loadSymbols(elf, {}) };
}

/** A line to replace (it must occur), after `within` when given (an arch block). */
type Edit = [RegExp, string] | [RegExp, string, string];

/** The rule file with lines replaced, compiled without the contract checker, applied, proved. */
function prove(b: Binary, rules: string, edits: Edit[] = []): PairResult[] {
  const file = path.join(repo, rules);
  const loaded = loadRuleSet(file, (abs) => {
    const r = readTextFile(abs);
    if (abs !== file || 'error' in r) return r;
    let text = r.text;
    for (const [from, to, within] of edits) {
      const at = within ? text.indexOf(within) : 0;
      if (at < 0 || !from.test(text.slice(at))) throw new Error(`${rules}: no line matches ${from}`);
      text = text.slice(0, at) + text.slice(at).replace(from, to);
    }
    return { text };
  });
  const compiled = compileTables(loaded.ruleset, [b.elf.arch], loaded.sources);
  expect([...loaded.diagnostics, ...compiled.diagnostics].filter((d) => d.severity === 'error')).toEqual([]);
  const run = applyTable(b.elf, compiled.tables[0]!, b.symbols, {});
  const proofs = proveRun(run, b.elf, b.symbols);
  // The text every pair gets in the apply summary names the verdict.
  expect(proofsSummaryText(proofs).split('\n').length).toBe(proofs.pairs.length + 2);
  return proofs.pairs;
}

function verdicts(pairs: PairResult[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of pairs) for (const op of p.ops) m.set(op, p.proof.verdict);
  return m;
}

function pairOf(pairs: PairResult[], op: string): PairResult {
  const p = pairs.find((x) => x.ops.includes(op));
  if (!p) throw new Error(`no pair for ${op}: ${pairs.map((x) => x.ops.join('/')).join(', ')}`);
  return p;
}

/** Every op equivalent except `wrong`, which differs. */
function expectOnly(pairs: PairResult[], wrong: string[]): void {
  for (const [op, v] of verdicts(pairs)) expect(v, op).toBe(wrong.includes(op) ? 'differs' : 'equivalent');
}

function counterexample(p: PairResult) {
  if (p.proof.verdict !== 'differs') throw new Error(`${p.ops.join(',')}: ${p.proof.verdict}`);
  return { what: p.proof.what, ...p.proof.counterexample, inputs: Object.fromEntries(p.proof.counterexample.inputs.map((i) => [i.name, i.value])) };
}

describe('the example programs (examples/paravirt/bin)', () => {
  const demo = (arch: string) => load(path.join(repo, `examples/paravirt/bin/demo-${arch}`));
  const RULES = 'examples/paravirt/paravirt-demo.rules';

  it('x86_64: every inline replacement is equivalent to its slot function', async () => {
    const pairs = prove(await demo('x86_64'), RULES);
    expect(pairs.map((p) => p.proof.verdict)).toEqual(pairs.map(() => 'equivalent'));
    expect(pairOf(pairs, 'pte_val').proof.function).toBe('paravirt_ident_64');
    expect(pairOf(pairs, 'save_fl').proof.function).toBe('pv_callee_save_native_save_fl');
    // The callee-save thunk calls the C function: both were decoded.
    expect(pairOf(pairs, 'save_fl').proof.followed.length).toBeGreaterThan(0);
    expect(pairs.length).toBe(5);
  });

  it('x86_64: operand order, a 32-bit move, a register the site keeps — each caught, with its counterexample', async () => {
    // The sites of pte_val let the call change rax alone: `mov %rax, %rdi` would be refused before any
    // proof. The store of set_pte (a direct call in the shipped rules) has operands to get wrong.
    const pairs = prove(await demo('x86_64'), RULES, [
      [/^ {2}# set_pte +-> mov %rsi, \(%rdi\).*$/m, '  set_pte -> mov %rdi, (%rsi)'],
      [/^ {2}pte_val +-> mov arg0, ret/m, '  pte_val -> lea 1(%rdi), %rax'],
      [/^ {2}pmd_val +-> mov arg0, ret/m, '  pmd_val -> mov %edi, %eax'],
    ]);
    expectOnly(pairs, ['set_pte', 'pte_val', 'pmd_val']);
    const order = counterexample(pairOf(pairs, 'set_pte'));
    expect(order.what).toMatch(/store's address differs/);
    expect([order.replacement, order.function]).toEqual([order.inputs['rsi₀'], order.inputs['rdi₀']]);
    const off = counterexample(pairOf(pairs, 'pte_val'));
    expect(BigInt(off.replacement)).toBe(BigInt(off.inputs['rdi₀']!) + 1n);
    const narrow = counterexample(pairOf(pairs, 'pmd_val'));
    expect(BigInt(narrow.replacement)).toBe(BigInt(narrow.inputs['rdi₀']!) & 0xffffffffn);
    expect(narrow.function).toBe(narrow.inputs['rdi₀']);
  });

  it('x86_64: a clobbered register the convention keeps (without the sites\' clobber masks)', async () => {
    // With the mask, the apply loop refuses a replacement that writes a register the mask does not allow
    // before any proof; without it, the op's convention (callee_save: all but rax) says what the site keeps.
    const pairs = prove(await demo('x86_64'), RULES, [
      [/^ {2}clobbers u16 at 10 \{ rax rcx rdx rdi rsi r8 r9 r10 r11 \}/m, ''],
      [/^ {2}save_fl +-> pushf; pop %rax/m, '  save_fl -> pushf; pop %rax; xor %ecx, %ecx'],
      [/^ {2}restore_fl +-> push %rdi; popf/m, '  restore_fl -> push %rdi; popf; mov %rdi, %rbx'],
    ]);
    expectOnly(pairs, ['save_fl', 'restore_fl']);
    const kept = counterexample(pairOf(pairs, 'save_fl'));
    expect(kept.what).toMatch(/^rcx \(the site keeps it\)/);
    expect([kept.replacement, kept.function]).toEqual(['0', kept.inputs['rcx₀']]);
    const callee = counterexample(pairOf(pairs, 'restore_fl'));
    expect(callee.what).toMatch(/^rbx \(the site keeps it\)/);
    expect([callee.replacement, callee.function]).toEqual([callee.inputs['rdi₀'], callee.inputs['rbx₀']]);
  });

  it('i386: the identities are empty (edx:eax in, edx:eax out) and equivalent; a lost high half is caught', async () => {
    const b = await demo('i386');
    const pairs = prove(b, RULES);
    expect(pairs.map((p) => p.proof.verdict)).toEqual(pairs.map(() => 'equivalent'));
    const wrong = prove(b, RULES, [[/^ {2}pte_val +-> mov arg0, ret/m, '  pte_val -> xor %edx, %edx', 'arch i386 {']]);
    expectOnly(wrong, ['pte_val']);
    const c = counterexample(pairOf(wrong, 'pte_val'));
    expect(c.what).toMatch(/^the result in edx:eax/);
    const edx = BigInt(c.inputs['edx₀']!);
    const eax = BigInt(c.inputs['eax₀']!);
    expect([BigInt(c.replacement), BigInt(c.function)]).toEqual([eax, (edx << 32n) | eax]);
  });
});

const KERNELS = {
  x86_64: { dir: '6.1.0-56-cloud-amd64', rules: 'rules/linux/linux-6.1-x86_64.rules' },
  i386: { dir: '6.1.0-57-686', rules: 'rules/linux/linux-6.1-i386.rules' },
};

for (const [arch, k] of Object.entries(KERNELS)) {
  const file = path.resolve(repo, `../shared/linux/${k.dir}/vmlinuz-${k.dir}`);
  const have = existsSync(file);
  describe.skipIf(!have)(`Debian ${k.dir} (${arch})${have ? '' : ' [SKIPPED: ../shared is absent]'}`, () => {
    let b: Binary;
    beforeAll(async () => {
      b = await load(file);
    });

    it('the shipped rules: every pair equivalent or not decided, none differs', () => {
      const pairs = prove(b, k.rules);
      expect(pairs.filter((p) => p.proof.verdict === 'differs')).toEqual([]);
      expect(pairs.length).toBeGreaterThan(0);
      if (arch === 'x86_64') {
        // Every pair this kernel has is decided: its slot functions are a few instructions each.
        expect(pairs.map((p) => p.proof.verdict)).toEqual(pairs.map(() => 'equivalent'));
        expect(pairOf(pairs, 'mmu.pte_val').proof.function).toBe('_paravirt_ident_64');
        expect(pairOf(pairs, 'irq.save_fl').proof.function).toBe('native_save_fl');
        expect(pairOf(pairs, 'lock.queued_spin_unlock').proof.followed).toEqual(['__native_queued_spin_unlock']);
      } else {
        expect(pairOf(pairs, 'lock.vcpu_is_preempted').proof.verdict).toBe('equivalent');
      }
    });

    if (arch === 'x86_64') {
      it('one op made wrong at a time is the only one that differs', () => {
        const cases: [string, RegExp, string, RegExp][] = [
          // Operand order: the register and cr3 the other way round (the site may change rdi, not leave cr3 alone).
          ['mmu.write_cr3', /^ {2}mmu\.write_cr3 +-> .*$/m, '  mmu.write_cr3 -> mov %cr3, %rdi', /^memory and system writes: the replacement does nothing, the function `mov %rdi, ?%cr3`/],
          ['mmu.pmd_val', /^ {2}mmu\.pmd_val +-> .*$/m, '  mmu.pmd_val -> mov %edi, %eax', /^the result in rax/],
          // (A register outside the sites' clobber masks is refused by the apply loop before any proof.)
          ['irq.irq_disable', /^ {2}irq\.irq_disable +-> .*$/m, '  irq.irq_disable -> cli; std', /^flag DF/],
          ['irq.irq_enable', /^ {2}irq\.irq_enable +-> .*$/m, '  irq.irq_enable -> cli', /^flag IF/],
          ['mmu.read_cr3', /^ {2}mmu\.read_cr3 +-> .*$/m, '  mmu.read_cr3 -> mov %cr2, %rax', /^the result in rax/],
        ];
        for (const [op, from, to, what] of cases) {
          const pairs = prove(b, k.rules, [[from, to]]);
          expectOnly(pairs, [op]);
          expect(counterexample(pairOf(pairs, op)).what, op).toMatch(what);
        }
      });
    } else {
      it('a wrong register for the lock or the result is the only pair that differs', () => {
        const unlock = prove(b, k.rules, [[/^ {2}target __raw_callee_save___native_queued_spin_unlock +-> .*$/m, '  target __raw_callee_save___native_queued_spin_unlock -> movb $0, (%edx)']]);
        expectOnly(unlock, ['lock.queued_spin_unlock']);
        const c = counterexample(pairOf(unlock, 'lock.queued_spin_unlock'));
        expect(c.what).toMatch(/store's address differs/);
        expect([c.replacement, c.function]).toEqual([c.inputs['edx₀'], c.inputs['eax₀']]);
        const preempted = prove(b, k.rules, [[/^ {2}target __raw_callee_save___native_vcpu_is_preempted +-> .*$/m, '  target __raw_callee_save___native_vcpu_is_preempted -> xor %ecx, %ecx']]);
        expectOnly(preempted, ['lock.vcpu_is_preempted']);
      });
    }
  });
}

const K612 = '6.12.117+deb12-cloud-amd64';
const file612 = path.resolve(repo, `../shared/linux/${K612}/vmlinuz-${K612}`);
const have612 = existsSync(file612);
describe.skipIf(!have612)(`Debian ${K612}: the alternatives pass's own replacements${have612 ? '' : ' [SKIPPED: ../shared is absent]'}`, () => {
  it('every slot call the pass made inline is equivalent to the slot function; a wrong one differs alone', async () => {
    const b = await load(file612);
    const loaded = loadRuleSet(path.join(repo, 'rules/linux/linux-6.12-x86_64.rules'));
    const table = compileTables(loaded.ruleset, ['x86_64'], loaded.sources).tables[0]!;
    const capsFile = path.join(repo, `test/fixtures/cpu/${K612}-qemu64.caps.bin`);
    const cpu = loadCpuFor(altTableOf(table), capsFile, new Uint8Array(readFileSync(capsFile))).set!;
    const alt = runAlternatives(b.elf, new ElfPatcher(b.elf, { record: false }), table, cpu, b.symbols);
    const proofs = proveAlternatives(alt, table, b.elf, b.symbols);
    expect(proofs.pairs.map((p) => p.proof.verdict)).toEqual(proofs.pairs.map(() => 'equivalent'));
    expect(pairOf(proofs.pairs, 'irq.irq_disable').replacement).toBe('cli');
    expect(pairOf(proofs.pairs, 'mmu.pte_val').proof.function).toBe('_paravirt_ident_64');
    // The same pass with every `cli` it wrote turned into `sti`.
    const wrong = { ...alt, results: alt.results.map((r) => (r.outcome === 'applied' && r.after[0] === 0xfa ? { ...r, after: Uint8Array.from([0xfb, ...r.after.subarray(1)]) } : r)) };
    const again = proveAlternatives(wrong, table, b.elf, b.symbols);
    expectOnly(again.pairs, ['irq.irq_disable']);
    expect(counterexample(pairOf(again.pairs, 'irq.irq_disable')).what).toMatch(/^flag IF/);
  });
});

describe('the verdicts in the CLI: apply (summary, JSON report), explain, check --binary', () => {
  const demo = path.join(repo, 'examples/paravirt/bin/demo-x86_64');
  const rules = path.join(repo, 'examples/paravirt/paravirt-demo.rules');

  it('apply --dry-run --report: a line per pair, the pairs in the head, each site its pair', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'patchc-proofs-'));
    try {
      const report = path.join(dir, 'r.json');
      const r = await patchc('apply', '--dry-run', '--rules', rules, demo, '--report', report);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^proofs \(each inline replacement against the function in its slot\): 5 pairs: 5 equivalent, 0 differ, 0 not decided/m);
      expect(r.out).toContain('`pushf; pop %rax` equivalent to pv_callee_save_native_save_fl');
      const doc = JSON.parse(readFileSync(report, 'utf8')) as { proofs: { pairs: number; equivalent: number; list: { verdict: string; function: string; compared: string[] }[] }; sites: { op: string; proof?: { pair: number; verdict: string } }[] };
      expect([doc.proofs.pairs, doc.proofs.equivalent]).toEqual([5, 5]);
      expect(doc.proofs.list[0]!.compared.join('; ')).toMatch(/live flags TF IF DF IOPL0 IOPL1 NT AC ID \(not CF PF AF ZF SF OF/);
      const pte = doc.sites.find((s) => s.op === 'pte_val')!;
      expect(doc.proofs.list[pte.proof!.pair]!.function).toBe('paravirt_ident_64');
      // A direct call to the slot's own function is no pair.
      expect(doc.sites.find((s) => s.op === 'set_pte')!.proof).toBeUndefined();
      const skipped = await patchc('apply', '--dry-run', '--skip-proofs', '--rules', rules, demo);
      expect(skipped.out).not.toContain('proofs');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explain shows the proof under a site; check --binary prints the pairs', async () => {
    const e = await patchc('explain', '--rules', rules, demo, '--op', 'save_fl', '--max', '1');
    expect(e.out).toMatch(/\n {2}proof: equivalent to pv_callee_save_native_save_fl\n/);
    const c = await patchc('check', rules, '--binary', demo);
    expect(c.code).toBe(0);
    expect(c.out).toContain('5 pairs: 5 equivalent, 0 differ, 0 not decided');
  });
});
