// The assembler on whole objdump listings of binaries no test samples (issue 12's "code nobody here wrote"):
// every distinct instruction line of each binary's disassembly, in AT&T and Intel syntax, reassembled by GNU as
// (the reference) and by patchc.
//   npx tsx bench/asm/listings.ts [--max N] [binary ...]
// Prints per binary and syntax: distinct lines, lines GNU assembles silently, how many of those patchc encodes
// identically (the >= 99.5% aim), wrong bytes (aim 0), and the refusals by cause.
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { classify, type Verdict } from '../../test/asm/diff/compare.js';
import { gnuAssembleItems, hex } from '../../test/asm/diff/gnu.js';
import { loadAssembler, patchcOptions, runPatchc } from '../../test/asm/diff/patchc.js';
import { extractSample, type RealCodeSample } from '../../test/asm/diff/realcode.js';

const LIB64 = '/usr/lib/x86_64-linux-gnu';
// libc carries AVX-512 string functions (the *_evex and *_avx512 variants); gmp has hand-written asm (mulx,
// adcx/adox); 32-bit libc comes from Debian's libc6-i386.
const DEFAULT_BINARIES: { path: string; bitness: 32 | 64 }[] = [
  { path: `${LIB64}/libc.so.6`, bitness: 64 },
  { path: `${LIB64}/libstdc++.so.6`, bitness: 64 },
  { path: '/usr/bin/gdb', bitness: 64 },
  { path: `${LIB64}/libgmp.so.10`, bitness: 64 },
  { path: '/usr/lib32/libc.so.6', bitness: 32 },
];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** A refusal message with its particulars (names, numbers) folded, so messages of one cause count together. */
function cause(message: string): string {
  return message
    .split('; ')[0]!
    .replace(/'[^']*'/g, "'X'")
    .replace(/`[^`]*`/g, '`X`')
    .replace(/0x[0-9a-f]+|\b\d+\b/gi, 'N');
}

async function main(): Promise<void> {
  const loaded = await loadAssembler();
  if (!loaded.ok) throw new Error(loaded.reason);
  const max = Number(arg('--max', '200000'));
  const paths = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--max');
  const binaries = paths.length > 0 ? paths.map((p) => ({ path: p, bitness: (p.includes('32') ? 32 : 64) as 32 | 64 })) : DEFAULT_BINARIES;
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}; GNU as is the reference`);
  console.log(`${'binary'.padEnd(34)} ${'syntax'.padEnd(6)} ${'distinct'.padStart(8)} ${'GNU ok'.padStart(8)} ${'identical'.padStart(10)} ${'encoded'.padStart(8)} ${'wrong'.padStart(6)} ${'acc-inv'.padStart(7)}`);
  const causes = new Map<string, number>();
  const wrongs: string[] = [];
  let totalOk = 0;
  let totalSame = 0;
  for (const b of binaries) {
    if (!existsSync(b.path)) {
      console.log(`${b.path}: not on this machine, skipped`);
      continue;
    }
    for (const syntax of ['att', 'intel'] as const) {
      const sample: RealCodeSample = { name: b.path, binary: b.path, syntax, bitness: b.bitness, limit: max };
      const t0 = performance.now();
      const { items } = await extractSample(sample);
      const gnu = await gnuAssembleItems(items, { syntax, bitness: b.bitness });
      const counts = new Map<Verdict, number>();
      let gnuOk = 0;
      let sameOk = 0;
      items.forEach((text, i) => {
        const g = gnu[i]!;
        const p = runPatchc(loaded.assembleBlock, text, patchcOptions(syntax, b.bitness));
        const v = classify('match', g, p);
        counts.set(v, (counts.get(v) ?? 0) + 1);
        if (g.verdict === 'ok') gnuOk++;
        if (g.verdict === 'ok' && v === 'identical') sameOk++;
        if (v === 'refused' && p.kind === 'refused') causes.set(cause(p.message), (causes.get(cause(p.message)) ?? 0) + 1);
        if (v === 'wrong' || v === 'accepted-invalid' || v === 'threw') wrongs.push(`${v} ${syntax}/${b.bitness} ${text}: GNU ${g.verdict === 'error' ? g.messages.join('; ') : hex(g.bytes)}; patchc ${p.kind === 'bytes' ? hex(p.bytes) : p.message}`);
      });
      // Identical among the lines GNU takes silently (a line GNU only warns about may be identical too).
      const same = sameOk;
      totalOk += gnuOk;
      totalSame += same;
      const name = b.path.replace(/^.*\//, '');
      console.log(
        `${name.padEnd(34)} ${syntax.padEnd(6)} ${String(items.length).padStart(8)} ${String(gnuOk).padStart(8)} ${String(same).padStart(10)} ${`${((100 * same) / Math.max(1, gnuOk)).toFixed(2)}%`.padStart(8)} ${String(counts.get('wrong') ?? 0).padStart(6)} ${String(counts.get('accepted-invalid') ?? 0).padStart(7)}   (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      );
    }
  }
  console.log(`\nall: ${totalSame} / ${totalOk} lines GNU assembles silently are encoded identically (${((100 * totalSame) / Math.max(1, totalOk)).toFixed(2)}%)`);
  console.log(`\nrefusals by cause (lines GNU assembles silently):`);
  for (const [c, n] of [...causes].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${String(n).padStart(7)}  ${c}`);
  console.log(`\nwrong / accepted-invalid / threw: ${wrongs.length}`);
  for (const w of wrongs.slice(0, 60)) console.log(`  ${w}`);
}

await main();
