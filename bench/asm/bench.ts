// Assembler benchmark and scoreboard.
//   npx tsx bench/asm/bench.ts [--lines 100000] [--cli] [--skip-agreement] [--runs 5] [--syntax att|intel|both]
// 1. agreement with GNU as per corpus group (identical / compared, refused);
// 2. warm throughput of assembleBlock, one instruction per call, over the corpus;
// 3. wall time of patchc vs `as` on one file of N distinct lines (default 100,000), and whether the
//    bytes are the same.
// `--cli` also times `node bin/patchc.js asm --file F` (the built dist/, so run `npm run build` first).
// Times are wall time of the assembling alone: for a program, running it to exit; turning its output into bytes
// for the comparison (hex text, or the ELF .text) is not counted. Programs (as, the CLI) run --runs times in turn
// and report their median, since one run on a loaded machine can be off by half.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { formatTable } from '../../test/asm/diff/compare.js';
import { readElfSections } from '../../test/asm/diff/elf.js';
import { REPO_ROOT, loadAssembler, patchcOptions, type AssembleBlock } from '../../test/asm/diff/patchc.js';
import { loadCodeTableCorpus, refusalCauses } from '../../test/asm/diff/codetable-run.js';
import { gnuForCorpus, loadCorpus, patchcForCorpus, statsByGroup, variantOf } from '../../test/asm/diff/run-corpus.js';
import { distinctLines } from './lines.js';

const run = promisify(execFile);

/**
 * Something that turns a whole source file into bytes. Only `assemble` is timed (for a program: running it to
 * completion); reading its output back into bytes for the comparison with GNU is not part of its time.
 */
interface FileAssembler<Out = unknown> {
  name: string;
  assemble(path: string, text: string): Promise<Out>;
  bytesOf(out: Out, path: string): Promise<Uint8Array | null>;
}

type Syntax = 'att' | 'intel';

function libraryAssembler(assembleBlock: AssembleBlock, syntax: Syntax): FileAssembler<Uint8Array | null> {
  return {
    name: 'patchc (library, one assembleBlock call)',
    async assemble(_path, text) {
      const r = assembleBlock(text, { syntax, bitness: 64 });
      return r.errors.length === 0 ? r.bytes : null;
    },
    async bytesOf(bytes) {
      return bytes;
    },
  };
}

/** `patchc asm --file F`: one line of hex (or `error: ...`) per input line; runs the built dist/. */
function cliAssembler(syntax: Syntax): FileAssembler<string> {
  return {
    name: 'patchc (CLI: patchc asm --file, dist/)',
    async assemble(path) {
      const { stdout } = await run(process.execPath, [join(REPO_ROOT, 'bin/patchc.js'), 'asm', '--arch', 'x86_64', '--syntax', syntax, '--file', path], { maxBuffer: 1 << 30 });
      return stdout;
    },
    async bytesOf(stdout) {
      const lines = stdout.split('\n').filter((l) => l !== '');
      if (lines.some((l) => l.startsWith('error:'))) return null;
      return Uint8Array.from(lines.flatMap((l) => l.split(' ').filter((h) => h !== '').map((h) => parseInt(h, 16))));
    },
  };
}

// GNU reads the Intel file with a `.intel_syntax noprefix` line in front (written beside it, not timed).
const gnuAssembler: FileAssembler<void> = {
  name: 'GNU as --64',
  async assemble(path) {
    await run('as', ['--64', '-o', `${path}.o`, existsSync(`${path}.gnu`) ? `${path}.gnu` : path], { maxBuffer: 1 << 28 });
  },
  async bytesOf(_out, path) {
    const text = readElfSections(new Uint8Array(await readFile(`${path}.o`))).find((s) => s.name === '.text');
    return text ? text.bytes : null;
  },
};

