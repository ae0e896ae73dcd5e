/**
 * The grammar of one `--assert` expression, parsed by hand (recursive descent over a tiny token
 * list). Written by hand because the language is five tokens wide and no parser library
 * (peggy, chevrotain, parsimmon, jsep) is installed; an expression library would also accept far
 * more than this (calls, member access), and nothing typed here is ever evaluated as code.
 *
 *   assertion := path op quantity
 *   path      := name ('.' name)*            name := [A-Za-z_][A-Za-z0-9_-]*
 *   op        := '<' | '<=' | '>' | '>=' | '==' | '!='
 *   quantity  := number unit?                number := digits ('.' digits)?
 *   unit      := 'ns' | 'us' | 'ms' | 's' | '%' | '/s'
 *
 * Pure; never throws: a bad expression comes back as { error } naming what is wrong and where.
 */

export type Op = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type Unit = 'ns' | 'us' | 'ms' | 's' | '%' | '/s';
export const UNITS: readonly Unit[] = ['ns', 'us', 'ms', 's', '%', '/s'];

export interface Assertion {
  /** The expression as typed (trimmed). */
  text: string;
  path: string[];
  op: Op;
  value: number;
  /** null: a bare number (a count). */
  unit: Unit | null;
}

export type ParseResult = { ok: true; assertion: Assertion } | { ok: false; error: string };

type Token = { kind: 'name' | 'dot' | 'op' | 'number' | 'unit'; text: string; at: number };

const OPS: readonly Op[] = ['<=', '>=', '==', '!=', '<', '>'];

/** Splits the text into tokens, or says which character does not belong. */
function tokenize(s: string): Token[] | string {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const rest = s.slice(i);
    const op = OPS.find((o) => rest.startsWith(o));
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(rest) ?? /^[0-9]+(\.[0-9]+)?/.exec(rest) ?? /^(%|\/s)/.exec(rest);
    if (op) out.push({ kind: 'op', text: op, at: i });
    else if (c === '.') out.push({ kind: 'dot', text: '.', at: i });
    else if (m) out.push({ kind: /^[0-9]/.test(m[0]) ? 'number' : /^[A-Za-z_]/.test(m[0]) ? 'name' : 'unit', text: m[0], at: i });
    else return `unexpected '${c}' at character ${i + 1}`;
    i += op ? op.length : m ? m[0].length : 1;
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token | undefined {
    return this.toks[this.i];
  }
  private next(): Token | undefined {
    return this.toks[this.i++];
  }
  private where(t: Token | undefined): string {
    return t ? `'${t.text}' at character ${t.at + 1}` : 'the end';
  }

  path(): string[] | string {
    const first = this.next();
    if (first?.kind !== 'name') return `expected a field name, found ${this.where(first)}`;
    const parts = [first.text];
    while (this.peek()?.kind === 'dot') {
      this.next();
      const n = this.next();
      if (n?.kind !== 'name') return `expected a field name after '.', found ${this.where(n)}`;
      parts.push(n.text);
    }
    return parts;
  }

  op(): Op | string {
    const t = this.next();
    return t?.kind === 'op' ? (t.text as Op) : `expected one of < <= > >= == != after the field, found ${this.where(t)}`;
  }

  quantity(): { value: number; unit: Unit | null } | string {
    const n = this.next();
    if (n?.kind !== 'number') return `expected a number, found ${this.where(n)}`;
    const u = this.peek();
    if (!u) return { value: Number(n.text), unit: null };
    // A name after the number is a unit word: ns, us, ms, s (anything else is refused).
    if (u.kind === 'name' || u.kind === 'unit') {
      this.next();
      if (!(UNITS as readonly string[]).includes(u.text)) return `unknown unit '${u.text}' (use ${UNITS.join(' ')}, or none for a count)`;
      return { value: Number(n.text), unit: u.text as Unit };
    }
    return { value: Number(n.text), unit: null };
  }

  end(): string | null {
    const t = this.peek();
    return t ? `unexpected ${this.where(t)} after the value (one comparison per --assert)` : null;
  }
}

/** Parses one assertion; never throws. */
export function parseAssertion(raw: string): ParseResult {
  const text = raw.trim();
  if (!text) return { ok: false, error: 'empty assertion' };
  const toks = tokenize(text);
  if (typeof toks === 'string') return { ok: false, error: toks };
  const p = new Parser(toks);
  const path = p.path();
  if (typeof path === 'string') return { ok: false, error: path };
  const op = p.op();
  if (!OPS.includes(op as Op)) return { ok: false, error: op };
  const q = p.quantity();
  if (typeof q === 'string') return { ok: false, error: q };
  const end = p.end();
  if (end) return { ok: false, error: end };
  return { ok: true, assertion: { text, path, op: op as Op, value: q.value, unit: q.unit } };
}
