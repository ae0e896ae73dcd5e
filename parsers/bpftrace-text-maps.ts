/**
 * bpftrace's text-mode print of maps with one integer key, as it prints them at exit:
 *
 *   Attaching 3 probes...
 *   @calls[75]: 412
 *   @max_ns[202]: 1000123456
 *   @slow[75]: 9
 *
 * Maps are kept by name, then key. Blank lines and the "Attaching" line are expected; anything
 * else is counted as unrecognised.
 */
import type { LineParser } from './lines.js';

export interface TextMaps {
  maps: Map<string, Map<number, number>>;
  attached: boolean;
  lines: number;
  unrecognized: number;
}

export class BpftraceTextMapsParser implements LineParser<TextMaps> {
  private readonly maps = new Map<string, Map<number, number>>();
  private attached = false;
  private lines = 0;
  private unrecognized = 0;

  line(raw: string): void {
    this.lines++;
    const text = raw.trim();
    if (text === '') return;
    // @calls[75]: 412
    const m = /^@(\w+)\[(-?\d+)\]: (-?\d+)$/.exec(text);
    if (m) {
      let map = this.maps.get(m[1]!);
      if (!map) this.maps.set(m[1]!, (map = new Map()));
      map.set(Number(m[2]), Number(m[3]));
      return;
    }
    // Attaching 3 probes...
    if (/^Attaching \d+ probes?\.\.\.$/.test(text)) {
      this.attached = true;
      return;
    }
    this.unrecognized++;
  }

  result(): TextMaps {
    return { maps: this.maps, attached: this.attached, lines: this.lines, unrecognized: this.unrecognized };
  }
}
