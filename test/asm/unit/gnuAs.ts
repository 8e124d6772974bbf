// Runs GNU as on test lines and reads back each line's bytes, so unit tests compare against the reference
// assembler at test time. Each line goes into its own section; one `as` and one `objdump` run per batch.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GnuReloc {
  offset: number;
  type: string;
  symbol: string;
  addend: number;
}

export interface GnuLine {
  bytes?: string;
  relocs?: GnuReloc[];
  error?: string;
  warning?: string;
}

export interface GnuOptions {
  bitness: 16 | 32 | 64;
  syntax: 'att' | 'intel';
  /** `.att_syntax noprefix`: registers without `%`. */
  noprefix?: boolean;
}

function header(o: GnuOptions): string {
  const syn = o.syntax === 'intel' ? '.intel_syntax noprefix' : o.noprefix ? '.att_syntax noprefix' : '.att_syntax prefix';
  const code = o.bitness === 16 ? '.code16' : o.bitness === 32 ? '.code32' : '.code64';
  return `${syn}\n${code}\n`;
}

interface RunResult {
  out: Map<number, string>;
  diags: Map<number, { error?: string; warning?: string }>;
  relocs: Map<number, GnuReloc[]>;
}

function run(lines: string[], o: GnuOptions, dir: string): RunResult {
  const relocs = new Map<number, GnuReloc[]>();
  const src = join(dir, 'in.s');
  const obj = join(dir, 'in.o');
  let text = header(o);
  lines.forEach((l, i) => {
    text += `.section .t${i},"ax",@progbits\n${l}\n`;
  });
  writeFileSync(src, text);
  const diags = new Map<number, { error?: string; warning?: string }>();
  const r = spawnSync('as', [o.bitness === 64 ? '--64' : '--32', '-o', obj, src], { encoding: 'utf8' });
  parseDiags(r.stderr ?? '', diags, 2);
  if (r.status !== 0) return { out: new Map(), diags, relocs };
  const dump = execFileSync('objdump', ['-s', obj], { maxBuffer: 1 << 28 }).toString();
  const out = new Map<number, string>();
  let cur = -1;
  for (const line of dump.split('\n')) {
    const m = /^Contents of section \.t(\d+):/.exec(line);
    if (m) {
      cur = Number(m[1]);
      out.set(cur, '');
      continue;
    }
    if (cur < 0) continue;
    const d = /^ [0-9a-f]{4,} ((?:[0-9a-f]{2,8} ?){1,4})/.exec(line);
    if (d) out.set(cur, out.get(cur)! + d[1]!.replace(/ /g, ''));
  }
  const rdump = execFileSync('objdump', ['-r', obj], { maxBuffer: 1 << 28 }).toString();
  let sec = -1;
  for (const line of rdump.split('\n')) {
    const m = /^RELOCATION RECORDS FOR \[\.t(\d+)\]:/.exec(line);
    if (m) {
      sec = Number(m[1]);
      continue;
    }
    const r = /^([0-9a-f]+)\s+(R_\S+)\s+(\S+?)(?:([+-])0x([0-9a-f]+))?$/.exec(line.trim());
    if (r && sec >= 0) {
      const list = relocs.get(sec) ?? [];
      list.push({ offset: parseInt(r[1]!, 16), type: r[2]!, symbol: r[3]!, addend: r[5] ? (r[4] === '-' ? -1 : 1) * parseInt(r[5], 16) : 0 });
      relocs.set(sec, list);
    }
  }
  return { out, diags, relocs };
}

function parseDiags(stderr: string, diags: Map<number, { error?: string; warning?: string }>, headerLines: number): void {
  for (const l of stderr.split('\n')) {
    const m = /^[^:]+:(\d+): (Error|Warning): (.*)$/.exec(l);
    if (!m) continue;
    const srcLine = Number(m[1]);
    // Line k of the body: header, then two lines (section, text) per test line.
    const idx = Math.floor((srcLine - headerLines - 2) / 2);
    const d = diags.get(idx) ?? {};
    if (m[2] === 'Error') d.error ??= m[3]!;
    else d.warning ??= m[3]!;
    diags.set(idx, d);
  }
}

/** Assembles each line with GNU as; a line that GNU rejects gets `error`, the others their bytes as hex. */
export function gnuAssemble(lines: string[], o: GnuOptions): GnuLine[] {
  const dir = mkdtempSync(join(tmpdir(), 'patchc-gas-'));
  try {
    const res: GnuLine[] = lines.map(() => ({}));
    let first = run(lines, o, dir);
    if (first.diags.size > 0 && first.out.size === 0) {
      for (const [i, d] of first.diags) if (d.error && res[i]) res[i]!.error = d.error;
      const keep = lines.map((l, i) => (res[i]!.error ? 'nop' : l));
      first = run(keep, o, dir);
      if (first.out.size === 0) throw new Error('GNU as failed on the retry: ' + JSON.stringify([...first.diags]));
    }
    lines.forEach((_, i) => {
      if (res[i]!.error) return;
      res[i]!.bytes = first.out.get(i) ?? '';
      const rl = first.relocs.get(i);
      if (rl) res[i]!.relocs = rl;
      const w = first.diags.get(i)?.warning;
      if (w) res[i]!.warning = w;
    });
    return res;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

