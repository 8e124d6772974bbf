import { InputError } from '../diag/diagnostic.js';
import { applyCommand, applyHelp, explainCommand, explainHelp } from './commands/apply.js';
import { asmCommand, asmHelp } from './commands/asm.js';
import { checkCommand, checkHelp } from './commands/check.js';
import { compileCommand, compileHelp } from './commands/compile.js';
import { crosscheckCommand, crosscheckHelp } from './commands/crosscheck.js';
import { EXIT, processIo, UsageError, type Io } from './io.js';

type Command = { run: (args: string[], io: Io) => Promise<number>; help: string; summary: string };

const commands: Record<string, Command> = {
  compile: { run: compileCommand, help: compileHelp, summary: 'rule file -> patch table per architecture (YAML, JSON, C)' },
  check: { run: checkCommand, help: checkHelp, summary: 'diagnostics only' },
  asm: { run: asmCommand, help: asmHelp, summary: 'assemble instructions, one hex line per input line' },
  apply: { run: applyCommand, help: applyHelp, summary: 'patch the sites of an ELF binary or vmlinuz, with a report' },
  explain: { run: explainCommand, help: explainHelp, summary: 'show chosen sites before/after, objdump style' },
  crosscheck: { run: crosscheckCommand, help: crosscheckHelp, summary: "check rules against a kernel's own ALTERNATIVEs" },
};

export function registerCommand(name: string, cmd: Command): void {
  commands[name] = cmd;
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
  const cmd = commands[name];
  if (!cmd) {
    io.err(`patchc: unknown command '${name}'\n${usage()}`);
    return EXIT.usage;
  }
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
