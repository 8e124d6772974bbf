// The committed binaries in examples/paravirt/bin are what the Makefile builds - checked only where the
// toolchain is the one recorded in bin/TOOLCHAIN.txt (another gcc, binutils or glibc gives other bytes),
// and the i386 multilib libraries are installed. Otherwise the test is skipped, with the reason.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE } from './paravirt.js';

const BINARIES = ['demo', 'bench-indirect', 'bench-native'].flatMap((v) => ['x86_64', 'i386'].map((a) => `${v}-${a}`));

/** The first line of `cmd --version`, or undefined when the tool is missing. */
function versionLine(cmd: string): string | undefined {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : undefined;
}

/** TOOLCHAIN.txt has "## gcc --version" followed by that command's first line, and so on. */
function recorded(toolchain: string, heading: string): string | undefined {
  const lines = toolchain.split('\n');
  const i = lines.indexOf(`## ${heading}`);
  return i >= 0 ? lines[i + 1] : undefined;
}

/** Why the rebuild cannot be compared with bin/ here, or undefined when it can. */
function skipReason(): string | undefined {
  const toolchain = readFileSync(join(EXAMPLE, 'bin/TOOLCHAIN.txt'), 'utf8');
  if (versionLine('make') === undefined) return 'make is not installed';
  // gcc is what the issue names; ld and glibc change the bytes just as much, so they must match too.
  for (const [cmd, heading] of [['gcc', 'gcc --version'], ['ld', 'ld --version'], ['ldd', 'libc (static glibc, x86_64 and i386 multilib)']] as const) {
    const want = recorded(toolchain, heading);
    const have = versionLine(cmd);
    if (have === undefined) return `${cmd} is not installed (bin/ was built with: ${want})`;
    if (have !== want) return `${cmd} is '${have}', bin/ was built with '${want}' (bin/TOOLCHAIN.txt)`;
  }
  // With gcc-multilib, gcc finds the 32-bit static libc; without it, it echoes the bare name back.
  const libc32 = spawnSync('gcc', ['-m32', '-print-file-name=libc.a'], { encoding: 'utf8' }).stdout.trim();
  if (!isAbsolute(libc32) || !existsSync(libc32)) return 'no 32-bit static libc (apt-get install gcc-multilib)';
  return undefined;
}

const reason = skipReason();
if (reason) console.log(`skipping the reproducible-build check: ${reason}`);

describe.skipIf(reason !== undefined)(`examples/paravirt/bin is reproducible${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let dir: string | undefined;
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('make builds byte-identical binaries', () => {
    dir = mkdtempSync(join(tmpdir(), 'patchc-paravirt-build-'));
    // As `make verify`, but into a temporary directory, so that it does not race with a `make` in the tree.
    const outBin = join(dir, 'bin');
    execFileSync('make', ['-s', '-C', EXAMPLE, `BIN=${outBin}`, `BUILD=${join(dir, 'obj')}`, ...BINARIES.map((b) => join(outBin, b))], { stdio: 'pipe' });
    const committed = BINARIES.map((b) => [b, readFileSync(join(EXAMPLE, 'bin', b)).equals(readFileSync(join(outBin, b)))] as const);
    expect(committed.filter(([, same]) => !same).map(([b]) => b)).toEqual([]);
  });
});
