// The quick path (src/asm/quickLine.ts): a one-statement line whose shape is remembered gets its bytes straight
// from the template. Every line below is compared with GNU as, in several spellings (blanks, tabs, CR, spaces
// after commas), through assembleBlock and through quickLineBytes on ranges of one multi-line text as the CLI
// walks it; lines the lexer would read differently (prefixes, labels, comments, segments, upper case) must not
// take it.
import { describe, expect, it } from 'vitest';
import { assembleBlock, quickLineBytes, type AsmOptions } from '../../../src/asm/index.js';
import { dispClass, immClass } from '../../../src/asm/shape.js';
import { clearShapeCache } from '../../../src/asm/shapeCache.js';
import { gnuAssemble } from './gnuAs.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// Pairs of values in the same range class (shape.ts), one pair each side of every boundary the encoder tests:
// the second of a pair replays the template the first made, with its own number written into the fields.
const PAIRS: [number, number][] = [
  [0, 0], [1, 1], [3, 3], [0x10, 0x20], [0x90, 0xa0], [0x1234, 0x2345], [0x8001, 0x9000], [0x12345678, 0x23456789],
  [0x80000001, 0x90000000], [0x100000001, 0x200000000], [-0x10, -0x20], [-0x90, -0xa0], [-0x1234, -0x2345],
  [-0x9000, -0xa000], [-0x12345678, -0x23456789], [-0x90000000, -0xa0000000],
];

function spell(v: number, decimal: boolean): string {
  return decimal ? String(v) : `${v < 0 ? '-' : ''}0x${Math.abs(v).toString(16)}`;
}

const SHAPES_64 = [
  'add $I,%eax', 'add $I,%rax', 'addq $I,D(%rsp)', 'movl $I,D(%rbp)', 'mov $I,%r11', 'mov D(%rip),%rax', 'lea D(%rax,%rcx,8),%rdx',
  'imul $I,%rcx,%rdx', 'shl $I,%eax', 'out %eax,$I', 'testb $I,D(%r12)', 'call *D(%rip)', 'pextrw $I,%xmm1,%eax', 'enter $I,$0',
  'mov D(%eax),%ecx', 'vpshufd $I,D(%rax),%xmm1', 'movzbl D(%r12),%r11d', 'int $I', 'push $I',
];
const SHAPES_32 = ['add $I,%eax', 'addw $I,D(%ebp)', 'mov D(%bx),%al', 'lea D(%esi,%edi,2),%eax', 'push $I'];

/**
 * Each shape with the first of every pair, then again with the second, in the spellings the quick path must read
 * like the lexer; `canonical` is the line as GNU gets it.
 */
function linesFor(shapes: string[]): { line: string; canonical: string }[] {
  const out: { line: string; canonical: string }[] = [];
  for (const round of [0, 1]) {
    for (const s of shapes) {
      PAIRS.forEach((pair, i) => {
        const v = pair[round]!;
        const w = PAIRS[(i * 7 + 3) % PAIRS.length]![round]!;
        const decimal = (i + round) % 3 === 2;
        const canonical = s.replace('$I', `$${spell(v, decimal)}`).replace('D(', `${spell(s.includes('$I') ? w : v, !decimal)}(`);
        const line = [canonical, `  ${canonical}  `, `\t${canonical}\r`, canonical.replace(/,/g, ', ')][i % 4]!;
        out.push({ line, canonical });
      });
    }
  }
  return out;
}

function gnuBytes(lines: string[], opts: AsmOptions): (string | undefined)[] {
  return gnuAssemble(lines, { bitness: opts.bitness, syntax: 'att' }).map((g) => (g.error === undefined ? g.bytes : undefined));
}