async function time<Out>(a: FileAssembler<Out>, path: string, text: string): Promise<{ ms: number; bytes: Uint8Array | null }> {
  const t0 = performance.now();
  let out: Out;
  try {
    out = await a.assemble(path, text);
  } catch (e) {
    console.log(`  ${a.name} failed: ${(e as Error).message.split('\n')[0]}`);
    return { ms: performance.now() - t0, bytes: null };
  }
  const ms = performance.now() - t0;
  return { ms, bytes: await a.bytesOf(out, path) };
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

async function main(): Promise<void> {
  const loaded = await loadAssembler();
  if (!loaded.ok) {
    console.error(`patchc's assembler is not available: ${loaded.reason}`);
    process.exitCode = 1;
    return;
  }
  const asm = loaded.assembleBlock;

  // 1. Agreement.
  const files = loadCorpus();
  if (!process.argv.includes('--skip-agreement')) {
    const t0 = performance.now();
    const gnu = await gnuForCorpus(files);
    const tGnu = performance.now() - t0;
    const items = patchcForCorpus(files, gnu, asm);
    console.log(`\n== agreement with GNU as (corpus: ${items.length} items in ${files.length} files; GNU took ${tGnu.toFixed(0)} ms) ==`);
    console.log(formatTable(statsByGroup(items)));
    // iced's whole code table in objdump's spelling, per syntax and mode, with patchc's refusals by cause.
    const ct = loadCodeTableCorpus();
    const ctItems = patchcForCorpus(ct, await gnuForCorpus(ct), asm);
    console.log(`\n== agreement with GNU as (code-table corpus: ${ctItems.length} items in ${ct.length} files) ==`);
    console.log(formatTable(statsByGroup(ctItems, variantOf)));
    console.log('refusals of lines GNU assembles silently, by cause:');
    for (const [cause, n] of refusalCauses(ctItems).slice(0, 12)) console.log(`${String(n).padStart(7)}  ${cause}`);
  }

  // 2. Warm throughput: every one-line corpus item, one call each, after a warm-up pass.
  const work = files.filter((f) => f.format === 'lines').flatMap((f) => f.items.map((text) => ({ text, opts: patchcOptions(f.syntax, f.bitness) })));
  const pass = (): number => {
    let n = 0;
    for (const w of work) {
      try {
        asm(w.text, w.opts);
      } catch {
        // counted like any other call: we time the assembler, not its verdicts
      }
      n++;
    }
    return n;
  };
  pass();
  const t1 = performance.now();
  let calls = 0;
  while (performance.now() - t1 < 2000) calls += pass();
  const secs = (performance.now() - t1) / 1000;
  console.log(`\n== warm throughput ==\nassembleBlock, one line per call: ${(calls / secs).toFixed(0)} lines/s (${calls} calls in ${secs.toFixed(2)} s)`);

  // 3. One big file, patchc vs GNU as, per syntax.
  const count = Number(arg('--lines', '100000'));
  const which = arg('--syntax', 'both');
  const syntaxes: Syntax[] = which === 'both' ? ['att', 'intel'] : [which as Syntax];
  for (const syntax of syntaxes) await bigFile(asm, count, syntax);
}

async function bigFile(asm: AssembleBlock, count: number, syntax: Syntax): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'patchc-bench-'));
  try {
    const text = `${distinctLines(count, syntax).join('\n')}\n`;
    const path = join(dir, 'big.s');
    await writeFile(path, text);
    if (syntax === 'intel') await writeFile(`${path}.gnu`, `.intel_syntax noprefix\n${text}`);
    // Programs run `runs` times, taking turns so they meet the same machine load, and each is given its median
    // time. The library runs once: its caches stay warm inside this process, so a second run would time them.
    const runs = Math.max(1, Number(arg('--runs', '5')));
    const programs: FileAssembler<unknown>[] = [gnuAssembler, ...(process.argv.includes('--cli') ? [cliAssembler(syntax)] : [])];
    const times = programs.map(() => [] as number[]);
    const bytes: (Uint8Array | null)[] = programs.map(() => null);
    for (let r = 0; r < runs; r++) {
      for (const [i, a] of programs.entries()) {
        const t = await time(a, path, text);
        times[i]!.push(t.ms);
        bytes[i] = t.bytes;
      }
    }
    const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const gMs = median(times[0]!);
    console.log(`\n== ${count} distinct lines, ${syntax} syntax (${(text.length / 1e6).toFixed(1)} MB); programs: median of ${runs} runs ==`);
    const spread = (xs: number[]): string => (xs.length > 1 ? `  [min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}]` : '');
    console.log(`${gnuAssembler.name.padEnd(44)} ${gMs.toFixed(0).padStart(7)} ms${spread(times[0]!)}`);
    const report = (name: string, ms: number, out: Uint8Array | null, extra: string): void => {
      const same = bytes[0] && out ? Buffer.from(bytes[0]).equals(Buffer.from(out)) : false;
      console.log(`${name.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms${out ? '' : ' (refused or failed)'}  (${((count / ms) * 1000).toFixed(0)} lines/s)${extra}`);
      console.log(`  ratio patchc/as: ${(ms / gMs).toFixed(2)}x; same bytes as GNU: ${same ? 'yes' : 'no'}`);
    };
    const lib = libraryAssembler(asm, syntax);
    const l = await time(lib, path, text);
    report(lib.name, l.ms, l.bytes, '');
    for (let i = 1; i < programs.length; i++) report(programs[i]!.name, median(times[i]!), bytes[i]!, spread(times[i]!));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
