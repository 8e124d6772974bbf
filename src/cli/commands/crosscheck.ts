import { parseArgs } from 'node:util';
import { loadKernelOrElf, loadSymbols, writeFileAtomic } from '../../binary/index.js';
import { crosscheckJson, crosscheckKernel, crosscheckText, defaultProfile, KERNEL_PROFILES, profileNames } from '../../kernel/index.js';
import { EXIT, UsageError, type Io } from '../io.js';
import { readCpu } from './apply.js';
import { crosscheckAlternatives } from '../../kernel/crosscheckAlt.js';
import { altCrosscheckJson, altCrosscheckText } from '../../kernel/crosscheckAltReport.js';
import { loadTableForArch } from '../loadTable.js';

export const crosscheckHelp = `usage: patchc crosscheck --rules FILE INPUT [--symbols System.map] [--json OUT] [--profile NAME]

Checks a rule set against the kernel build's own patch data: at every site of the rules' sitetable that
an ALTERNATIVE (.altinstructions) starts at and covers, the bytes the kernel writes at boot (its
replacement from .altinstr_replacement, re-based to the site and padded with the kernel's NOPs) are
compared with the bytes the rules make patchc write. Nothing is written to INPUT.
  --rules FILE      a rule file, or a table compiled by \`patchc compile\`
  --symbols MAP     a System.map (plain or .xz) when the binary has no symbol table and no kallsyms
                    tables (read from the image when it has them); symbols let the kernel's own NOP
                    table (x86_nops) be read: kallsyms has it only with CONFIG_KALLSYMS_ALL (not in
                    Debian's 686 kernel), otherwise the profile's copy is used
  --json OUT        every disagreement and note as JSON
  --profile NAME    the kernel's table layout and boot environment (known: ${profileNames().join(', ')};
                    default: the one for the binary's architecture)
  --cpu FILE        for a rule set without a sitetable whose alttable holds the paravirt sites (Linux
                    6.8+: ALT_FLAG_DIRECT_CALL entries over \`call *pv_ops+8n(%rip)\`): what the kernel's
                    alternatives pass leaves at each such site on this CPU is compared with what the
                    rules write there for the slot's op (the CPU file as for apply --cpu)
Exit: 0 all agree, 1 some disagree (or errors in the rules), 2 usage, I/O or malformed input.
`;

export async function crosscheckCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      rules: { type: 'string' },
      symbols: { type: 'string' },
      json: { type: 'string' },
      profile: { type: 'string' },
      cpu: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(crosscheckHelp);
    return EXIT.ok;
  }
  if (!values.rules) throw new UsageError('--rules FILE is required');
  if (positionals.length !== 1) throw new UsageError('crosscheck takes exactly one input binary');
  if (values.cpu !== undefined) return crosscheckAlt(values.rules, positionals[0]!, values.cpu, values.symbols, values.json, io);
  const named = values.profile === undefined ? undefined : KERNEL_PROFILES.get(values.profile);
  if (values.profile !== undefined && !named) throw new UsageError(`unknown profile '${values.profile}' (known: ${profileNames().join(', ')})`);
  const input = positionals[0]!;
  const binary = await loadKernelOrElf(input);
  const profile = named ?? defaultProfile(binary.elf.arch);
  if (!profile) throw new UsageError(`${input} is ${binary.elf.arch}; no kernel profile for it (known: ${profileNames().join(', ')})`);
  if (binary.elf.arch !== profile.arch) throw new UsageError(`${input} is ${binary.elf.arch}; profile ${profile.name} is for ${profile.arch}`);
  const t = loadTableForArch(values.rules, profile.arch, io);
  if (!t.ok) return t.exit;
  if (t.table.siteTables.length === 0 && (t.table.altTables?.length ?? 0) > 0) {
    throw new UsageError(`${values.rules} has no sitetable: its paravirt sites are ALTERNATIVEs (Linux 6.8+), decided by the CPU; give --cpu FILE to compare them`);
  }
  const symbols = await loadSymbols(binary.elf, values.symbols !== undefined ? { systemMap: values.symbols } : {});
  const report = crosscheckKernel(binary.elf, t.table, symbols, profile);
  if (values.json) await writeFileAtomic(values.json, new TextEncoder().encode(crosscheckJson(input, values.rules, report, t.table.bitness)));
  io.out(crosscheckText(report, t.table.bitness));
  return report.disagreements.length > 0 ? EXIT.rules : EXIT.ok;
}

/** The alternatives-only cross-check (crosscheckAlt.ts). */
async function crosscheckAlt(rules: string, input: string, cpuPath: string, systemMap: string | undefined, json: string | undefined, io: Io): Promise<number> {
  const binary = await loadKernelOrElf(input);
  const t = loadTableForArch(rules, binary.elf.arch, io);
  if (!t.ok) return t.exit;
  if ((t.table.altTables?.length ?? 0) === 0) throw new UsageError(`--cpu: ${rules} has no alttable to run`);
  const cpu = readCpu(cpuPath, t.table, io);
  if (!cpu) return EXIT.usage;
  const symbols = await loadSymbols(binary.elf, systemMap !== undefined ? { systemMap } : {});
  const report = crosscheckAlternatives(binary.elf, t.table, symbols, cpu);
  if (json) await writeFileAtomic(json, new TextEncoder().encode(altCrosscheckJson(input, rules, cpuPath, report, t.table.bitness)));
  io.out(altCrosscheckText(report, t.table.bitness, symbols, cpuPath));
  return report.sites.some((s) => !s.agree) ? EXIT.rules : EXIT.ok;
}
