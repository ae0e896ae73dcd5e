/** A flame graph's options, their defaults (flamegraph.pl's) and their validation (zod). */
import { z } from 'zod';
import { PALETTES } from './palettes.js';

const MINWIDTH = /^(\d+(?:\.\d+)?|\.\d+)(%?)$/;

/** "0.1" (pixels), 2, or "0.5%" (of all samples). */
export const minwidthSchema = z
  .union([z.number(), z.string()])
  .transform((v, ctx): number | string => {
    const m = MINWIDTH.exec(String(v).trim());
    if (!m) {
      ctx.addIssue({ code: 'custom', message: 'a minimum width is pixels (0.1, 2) or a percentage of all samples (0.5%)' });
      return z.NEVER;
    }
    if (m[2] === '%') {
      if (Number(m[1]) > 100) ctx.addIssue({ code: 'custom', message: 'a percentage is at most 100%' });
      return `${m[1]}%`;
    }
    return Number(m[1]);
  });

export const flameOptionsSchema = z.object({
  /** Default: "Flame Graph", "Icicle Graph" (--inverted) or "Flame Chart" (--flamechart). */
  title: z.string().max(500, 'a title is at most 500 characters').optional(),
  subtitle: z.string().max(500, 'a subtitle is at most 500 characters').default(''),
  width: z.number().int('the width is whole pixels').min(100, 'the width is at least 100 pixels').max(100_000, 'the width is at most 100000 pixels').default(1200),
  /** The height of one frame (flamegraph.pl's --height). */
  height: z.number().min(4, 'a frame is at least 4 pixels high').max(200, 'a frame is at most 200 pixels high').default(16),
  fontsize: z.number().min(4, 'the font size is at least 4').max(100, 'the font size is at most 100').default(12),
  /** Average glyph width as a share of the font size, to fit names in frames. */
  fontwidth: z.number().min(0.1).max(2).default(0.59),
  minwidth: minwidthSchema.default(0.1),
  colors: z.enum(PALETTES, { message: `the palettes are ${PALETTES.join(', ')}` }).default('hot'),
  hash: z.boolean().default(false),
  reverse: z.boolean().default(false),
  inverted: z.boolean().default(false),
  flamechart: z.boolean().default(false),
  negate: z.boolean().default(false),
  countname: z.string().regex(/^[^<>&"]{1,40}$/, 'a count name is 1-40 characters without < > & "').default('samples'),
  nametype: z.string().max(40).default('Function:'),
});

export type FlameOptions = z.output<typeof flameOptionsSchema>;
