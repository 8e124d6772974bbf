import { InputError } from '../diag/diagnostic.js';
import { EXIT, processIo, UsageError, type Io } from './io.js';

type Command = { run: (args: string[], io: Io) => Promise<number>; help: string; summary: string };

// Each command's module is imported when the command runs: `patchc asm` then loads the assembler alone, not the
// rule parser, the verifier and the binary patcher (a large part of its start-up time otherwise).
type LazyCommand = { summary: string; load: () => Promise<Omit<Command, 'summary'>> };

const commands: Record<string, LazyCommand> = {
  compile: { summary: 'rule file -> patch table per architecture (YAML, JSON, C)', load: async () => import('./commands/compile.js').then((m) => ({ run: m.compileCommand, help: m.compileHelp })) },
  check: { summary: 'diagnostics only', load: async () => import('./commands/check.js').then((m) => ({ run: m.checkCommand, help: m.checkHelp })) },
  asm: { summary: 'assemble instructions, one hex line per input line', load: async () => import('./commands/asm.js').then((m) => ({ run: m.asmCommand, help: m.asmHelp })) },
  apply: { summary: 'patch the sites of an ELF binary or vmlinuz, with a report', load: async () => import('./commands/apply.js').then((m) => ({ run: m.applyCommand, help: m.applyHelp })) },
  explain: { summary: 'show chosen sites before/after, objdump style', load: async () => import('./commands/apply.js').then((m) => ({ run: m.explainCommand, help: m.explainHelp })) },
  fmt: { summary: 'print or rewrite rule files in the canonical layout', load: async () => import('./commands/fmt.js').then((m) => ({ run: m.fmtCommand, help: m.fmtHelp })) },
  lsp: { summary: 'language server for rule files (stdio), for editors', load: async () => import('./commands/lsp.js').then((m) => ({ run: m.lspCommand, help: m.lspHelp })) },
  predict: { summary: "a kernel's text after boot, from its image and CPU: images, report, allow-list", load: async () => import('./commands/predict.js').then((m) => ({ run: m.predictCommand, help: m.predictHelp })) },
  'verify-text': { summary: "check a running kernel's text dump against the prediction", load: async () => import('./commands/verifyText.js').then((m) => ({ run: m.verifyTextCommand, help: m.verifyTextHelp })) },
  crosscheck: { summary: "check rules against a kernel's own ALTERNATIVEs", load: async () => import('./commands/crosscheck.js').then((m) => ({ run: m.crosscheckCommand, help: m.crosscheckHelp })) },
};

export function registerCommand(name: string, cmd: Command): void {
  commands[name] = { summary: cmd.summary, load: async () => cmd };
}

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return `usage: patchc COMMAND [options]   (patchc COMMAND --help for each)\n\n${Object.entries(commands)
    .map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`)
    .join('\n')}\n`;
}

/** Returns the exit code; never throws for user errors. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const entry = commands[name];
  if (!entry) {
    io.err(`patchc: unknown command '${name}'\n${usage()}`);
    return EXIT.usage;
  }
  const cmd = await entry.load();
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`patchc ${name}: ${(e as Error).message}\n\n${cmd.help}`);
      return EXIT.usage;
    }
    if (e instanceof InputError) {
      const at = e.at ? `${e.at.file}:0x${e.at.offset.toString(16)}: ` : '';
      io.err(`patchc ${name}: ${at}error: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}
