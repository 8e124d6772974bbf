// The builds being compared, per architecture: the two committed ones and the ones patchc makes here.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { main } from '../../src/cli/main.js';

export const ARCHES = ['x86_64', 'i386'] as const;
export type Arch = (typeof ARCHES)[number];

export interface Build {
  /** Short name used in the tables. */
  name: 'native' | 'native-novec' | 'indirect' | 'patched' | 'patched+store';
  description: string;
  file: string;
}

const OUT = 'out/bench-paravirt';
const RULES = {
  patched: 'examples/paravirt/paravirt-demo.rules',
  'patched+store': 'examples/paravirt/paravirt-inline-store.rules',
} as const;

/** `patchc ARGS` in-process, echoed as the command a user would type; throws when it fails. */
async function patchc(args: string[], log: (line: string) => void): Promise<void> {
  log(`$ patchc ${args.join(' ')}`);
  let err = '';
  const code = await main(args, { out: () => {}, err: (t) => void (err += t) });
  if (code !== 0) throw new Error(`patchc ${args[0]} exited with ${code}\n${err}`);
}

/**
 * The native build again, compiled with -fno-tree-vectorize (needs gcc, and gcc-multilib for i386): the
 * native loops are vectorised, the indirect ones cannot be, and this build tells the two effects apart.
 */
function nativeNoVec(arch: Arch, log: (line: string) => void): Build {
  // make runs in examples/paravirt, so its paths are relative to that directory.
  const dir = `../../${OUT}/novec`;
  const args = ['-s', '-C', 'examples/paravirt', `BIN=${dir}/bin`, `BUILD=${dir}/obj`, 'EXTRA_CFLAGS=-fno-tree-vectorize', `${dir}/bin/bench-native-${arch}`];
  log(`$ make ${args.join(' ')}`);
  execFileSync('make', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  return { name: 'native-novec', description: 'native, gcc -fno-tree-vectorize (not a patchc build)', file: `${OUT}/novec/bin/bench-native-${arch}` };
}

/** Paths are relative to the repository root (the caller's cwd). */
export async function makeBuilds(arch: Arch, log: (line: string) => void, withNoVec = false): Promise<Build[]> {
  mkdirSync(OUT, { recursive: true });
  const indirect = `examples/paravirt/bin/bench-indirect-${arch}`;
  const builds: Build[] = [
    { name: 'native', description: 'ops inlined by gcc, no sites', file: `examples/paravirt/bin/bench-native-${arch}` },
    ...(withNoVec ? [nativeNoVec(arch, log)] : []),
    { name: 'indirect', description: 'call *pv_ops+slot at every site', file: indirect },
  ];
  for (const name of ['patched', 'patched+store'] as const) {
    const file = `${OUT}/bench-indirect-${arch}.${name === 'patched' ? 'patched' : 'inline-store.patched'}`;
    await patchc(['apply', '--rules', RULES[name], indirect, '-o', file, '--report', `${file}.report.json`], log);
    // A refused site keeps its indirect call: the build would still run, but measure something else.
    const report = JSON.parse(readFileSync(`${file}.report.json`, 'utf8')) as { summary: { sites: number; outcomes: { patched: number } } };
    if (report.summary.outcomes.patched !== report.summary.sites) {
      throw new Error(`${file}: only ${report.summary.outcomes.patched} of ${report.summary.sites} sites patched (see ${file}.report.json)`);
    }
    const description = name === 'patched' ? 'paravirt-demo.rules (set_pte stays a call)' : 'paravirt-inline-store.rules (set_pte inline)';
    builds.push({ name, description, file });
  }
  return builds;
}