describe('the quick path agrees with GNU as', () => {
  it('pairs share their classes', () => {
    for (const [a, b] of PAIRS) expect([immClass(a), dispClass(a)]).toEqual([immClass(b), dispClass(b)]);
  });

  for (const [bitness, shapes] of [[64, SHAPES_64], [32, SHAPES_32]] as const) {
    const opts: AsmOptions = { bitness, syntax: 'att' };
    const lines = linesFor(shapes);
    const gnu = gnuBytes(lines.map((l) => l.canonical), opts);

    it(`${bitness}-bit: assembleBlock, one line at a time`, () => {
      clearShapeCache();
      const problems: string[] = [];
      const scratch = new Uint8Array(16);
      let quick = 0;
      lines.forEach(({ line }, i) => {
        const n = quickLineBytes(line, 0, line.length, opts, scratch, 0);
        const r = assembleBlock(line, opts);
        const ours = r.errors.length === 0 ? hex(r.bytes) : undefined;
        if (n >= 0) {
          quick++;
          if (hex(scratch.subarray(0, n)) !== ours) problems.push(`${JSON.stringify(line)}: quickLineBytes ${hex(scratch.subarray(0, n))}, assembleBlock ${ours}`);
          // The block result of the quick path is the full path's: the trimmed statement and its offsets.
          const trimmed = line.trim();
          const ins = r.instructions[0]!;
          if (r.instructions.length !== 1 || ins.text !== trimmed || ins.start !== line.indexOf(trimmed) || ins.end !== ins.start + trimmed.length || ins.offset !== 0) {
            problems.push(`${JSON.stringify(line)}: instruction ${JSON.stringify(r.instructions)}`);
          }
        }
        if (ours !== undefined && ours !== gnu[i]) problems.push(`${JSON.stringify(line)}: ours ${ours}, GNU ${gnu[i] ?? 'error'}`);
      });
      expect(problems).toEqual([]);
      // The second round repeats the first one's shapes.
      expect(quick).toBeGreaterThan(lines.length * 0.4);
    });

    it(`${bitness}-bit: quickLineBytes on the lines of one text, as the CLI walks it`, () => {
      clearShapeCache();
      const text = `${lines.map((l) => l.line).join('\n')}\n`;
      const out = new Uint8Array(16 * lines.length);
      const problems: string[] = [];
      let quick = 0;
      let from = 0;
      lines.forEach((_, i) => {
        const to = text.indexOf('\n', from);
        const at = 16 * i;
        let n = quickLineBytes(text, from, to, opts, out, at);
        if (n >= 0) quick++;
        else {
          const r = assembleBlock(text.slice(from, to), opts);
          n = r.errors.length === 0 ? r.bytes.length : -1;
          if (n >= 0) out.set(r.bytes, at);
        }
        const ours = n >= 0 ? hex(out.subarray(at, at + n)) : undefined;
        if (ours !== undefined && ours !== gnu[i]) problems.push(`${JSON.stringify(lines[i]!.line)}: ours ${ours}, GNU ${gnu[i] ?? 'error'}`);
        from = to + 1;
      });
      expect(problems).toEqual([]);
      expect(quick).toBeGreaterThan(lines.length * 0.4);
    });
  }

  it('leaves lines the lexer reads differently to the full path, which still agrees with GNU', () => {
    const opts: AsmOptions = { bitness: 64, syntax: 'att' };
    const seeds = ['addl $0x5,0x8(%rdx)', 'add $0x5,%eax', 'mov 0x8(%rax),%rax', 'mov 0x8(%rax),%ecx', 'mov 0x8(%rbp),%ecx'];
    const others = [
      'lock addl $0x2,0x10(%rdx)', 'ADD $0x2,%eax', 'Add $0x2,%eax', 'mov %fs:0x10(%rax),%rax', 'l1: add $0x2,%eax', 'add $0x2,%eax # note',
      'add $0x2,%eax; nop', '{disp32} mov 0x10(%rax),%ecx', '{load} mov 0x10(%rbp),%ecx', 'add $0x2,%eax /* note */', 'addr32 mov 0x10(%eax),%ecx',
      'rex.w add $0x2,%eax', 'ds addl $0x2,0x10(%rdx)',
    ];
    const gnu = gnuBytes([...seeds, ...others], opts);
    clearShapeCache();
    for (const s of seeds) assembleBlock(s, opts);
    const scratch = new Uint8Array(16);
    const problems: string[] = [];
    seeds.forEach((s) => {
      const again = s.replace('0x8', '0x10').replace('$0x5', '$0x2');
      if (quickLineBytes(again, 0, again.length, opts, scratch, 0) < 0) problems.push(`${again}: expected the quick path`);
    });
    others.forEach((line, i) => {
      if (quickLineBytes(line, 0, line.length, opts, scratch, 0) >= 0) problems.push(`${line}: took the quick path`);
      const r = assembleBlock(line, opts);
      const g = gnu[seeds.length + i];
      if (r.errors.length === 0 && hex(r.bytes) !== g) problems.push(`${line}: ours ${hex(r.bytes)}, GNU ${g ?? 'error'}`);
    });
    expect(problems).toEqual([]);
  });
});
