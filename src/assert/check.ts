/**
 * `--assert`: expressions checked at the boundary (zod, then the grammar, then the probe's
 * catalog), before any tracer starts; after the run, each is compared with its measured value.
 * Nothing here runs user text as code. Pure except for the lines checkAssertions prints.
 */
import { z } from 'zod';
import { CtrscopeError, usageError } from '../errors.js';
import { parseAssertion, type Assertion, type Op } from './grammar.js';
import { formatValue, KIND_UNITS, matchField, toBase, UNITS_OF, type AssertField, type Report } from './fields.js';
import { ASSERTABLE } from './catalog.js';

/** One assertion, bound to the catalog field it names. */
export interface BoundAssertion {
  assertion: Assertion;
  field: AssertField;
  args: string[];
  /** The threshold in the field's base unit. */
  threshold: number;
}

export interface Outcome {
  text: string;
  held: boolean;
  /** null: the run measured nothing for it (that fails). */
  measured: number | null;
  line: string;
}

const rawSchema = z.array(z.string().max(200, 'an --assert longer than 200 characters').regex(/^[\x20-\x7e]*$/, 'an --assert with characters outside printable ASCII')).max(32, 'more than 32 --assert');

/** A path part as it may appear: a name from the grammar, at most 64 characters. */
const argSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/);

/** Parses and binds every --assert for a probe; a bad one throws a one-line usage error. */
export function bindAssertions(probe: string, raw: unknown): BoundAssertion[] {
  const list = rawSchema.safeParse(raw ?? []);
  if (!list.success) throw usageError(`--assert: ${list.error.issues[0]?.message ?? 'not a list of expressions'}`, "write e.g. --assert 'read.p99 < 5ms'");
  if (list.data.length === 0) return [];
  const fields = ASSERTABLE[probe];
  if (!fields) throw usageError(`--assert: probe ${probe} has no assertable fields`, `probes that take --assert: ${Object.keys(ASSERTABLE).join(', ')}`);
  return list.data.map((text) => bindOne(probe, fields, text));
}

function bindOne(probe: string, fields: readonly AssertField[], text: string): BoundAssertion {
  const p = parseAssertion(text);
  if (!p.ok) throw usageError(`--assert '${text}': ${p.error}`, "write FIELD OP VALUE, e.g. 'read.p99 < 5ms'");
  const a = p.assertion;
  const m = matchField(fields, a.path);
  const list = `ctrscope probes --assertable ${probe}`;
  if (!m) throw usageError(`--assert '${text}': ${probe} has no field '${a.path.join('.')}'`, `its fields: ${list}`);
  if (!m.args.every((x) => argSchema.safeParse(x).success)) throw usageError(`--assert '${text}': a name longer than 64 characters`, list);
  if (!UNITS_OF[m.field.kind].includes(a.unit)) {
    const got = a.unit ? `unit '${a.unit}'` : 'no unit';
    throw usageError(`--assert '${text}': ${m.field.name} is a ${m.field.kind}, and ${got} does not fit it`, `write its value with ${KIND_UNITS[m.field.kind]}`);
  }
  return { assertion: a, field: m.field, args: m.args, threshold: toBase(a.value, a.unit) };
}

const COMPARE: Record<Op, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/** Compares each bound assertion with the report's value. Pure. */
export function evaluate(bound: readonly BoundAssertion[], report: Report): Outcome[] {
  return bound.map((b) => {
    const measured = b.field.get(report, b.args);
    const held = measured !== null && COMPARE[b.assertion.op](measured, b.threshold);
    const seen = measured === null ? 'nothing measured' : `measured ${formatValue(b.field.kind, measured)}`;
    return { text: b.assertion.text, held, measured, line: `assert ${b.assertion.text}: ${held ? 'ok' : 'FAILED'}, ${seen}` };
  });
}

/**
 * After the report is printed: one stderr line per assertion; throws the `assertion` exit code
 * when any failed.
 */
export function checkAssertions(bound: readonly BoundAssertion[], report: Report): void {
  if (!bound.length) return;
  const out = evaluate(bound, report);
  for (const o of out) process.stderr.write(`ctrscope: ${o.line}\n`);
  const failed = out.filter((o) => !o.held).length;
  if (failed) throw new CtrscopeError('assertion', `${failed} of ${out.length} assertions failed`);
}
