import type { CstNode, IToken } from 'chevrotain';
import type { SourceSpan } from '../diag/diagnostic.js';
import type { SourceText } from '../diag/source.js';
import type * as A from './ast.js';

// Turns Chevrotain's concrete syntax tree into the typed tree. Written as a plain walk over the CST
// children (by rule and label names from parser.ts) rather than a visitor class: each function below is
// one grammar rule, and nodes that error recovery left incomplete are dropped here, not passed on.

type Children = Record<string, (CstNode | IToken)[] | undefined>;

function kids(node: CstNode): Children {
  return node.children as Children;
}
function nodes(c: Children, key: string): CstNode[] {
  return (c[key] ?? []) as CstNode[];
}
function toks(c: Children, key: string): IToken[] {
  return ((c[key] ?? []) as IToken[]).filter((t) => !t.isInsertedInRecovery);
}
function tok(c: Children, key: string): IToken | undefined {
  return toks(c, key)[0];
}

export class AstBuilder {
  constructor(private readonly src: SourceText) {}

  private tspan(first: IToken, last: IToken = first): SourceSpan {
    return this.src.span(first.startOffset, (last.endOffset ?? last.startOffset) + 1);
  }
  private name(t: IToken): A.Name {
    return { text: t.image, span: this.tspan(t) };
  }
  /** The span from the first to the last real token anywhere under a node. */
  private nspan(node: CstNode): SourceSpan {
    const all = allTokens(node);
    const first = all[0];
    const last = all[all.length - 1];
    if (!first || !last) return this.src.span(0, 0);
    return this.tspan(first, last);
  }

  file(cst: CstNode): A.RuleFileAst {
    const statements: A.Statement[] = [];
    for (const st of nodes(kids(cst), 'statement')) {
      const s = this.statement(st);
      if (s) statements.push(s);
    }
    return { file: this.src.file, statements };
  }

  private statement(node: CstNode): A.Statement | undefined {
    const c = kids(node);
    const [inner] = [...nodes(c, 'rulesetDecl'), ...nodes(c, 'syntaxDecl'), ...nodes(c, 'importDecl'), ...nodes(c, 'featuresDecl'), ...nodes(c, 'opDecl'), ...nodes(c, 'archBlock'), ...nodes(c, 'nopsBlock'), ...nodes(c, 'tableBlock')];
    if (!inner) return undefined;
    const ic = kids(inner);
    const span = this.nspan(inner);
    switch (inner.name) {
      case 'rulesetDecl': {
        const w = tok(ic, 'Word');
        return w ? { kind: 'ruleset', name: this.name(w), span } : undefined;
      }
      case 'syntaxDecl': {
        const w = tok(ic, 'Word');
        return w ? { kind: 'syntax', value: this.name(w), span } : undefined;
      }
      case 'importDecl': {
        const s = tok(ic, 'StringLit');
        return s ? { kind: 'import', path: { text: unquote(s.image), span: this.tspan(s) }, span } : undefined;
      }
      case 'featuresDecl': {
        const pieces = toks(ic, 'tok');
        if (!pieces.length) return undefined;
        return { kind: 'features', table: { text: pieces.map((p) => p.image).join(''), span: this.tspan(pieces[0]!, pieces[pieces.length - 1]!) }, span };
      }
      case 'opDecl':
        return this.opDecl(inner, span);
      case 'archBlock':
        return this.archBlock(inner, span);
      case 'nopsBlock': {
        const arch = tok(ic, 'arch');
        const block = nodes(ic, 'block')[0];
        return arch && block ? { kind: 'nops', arch: this.name(arch), lines: this.block(block), span } : undefined;
      }
      case 'tableBlock': {
        const kind = tok(ic, 'kind');
        const name = tok(ic, 'name');
        const block = nodes(ic, 'block')[0];
        if (!kind || !name || !block) return undefined;
        return { kind: kind.image as A.TableBlock['kind'], name: this.name(name), lines: this.block(block), span };
      }
      default:
        return undefined;
    }
  }

  private opDecl(node: CstNode, span: SourceSpan): A.OpDecl | undefined {
    const c = kids(node);
    const name = tok(c, 'name');
    if (!name) return undefined;
    const params: A.Param[] = [];
    for (const p of nodes(c, 'param')) {
      const pc = kids(p);
      const first = tok(pc, 'first');
      const type = tok(pc, 'type');
      if (!first) continue;
      params.push(type ? { name: this.name(first), type: this.name(type) } : { type: this.name(first) });
    }
    const returns = tok(c, 'returns');
    return {
      kind: 'op',
      name: this.name(name),
      params,
      ...(returns ? { returns: this.name(returns) } : {}),
      attrs: nodes(c, 'attr').flatMap((a) => this.attr(a) ?? []),
      span,
    };
  }

