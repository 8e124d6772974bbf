// Runs every benchmark script in turn (each prints its own figures, the command and the machine).
import { spawnSync } from 'node:child_process';

const benches = ['bench/compile/bench.ts', 'bench/asm/bench.ts', 'bench/apply/bench.ts', 'bench/paravirt/bench.ts', 'bench/kallsyms/bench.ts', 'bench/kernel/apply.ts', 'bench/playground/bench.ts', 'bench/lsp/bench.ts'];
let failed = 0;
for (const b of benches) {
  process.stdout.write(`\n=== ${b} ===\n`);
  const r = spawnSync('npx', ['tsx', b], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
