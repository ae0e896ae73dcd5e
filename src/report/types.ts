/** What each `ctrscope report` format provides: a parser for its lines and two renderings of the result. */
import type { LineParser } from '../../parsers/lines.js';

export interface ReportRenderer<R> {
  parser(): LineParser<R>;
  /** Whether the input held anything of this format at all (else: "does not look like ..."). */
  recognized(result: R): boolean;
  /** What a person reads. */
  text(result: R): string;
  /** `--json`: every renderer's object starts with format, lines and unrecognized. */
  json(result: R): Record<string, unknown>;
}
