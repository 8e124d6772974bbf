import { lstatSync, readFileSync, rmSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { applyTable, type ApplyRun } from '../../apply/apply.js';
import { explainChunks, reportChunks, summaryText } from '../../apply/report.js';
import type { SiteResult } from '../../apply/types.js';
import { writeFileAtomicStream } from '../../binary/atomicWrite.js';
import { checkSymbolsMatch, loadKernelOrElf, loadSymbols } from '../../binary/index.js';
import { hasErrors } from '../../diag/diagnostic.js';
import { ARCHES } from '../../model/arch.js';
import { EXIT, reportDiagnostics, UsageError, type Io } from '../io.js';
import { loadTableForArch } from '../loadTable.js';
import { SourceText } from '../../diag/source.js';
import { cpuSourceOf, loadCpuFor, runAlternatives } from '../../kernel/alternatives.js';
import { featureTestFor } from '../../kernel/ruleFeatures.js';
import { alternativesEntries, alternativesSummary, alternativesSummaryText, explainAlternatives } from '../../kernel/altReport.js';
import { patcherMemory } from '../../apply/altMemory.js';
import type { CpuFeatureSet } from '../../kernel/cpuFeatures.js';
import type { PatchTable } from '../../table/types.js';
import { mergeProofs, proveAlternatives, proveRun, type RunProofs } from '../../verify/function/runProofs.js';
import { proofsJson, proofsSummaryText, verdictLine } from '../../verify/function/report.js';

export const applyHelp = `usage: patchc apply --rules FILE --arch i386|x86_64 INPUT -o OUTPUT [options]

Patches every site of INPUT (an ELF, or a vmlinuz whose embedded ELF is extracted: the output is then
that ELF, patched — a vmlinux, not a new bzImage) and writes a new file; the input is never modified. Each site is checked before and after it is written; a site that
fails a check keeps its bytes and is reported with the reason.
  --rules FILE      a rule file, or a table compiled by \`patchc compile\` (YAML or JSON)
  --arch ARCH       the table to use (default: the ELF's own architecture)
  -o OUTPUT         the patched file (written to a temporary file, then renamed)
  --report R.json   a JSON report: per site address, op, target, bytes and disassembly before/after, outcome
  --symbols MAP     a System.map (plain or .xz) when the binary has no symbol table and no kallsyms
                    tables (a kernel's own kallsyms, and the exports of __ksymtab it lacks, are read
                    from its image when it has them)
  --sites FILE      a site list (YAML/JSON: address, op, length) instead of the rules' sitetable
  --cpu FILE        the CPU: rules with \`if\`/\`unless\` FEATURE are chosen by it, then the kernel's
                    alternatives pass (the rules' alttable) runs for it. /proc/cpuinfo, feature names or
                    word*32+bit numbers, the x86_capability words as hex (gdb's x/24wx or p/x), or their raw
                    bytes; names resolve through the rule set's kernel version (\`features\`, or the alttable's)
  --dry-run         check and report, write no output
  --skip-proofs     do not prove each inline replacement against the function in its slot (by default
                    every distinct pair is decoded and decided: equivalent / differs / not decided)
  --strict          exit 1 when any site was refused, or any inline replacement differs from the function in
                    its slot (a pipeline then stops on what the proofs found)
Exit: 0 ok, 1 errors in the rules (or, with --strict, refused sites or replacements that differ), 2 usage,
I/O or malformed input.
`;

export const explainHelp = `usage: patchc explain --rules FILE INPUT [--arch A] [--symbols MAP] [--sites FILE] [--cpu FILE] [--op NAME] [--max N]

Shows what apply would do to chosen sites, before and after, in objdump style (nothing is written), and
for an inline replacement whether it is equivalent to the function in the site's slot.
  --op NAME   only sites of this op     --max N   at most N sites (default 10)
  --cpu FILE  the CPU (as for apply): rules with \`if\`/\`unless\` FEATURE are chosen by it, and the alternatives
              pass's sites are shown too (each entry's feature and outcome); --op then picks the sites that
              called that op's slot (6.8+ kernels: the paravirt sites)
  --skip-proofs   no equivalence proofs
`;

interface Common {
  rules?: string;
  arch?: string;
  symbols?: string;
  sites?: string;
  cpu?: string;
  'skip-proofs'?: boolean;
}

/** The --cpu file read for the rules' alttable; diagnostics printed (file:line:col), undefined on errors. */
export function readCpu(path: string, table: PatchTable, io: Io): CpuFeatureSet | undefined {
  let data: Uint8Array;
  try {
    data = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const r = loadCpuFor(cpuSourceOf(table), path, data);
  const text = new TextDecoder().decode(data);
  reportDiagnostics(io, r.diagnostics, new Map([[path, new SourceText(path, text)]]));
  return hasErrors(r.diagnostics) ? undefined : r.set;
}

async function run(values: Common, input: string, io: Io) {
  if (!values.rules) throw new UsageError('--rules FILE is required');
  const binary = await loadKernelOrElf(input);
  const arch = values.arch ?? binary.elf.arch;
  if (!ARCHES.has(arch)) throw new UsageError(`unknown architecture '${arch}'`);
  const t = loadTableForArch(values.rules, arch, io);
  if (!t.ok) return { exit: t.exit } as const;
  // Before anything is patched: a bad CPU file stops the command with nothing written.
  const cpu = values.cpu !== undefined ? readCpu(values.cpu, t.table, io) : undefined;
  if (values.cpu !== undefined && !cpu) return { exit: EXIT.usage } as const;
  const symbols = await loadSymbols(binary.elf, values.symbols !== undefined ? { systemMap: values.symbols } : {});
  if (symbols && values.symbols !== undefined) {
    // A System.map of another build gives wrong addresses: patching with it would corrupt the binary.
    const mismatch = checkSymbolsMatch(binary.elf, symbols);
    reportDiagnostics(io, mismatch, new Map());
    if (hasErrors(mismatch)) return { exit: EXIT.usage } as const;
  }
  let siteList: { text: string; file: string } | undefined;
  if (values.sites !== undefined) {
    try {
      siteList = { text: readFileSync(values.sites, 'utf8'), file: values.sites };
    } catch (e) {
      throw new UsageError(`cannot read ${values.sites}: ${(e as Error).message}`);
    }
  }
  // The loaded binary is this command's alone: patch it in place rather than keep a second copy.
  const features = cpu ? featureTestFor(t.table, cpu) : undefined;
  const result = applyTable(binary.elf, t.table, symbols, { ...(siteList ? { siteList } : {}), inPlace: true, ...(features ? { features } : {}) });
  const hasAltTable = (t.table.altTables?.length ?? 0) > 0;
  if (!cpu && hasAltTable && result.stats.sites === 0) {
    // A 6.8+ kernel: every site is an ALTERNATIVE, decided by the CPU. Writing the input back unchanged
    // would look like success.
    throw new UsageError(`nothing to patch: ${values.rules} finds no sites in ${input} outside its alttable, and the alttable's entries are decided by the CPU's features: give --cpu FILE (/proc/cpuinfo, feature names, or the x86_capability words)`);
  }
  // After the paravirt pass, before the alternatives: the slot functions as the kernel has them when the
  // alternatives pass runs (a function with paravirt sites of its own has them patched).
  const proofs = values['skip-proofs'] ? undefined : proveRun(result, binary.elf, symbols);
  // The kernel's order (6.1 alternative_instructions()): paravirt sites first, then the alternatives over them.
  const alternatives = cpu && hasAltTable ? { run: runAlternatives(binary.elf, result.patcher, t.table, cpu, symbols), cpu } : undefined;
  // Sites the alternatives pass took from a slot call to inline code (6.8+: every site): the kernel's own replacement.
  const altProofs = proofs && alternatives ? proveAlternatives(alternatives.run, t.table, binary.elf, symbols) : undefined;
  const notes: string[] = [];
  if (!cpu && hasAltTable) notes.push(`note: no --cpu: the alternatives pass (alttable ${t.table.altTables![0]!.name}) did not run; its sites keep the file's bytes`);
  const unconsidered = result.loop.unconsideredRules;
  if (unconsidered.length) notes.push(`note: no --cpu: ${unconsidered.length} conditional rule(s) not considered (${unconsidered.slice(0, 3).map((u) => `${u.rule} at ${u.source}`).join(', ')}${unconsidered.length > 3 ? ', ...' : ''})`);
  return { exit: undefined, result, alternatives, symbols, notes, proofs: proofs && mergeProofs(proofs, altProofs) } as const;
}

/** Whether two paths name one file (through symlinks and hard links); false when either does not exist. */
function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** Options apply and explain share: what to patch with, and where the sites and symbols are. */
const commonOptions = {
  rules: { type: 'string' },
  arch: { type: 'string' },
  symbols: { type: 'string' },
  sites: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  'skip-proofs': { type: 'boolean' },
} as const;

export async function applyCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...commonOptions,
      output: { type: 'string', short: 'o' },
      report: { type: 'string' },
      'dry-run': { type: 'boolean' },
      strict: { type: 'boolean' },
      cpu: { type: 'string' },
    },
  });
  if (values.help) {
    io.out(applyHelp);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('apply takes exactly one input binary');
  if (!values.output && !values['dry-run']) throw new UsageError('-o OUTPUT is required (or --dry-run)');
  const input = positionals[0]!;
  if (values.output && !values['dry-run'] && sameFile(values.output, input)) throw new UsageError(`-o ${values.output} is the input: apply writes a new file and never modifies its input`);
  if (values.report && sameFile(values.report, input)) throw new UsageError(`--report ${values.report} is the input: apply never modifies its input`);
  const r = await run(values, input, io);
  if (r.exit !== undefined) return r.exit;
  const { result, alternatives } = r;
  const later = alternatives
    ? { name: 'alternatives', summary: alternativesSummary(alternatives.run, alternatives.cpu), entries: alternativesEntries(alternatives.run, result.table.bitness, r.symbols) }
    : undefined;
  // The report first, then the binary: a failed report write must not leave a patched binary behind
  // that nobody can account for; and a failed binary write takes back the report that describes it.
  // Streamed: the report of a million sites is longer than any string can be.
  if (values.report) await writeFileAtomicStream(values.report, reportChunks(result, input, values.output, later, proofExtras(r.proofs)));
  if (!values['dry-run'] && values.output) {
    try {
      await result.patcher.save(values.output, { mode: 0o755 });
    } catch (e) {
      // Only a regular file we wrote; never a link (`--report /dev/stdout`) or a device.
      if (values.report && lstatSync(values.report, { throwIfNoEntry: false })?.isFile()) rmSync(values.report, { force: true });
      throw e;
    }
  }
  io.out(summaryText(result));
  if (r.proofs) io.out(proofsSummaryText(r.proofs));
  if (alternatives) io.out(alternativesSummaryText(alternatives.run, alternatives.cpu));
  for (const n of r.notes) io.err(`${n}\n`);
  if (values['dry-run']) io.out('dry run: nothing written\n');
  const differs = r.proofs?.pairs.filter((p) => p.proof.verdict === 'differs').length ?? 0;
  if (values.strict && differs > 0) io.err(`patchc: --strict: ${differs} inline replacement(s) differ from the function in their slot (see the proofs above)\n`);
  return values.strict && (result.stats.byOutcome.refused > 0 || differs > 0) ? EXIT.rules : EXIT.ok;
}

