/** The assertable fields as a table for people (`ctrscope probes --assertable`, the README). Pure. */
import { renderTable } from '../output/table.js';
import { ASSERTABLE } from './catalog.js';
import { KIND_UNITS } from './fields.js';

export interface AssertableLine {
  probe: string;
  field: string;
  kind: string;
  units: string;
  doc: string;
}

export function assertableLines(probe?: string): AssertableLine[] {
  return Object.entries(ASSERTABLE)
    .filter(([p]) => !probe || p === probe)
    .flatMap(([p, fields]) => fields.map((f) => ({ probe: p, field: f.name, kind: f.kind, units: KIND_UNITS[f.kind], doc: f.doc })));
}

export function renderAssertable(lines: AssertableLine[]): string {
  return renderTable(lines, [
    { title: 'PROBE', get: (l) => l.probe, align: 'left' },
    { title: 'FIELD', get: (l) => l.field, align: 'left' },
    { title: 'VALUE IN', get: (l) => l.units, align: 'left' },
    { title: 'WHAT', get: (l) => l.doc, align: 'left' },
  ]);
}
