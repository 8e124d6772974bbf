// Figures for the core issue: wall time of `patchc compile` on every shipped rule set for every
// architecture, and a generated rule file with 100,000 instructions beside GNU as on the same
// instructions. Run: npx tsx bench/compile/bench.ts
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = new URL('../../', import.meta.url).pathname;
const cli = join(root, 'bin/patchc.js');
const shipped = ['rules/linux/linux-6.1-x86_64.rules', 'rules/linux/paravirt-5.x.rules', 'examples/paravirt/paravirt-demo.rules'];

function time(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 });
  const t = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return t;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}`);

const runs = shipped.map((f) => median(Array.from({ length: 5 }, () => time('node', [cli, 'compile', f, '--arch', 'all', '-o', '/dev/null']))));
shipped.forEach((f, i) => console.log(`patchc compile ${f} --arch all: ${runs[i]!.toFixed(0)} ms (median of 5, process start included)`));
console.log(`all shipped rule sets: ${runs.reduce((a, b) => a + b, 0).toFixed(0)} ms`);

// 100,000 distinct instructions from a few families, as one rule each of 10 instructions.
const dir = mkdtempSync(join(tmpdir(), 'patchc-bench-'));
// Destinations are caller-saved registers only: every rule must pass the contract checker too.
const dests = ['rax', 'rcx', 'rdx', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11'];
const regs = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const insns: string[] = [];
for (let i = 0; insns.length < 100_000; i++) {
  const a = dests[i % dests.length]!;
  const b = regs[(i >> 4) % regs.length]!;
  const k = i % 5;
  if (k === 0) insns.push(`mov ${a}, QWORD PTR [${b}+${(i * 8) % 4096}]`);
  else if (k === 1) insns.push(`add ${a}, ${i % 100000}`);
  else if (k === 2) insns.push(`lea ${a}, [${b}+${regs[i % 7]}*8+${i % 1000}]`);
  else if (k === 3) insns.push(`xor ${a.replace(/^r(\d+)$/, 'r$1d').replace(/^r([a-z]+)$/, 'e$1')}, ${i & 0xffff}`);
  else insns.push(`cmp QWORD PTR [${a}+${i % 2000}], ${i % 120}`);
}
let rules = 'ruleset bench\nsyntax intel\n';
const ops = insns.length / 10;
for (let o = 0; o < ops; o++) rules += `op o${o}()\n`;
rules += 'arch x86_64 {\n';
for (let o = 0; o < ops; o++) rules += `  o${o} -> ${insns.slice(o * 10, o * 10 + 10).join('; ')}\n`;
rules += '}\n';
writeFileSync(join(dir, 'big.rules'), rules);
writeFileSync(join(dir, 'big.s'), `.intel_syntax noprefix\n${insns.join('\n')}\n`);
const tPatchc = median(Array.from({ length: 3 }, () => time('node', [cli, 'compile', join(dir, 'big.rules'), '--format', 'json', '-o', join(dir, 'big.json')])));
const tAs = median(Array.from({ length: 3 }, () => time('as', ['--64', '-o', join(dir, 'big.o'), join(dir, 'big.s')])));
console.log(`generated rule file, ${insns.length} instructions in ${ops} rules: patchc compile ${tPatchc.toFixed(0)} ms, GNU as ${tAs.toFixed(0)} ms, ratio ${(tPatchc / tAs).toFixed(1)}x`);