export async function explainCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...commonOptions,
      op: { type: 'string' },
      max: { type: 'string', default: '10' },
      cpu: { type: 'string' },
    },
  });
  if (values.help) {
    io.out(explainHelp);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('explain takes exactly one input binary');
  const max = Number(values.max);
  if (!Number.isInteger(max) || max < 1) throw new UsageError('--max takes a positive whole number');
  const r = await run(values, positionals[0]!, io);
  if (r.exit !== undefined) return r.exit;
  const proofs = r.proofs;
  const note = proofs ? (site: SiteResult): string[] => {
    const k = proofs.pairOfSite[site.site.index] ?? -1;
    return k >= 0 ? [`proof: ${verdictLine(proofs.pairs[k]!.proof)}`] : [];
  } : undefined;
  for (const text of explainChunks(chosenSites(r.result, values.op, max), r.result.table.bitness, note)) {
    io.out(text);
    await io.drain?.();
  }
  // With --cpu, the alternatives pass's sites (on 6.8+ kernels, the paravirt sites are among them).
  if (r.alternatives) {
    const header = r.result.stats.sites > 0 ? '\nalternatives pass:\n' : '';
    let first = true;
    for (const text of explainAlternatives(r.alternatives.run, r.result.elf, patcherMemory(r.result.elf, r.result.patcher), r.result.table, r.symbols, { ...(values.op !== undefined ? { op: values.op } : {}), max })) {
      io.out(first ? header + text : text);
      first = false;
      await io.drain?.();
    }
  }
  return EXIT.ok;
}

/** The first `max` sites of the op (of any op when undefined), materialized only when chosen. */
function* chosenSites(run: ApplyRun, op: string | undefined, max: number): Generator<SiteResult> {
  let n = 0;
  for (let i = 0; i < run.sites.count && n < max; i++) {
    if (op !== undefined && run.sites.opNames[run.sites.op(i)] !== op) continue;
    n++;
    yield run.result(i);
  }
}

/** The proofs in the JSON report: every pair in the head, and each site's pair by index. */
function proofExtras(proofs: RunProofs | undefined) {
  if (!proofs) return undefined;
  return {
    head: { proofs: proofsJson(proofs) },
    site: (i: number) => {
      const k = proofs.pairOfSite[i] ?? -1;
      return k >= 0 ? { proof: { pair: k, verdict: proofs.pairs[k]!.proof.verdict } } : undefined;
    },
  };
}
