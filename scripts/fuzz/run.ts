// The fuzz properties of test/fuzz, run longer: `npx tsx scripts/fuzz/run.ts [--kinds a,b] [--count N]
// [--seed S] [--time SECONDS]` (count and time are per kind; whichever ends first). Prints cases run per
// input kind, failures (with the input), and the longest single input time. Exit 1 when anything failed.
import fc from 'fast-check';
import { parseArgs } from 'node:util';
import { ASM_FILE, asmVerdicts, elfExits, elfNoOffset, FUZZ_KINDS } from '../../test/fuzz/kinds.js';
import { Scratch, Stats } from '../../test/fuzz/harness.js';

const { values } = parseArgs({
  options: {
    kinds: { type: 'string', default: Object.keys(FUZZ_KINDS).join(',') },
    count: { type: 'string', default: '1000' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    time: { type: 'string', default: '120' },
    verbose: { type: 'boolean', short: 'v' },
  },
});
const kinds = values.kinds!.split(',');
const count = Number(values.count);
const seed = Number(values.seed);
const timeMs = Number(values.time) * 1000;
for (const k of kinds) if (!(k in FUZZ_KINDS)) throw new Error(`unknown kind '${k}' (known: ${Object.keys(FUZZ_KINDS).join(', ')})`);

const stats = new Stats();
const scratch = new Scratch('patchc-fuzz-run-');
const failures: string[] = [];
process.stdout.write(`seed ${seed}, up to ${count} cases or ${values.time} s per kind\n`);
try {
  for (const name of kinds) {
    const kind = FUZZ_KINDS[name]!;
    const t0 = performance.now();
    await kind.setup?.();
    const batch = kind.batch ?? 1;
    const arb = batch > 1 ? fc.array(kind.arb, { minLength: batch, maxLength: batch }) : kind.arb.map((x) => [x]);
    await fc.check(
      fc.asyncProperty(arb, async (cases) => {
        const results = await kind.run(cases, scratch);
        for (const r of results) {
          stats.record(name, r.ms, r.what, r.failure);
          if (r.failure) {
            failures.push(`[${name}] ${r.failure}\n    input: ${r.what}`);
            if (values.verbose) process.stdout.write(`FAIL [${name}] ${r.failure}\n    input: ${r.what}\n`);
          }
        }
        return true; // keep going: every failure is recorded, none stops the run
      }),
      { seed, numRuns: Math.ceil(count / batch), interruptAfterTimeLimit: timeMs, markInterruptAsFailure: false },
    );
    await kind.teardown?.();
    process.stdout.write(`${name}: ${stats.kinds.get(name)?.cases ?? 0} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
} finally {
  scratch.cleanup();
}
process.stdout.write(`\ncases per input kind:\n${stats.table()}\n`);
const longest = [...stats.kinds].sort((a, b) => b[1].maxMs - a[1].maxMs)[0];
if (longest) process.stdout.write(`longest single input: ${longest[1].maxMs.toFixed(0)} ms (${longest[0]}: ${longest[1].slowest.slice(0, 200)})\n`);
if (elfExits.size) process.stdout.write(`elf outcomes: ${[...elfExits].map(([k, n]) => `${k}: ${n}`).join(', ')}\n`);
if (elfNoOffset.size) process.stdout.write(`elf exit-2 messages without a file offset:\n${[...elfNoOffset].map((m) => `  ${m}`).join('\n')}\n`);
if (asmVerdicts.size) process.stdout.write(`asm verdicts: ${[...asmVerdicts].map(([k, n]) => `${k}: ${n}`).join(', ')} (disagreements appended to ${ASM_FILE})\n`);
process.stdout.write(`failures: ${failures.length}\n`);
for (const f of failures.slice(0, 50)) process.stdout.write(`  ${f}\n`);
process.exitCode = failures.length ? 1 : 0;