  private attr(node: CstNode): A.Attr | undefined {
    const c = kids(node);
    const name = tok(c, 'name');
    if (!name) return undefined;
    const attr: A.Attr = { name: this.name(name), span: this.nspan(node) };
    if (c['LParen']) attr.args = toks(c, 'arg').map((t) => this.name(t));
    const value = tok(c, 'value');
    if (value) {
      const minus = tok(c, 'Minus');
      attr.value = { text: value.image, negative: !!minus, span: this.tspan(minus ?? value, value) };
    }
    return attr;
  }

  private archBlock(node: CstNode, span: SourceSpan): A.ArchBlock | undefined {
    const c = kids(node);
    const name = tok(c, 'name');
    if (!name) return undefined;
    const rules: A.RuleStmt[] = [];
    for (const r of nodes(c, 'ruleStmt')) {
      const rule = this.ruleStmt(r);
      if (rule) rules.push(rule);
    }
    return { kind: 'arch', arch: this.name(name), attrs: nodes(c, 'attr').flatMap((a) => this.attr(a) ?? []), rules, span };
  }

  private ruleStmt(node: CstNode): A.RuleStmt | undefined {
    const c = kids(node);
    const selNode = nodes(c, 'selector')[0];
    const repNode = nodes(c, 'replacement')[0];
    if (!selNode || !repNode) return undefined;
    const selector = this.selector(selNode);
    const replacement = this.replacement(repNode);
    if (!selector || !replacement) return undefined;
    const sc = kids(selNode);
    const cond = tok(sc, 'cond');
    const feature = tok(sc, 'feature');
    const when = cond && feature ? { feature: this.name(feature), set: cond.image === 'if', span: this.tspan(cond, feature) } : undefined;
    return { selector, ...(when ? { when } : {}), replacement, span: this.nspan(node) };
  }

  private selector(node: CstNode): A.Selector | undefined {
    const c = kids(node);
    const d = tok(c, 'Kw_default');
    if (d) return { kind: 'default', span: this.tspan(d) };
    const m = tok(c, 'Kw_missing');
    if (m) return { kind: 'missing', span: this.tspan(m) };
    const sym = tok(c, 'symbol');
    if (sym) return { kind: 'target', symbol: this.name(sym) };
    const op = tok(c, 'op');
    return op ? { kind: 'op', name: this.name(op) } : undefined;
  }

  private replacement(node: CstNode): A.Replacement | undefined {
    const c = kids(node);
    const span = this.nspan(node);
    const trap = tok(c, 'Kw_trap');
    if (trap) return { kind: 'trap', span };
    if (tok(c, 'Kw_bytes')) return { kind: 'bytes', bytes: toks(c, 'byte').map((t) => this.name(t)), span };
    const blockOrLine = [...nodes(c, 'asmBlock'), ...nodes(c, 'asmLine')][0];
    if (!blockOrLine) return undefined;
    const instructions = nodes(kids(blockOrLine), 'instruction').flatMap((i) => this.instruction(i) ?? []);
    return { kind: 'asm', instructions, span };
  }

  /** The exact source slice, so the assembler sees what the user wrote and columns map back 1:1. */
  private instruction(node: CstNode): A.AsmText | undefined {
    const all = allTokens(node);
    const first = all[0];
    const last = all[all.length - 1];
    if (!first || !last) return undefined;
    const end = (last.endOffset ?? last.startOffset) + 1;
    return { text: this.src.text.slice(first.startOffset, end), span: this.src.span(first.startOffset, end) };
  }

  private block(node: CstNode): A.BlockLine[] {
    return nodes(kids(node), 'blockLine').map((l) => {
      const lc = kids(l);
      const inner = nodes(lc, 'block')[0];
      const line: A.BlockLine = { tokens: toks(lc, 'tok').map((t) => this.name(t)), span: this.nspan(l) };
      if (inner) line.block = this.block(inner);
      return line;
    });
  }
}

/** Every real token under a node, in source order. */
function allTokens(node: CstNode): IToken[] {
  const out: IToken[] = [];
  const walk = (n: CstNode): void => {
    for (const list of Object.values(n.children)) {
      for (const x of list ?? []) {
        if ('tokenType' in x) {
          if (!x.isInsertedInRecovery && !Number.isNaN(x.startOffset)) out.push(x);
        } else walk(x);
      }
    }
  };
  walk(node);
  return out.sort((a, b) => a.startOffset - b.startOffset);
}

function unquote(s: string): string {
  return s.slice(1, -1).replace(/\\(.)/g, '$1');
}
