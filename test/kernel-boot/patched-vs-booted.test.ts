// The truth test (issue 5): patchc applied to Debian's 6.1 vmlinuz must leave every .parainstructions site
// exactly as the kernel left it when it booted under QEMU (guest memory dumped at `panic`).
import { describe, expect, it } from 'vitest';
import { applyTable } from '../../src/apply/apply.js';
import { loadKernelOrElf, loadSymbols } from '../../src/binary/index.js';
import { loadRuleSet } from '../../src/model/load.js';
import { compileTables } from '../../src/table/compile.js';
import { toHex } from '../../src/table/hex.js';
import { bootedBytesAt, getBootedText, kernelBootSkipReason, kernelFiles, REPO_DIR } from './truth.js';

const skip = kernelBootSkipReason();

describe.skipIf(skip !== undefined)(`patchc vs the booted kernel${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('every .parainstructions site equals the booted kernel, byte for byte', async () => {
    const booted = await getBootedText();
    const files = kernelFiles();
    const loaded = loadRuleSet(`${REPO_DIR}/rules/linux/linux-6.1-x86_64.rules`);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const compiled = compileTables(loaded.ruleset, ['x86_64'], loaded.sources);
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const bin = await loadKernelOrElf(files.vmlinuz);
    const symbols = await loadSymbols(bin.elf, { systemMap: files.systemMap });
    const run = applyTable(bin.elf, compiled.tables[0]!, symbols);

    expect(run.results.length).toBe(3679);
    const mismatches: string[] = [];
    for (const r of run.results) {
      const truth = bootedBytesAt(booted, r.site.address, r.site.len);
      if (toHex(truth) !== toHex(r.patched)) mismatches.push(`0x${r.site.address.toString(16)} ${r.site.op}: patchc ${toHex(r.patched)} (${r.outcome}${r.reason ? `: ${r.reason}` : ''}), kernel ${toHex(truth)}`);
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(run.stats.byOutcome.refused).toBe(0);
  });
});
