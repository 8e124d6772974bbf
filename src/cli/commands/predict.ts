import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic, writeFileAtomicStream } from '../../binary/atomicWrite.js';
import { allowListChunks, predictText, type Prediction } from '../../kernel/predict.js';
import { EXIT, UsageError, type Io } from '../io.js';
import { kernelTextOptions, loadKernelInputs } from './kernelText.js';

export const predictHelp = `usage: patchc predict --rules FILE --cpu FILE INPUT [-o OUT.elf] [--raw DIR] [--report R.json] [--allow-list A.json]

Predicts the text a kernel runs after boot from its image (vmlinuz or vmlinux) and the CPU's features: every
boot-time pass of the rule set (paravirt, alternatives, and each texttable: jump labels, static calls, ftrace,
retpolines, returns, trampolines, .smp_locks, ...) in the kernel's order. Prints a summary per table.
  --rules FILE       a rule set with the kernel's tables (rules/linux/kernel-6.1-x86_64.rules, ...)
  --cpu FILE         the CPU: /proc/cpuinfo, feature names, the x86_capability words (hex or raw), as for apply
  --symbols MAP      System.map, for kernels whose kallsyms lacks the tables' bounds (686)
  -o OUT.elf         the ELF with .text/.init.text (and every other patched byte) as predicted
  --raw DIR          DIR/text.bin, DIR/init.text.bin (raw images) and DIR/ranges.json (their start addresses)
  --report R.json    per table: sites, bytes changed, runtime-dependent sites and bytes, outcome counts
  --allow-list A.json  per site: address, table, predicted and legal byte strings, what each depends on
Runtime-dependent sites are those whose final state boot code decides (static keys and static calls it may
switch, values it computes, the uniprocessor lock fix-up): their every legal form is in the allow-list.
Every output is written to a temporary file and renamed. Exit: 0 ok, 1 errors in the rules, 2 usage or input.
`;

export function predictSummary(p: Prediction): string {
  const lines: string[] = [];
  let rd = 0;
  let rdBytes = 0;
  for (const t of p.tables) {
    rd += t.runtimeDependent.sites;
    rdBytes += t.runtimeDependent.bytes;
    const outcomes = Object.entries(t.outcomes).map(([k, n]) => `${n} ${k}`).join(', ');
    lines.push(`  ${t.table}: ${t.sites} sites, ${t.bytesChanged} bytes changed${t.runtimeDependent.sites ? `, ${t.runtimeDependent.sites} runtime-dependent (${t.dependsOn ?? '?'})` : ''}${outcomes ? `: ${outcomes}` : ''}`);
  }
  return `predicted ${p.ranges.map((r) => `${r.name} 0x${r.start.toString(16)} (+${r.bytes.length})`).join(', ')}; ${rd} runtime-dependent sites (${rdBytes} bytes)\n${lines.join('\n')}\n`;
}

export async function predictCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...kernelTextOptions, output: { type: 'string', short: 'o' }, raw: { type: 'string' }, report: { type: 'string' }, 'allow-list': { type: 'string' } },
  });
  if (values.help) {
    io.out(predictHelp);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('predict takes exactly one kernel image');
  const inputs = await loadKernelInputs(values, positionals[0]!, io, true);
  if (typeof inputs === 'number') return inputs;
  const p = predictText(inputs.elf, inputs.table, inputs.symbols, inputs.cpu!);
  const meta = { kernel: positionals[0], rules: values.rules, cpu: values.cpu };
  if (values.report) {
    const doc = { ...meta, ranges: p.ranges.map((r) => ({ name: r.name, start: `0x${r.start.toString(16)}`, size: r.bytes.length })), tables: p.tables };
    await writeFileAtomic(values.report, new TextEncoder().encode(`${JSON.stringify(doc, null, 2)}\n`));
  }
  if (values['allow-list']) await writeFileAtomicStream(values['allow-list'], allowListChunks(p, inputs.symbols, meta));
  if (values.raw) {
    mkdirSync(values.raw, { recursive: true });
    for (const r of p.ranges) await writeFileAtomic(join(values.raw, `${r.name.replace(/^\./, '')}.bin`), r.bytes);
    const ranges = p.ranges.map((r) => ({ name: r.name, file: `${r.name.replace(/^\./, '')}.bin`, start: `0x${r.start.toString(16)}`, size: r.bytes.length }));
    await writeFileAtomic(join(values.raw, 'ranges.json'), new TextEncoder().encode(`${JSON.stringify(ranges, null, 2)}\n`));
  }
  if (values.output) await p.run.patcher.save(values.output, { mode: 0o644 });
  io.out(predictSummary(p));
  return EXIT.ok;
}
