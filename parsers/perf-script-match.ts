/**
 * The three line shapes FlameGraph's stackcollapse-perf.pl recognises in `perf script` output,
 * read without regular expressions. Each matcher yields exactly the captures of the Perl pattern
 * quoted above it, with Perl's byte semantics (\s = [\t\n\v\f\r ], \d = [0-9], \w = [0-9A-Za-z_]),
 * in time linear in the line (a backtracking regex is quadratic on some 1 MB lines).
 * A line is (s, start, end): a range of a larger string, so the caller need not slice it.
 */

/** Offsets [start, end) into the string of the last line matched. -1 marks an absent capture. */
export class PerfLineMatch {
  commEnd = 0;
  pidStart = 0;
  pidEnd = 0;
  tidStart = 0;
  tidEnd = 0;
  periodStart = -1;
  periodEnd = -1;
  eventStart = 0;
  eventEnd = 0;
  pcStart = 0;
  pcEnd = 0;
  funcStart = 0;
  funcEnd = 0;
  modStart = 0;
  modEnd = 0;
}

export const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWord = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;

/**
 * An event record's start. Perl: /^(\S.+?)\s+(\d+)\/*(\d+)*\s+/
 *
 *   containerd  3038   473.502495:   10101010 cpu-clock:ppp:      (perf 6.1 here: comm, TID)
 *   iperf 27409/28744 [000] 441995.133575: cpu-clock:              (comm, PID/TID, CPU)
 *   V8 WorkerThread 24636/25607 [000] 94564.109216: cycles:        (a comm with a space)
 *   func_ab 15294 cpu-clock:
 *
 * The comm is the shortest text of 2+ characters followed by blanks, digits, optional slashes
 * and digits, and a blank. Sets commEnd, pid and tid (tidStart === tidEnd when there is no tid).
 */
export function matchEventRecord(s: string, start: number, end: number, m: PerfLineMatch): boolean {
  if (end - start < 2 || isSpace(s.charCodeAt(start))) return false;
  let c = start + 2;
  while (c < end) {
    if (!isSpace(s.charCodeAt(c))) {
      c++;
      continue;
    }
    let w = c + 1;
    while (w < end && isSpace(s.charCodeAt(w))) w++;
    let d = w;
    while (d < end && isDigit(s.charCodeAt(d))) d++;
    if (d > w) {
      let sl = d;
      while (sl < end && s.charCodeAt(sl) === 47 /* / */) sl++;
      let t = sl;
      while (t < end && isDigit(s.charCodeAt(t))) t++;
      if (t < end && isSpace(s.charCodeAt(t))) {
        m.commEnd = c;
        m.pidStart = w;
        m.pidEnd = d;
        m.tidStart = sl;
        m.tidEnd = t;
        return true;
      }
    }
    // Every comm ending inside this run of blanks meets the same digits and fails the same way.
    c = w;
  }
  return false;
}

/**
 * The period and event name at an event record's end. Perl: /:\s*(\d+)*\s+(\S+):\s*$/
 *
 *   ...  473.502495:   10101010 cpu-clock:ppp:       → period 10101010, event "cpu-clock:ppp"
 *   ... 1410597.984841: instructions:                → no period, event "instructions"
 *   java 19983 cycles:                               → no match (no ":" before the name)
 *
 * Sets eventStart/eventEnd and periodStart/periodEnd (-1 when there is no period).
 */
export function matchEventName(s: string, start: number, end: number, m: PerfLineMatch): boolean {
  let t = end - 1;
  while (t >= start && isSpace(s.charCodeAt(t))) t--;
  if (t < start || s.charCodeAt(t) !== 58 /* : */) return false;
  let r = t;
  while (r > start && !isSpace(s.charCodeAt(r - 1))) r--;
  if (r === t || r === start) return false;
  let q = r;
  while (q > start && isSpace(s.charCodeAt(q - 1))) q--;
  if (q === start) return false;
  const before = s.charCodeAt(q - 1);
  if (before === 58) {
    m.periodStart = m.periodEnd = -1;
  } else {
    if (!isDigit(before)) return false;
    let dd = q - 1;
    while (dd > start && isDigit(s.charCodeAt(dd - 1))) dd--;
    let w = dd;
    while (w > start && isSpace(s.charCodeAt(w - 1))) w--;
    if (w === start || s.charCodeAt(w - 1) !== 58) return false;
    m.periodStart = dd;
    m.periodEnd = q;
  }
  m.eventStart = r;
  m.eventEnd = t;
  return true;
}

/**
 * One frame of a sample's stack. Perl: /^\s*(\w+)\s*(.+) \((.*)\)/
 *
 *   \tffffffff821f8914 __schedule+0x3d4 ([kernel.kallsyms])
 *   \t          de38f5 google.golang.org/grpc/internal/transport.(*controlBuffer).get+0x115 (/usr/bin/containerd)
 *   \t    7f1e2162ad6f StealTask::do_it(GCTaskManager*, unsigned int) (/mnt/openjdk8/.../libjvm.so)
 *   \t    7f1e2215d058  (/lib/x86_64-linux-gnu/libc-2.15.so)         → func is " " (the greedy regex's pick)
 *
 * The module is the text inside the last " (" that a later ")" closes, up to the last ")";
 * the function is what lies between the address's blanks and that " (".
 */
export function matchStackLine(s: string, start: number, end: number, m: PerfLineMatch): boolean {
  let i = start;
  while (i < end && isSpace(s.charCodeAt(i))) i++;
  let j = i;
  while (j < end && isWord(s.charCodeAt(j))) j++;
  if (j === i) return false;
  let close = end - 1;
  while (close >= i && s.charCodeAt(close) !== 41 /* ) */) close--;
  let open = close - 2;
  while (open >= i + 2 && !(s.charCodeAt(open) === 32 && s.charCodeAt(open + 1) === 40)) open--;
  if (open < i + 2) return false;
  let k = j;
  while (k < end && isSpace(s.charCodeAt(k))) k++;
  // The function needs one character: when the blanks (or the address) reach " (", it gives some back.
  const funcStart = k < open ? k : open - 1;
  m.pcStart = i;
  m.pcEnd = j < funcStart ? j : funcStart;
  m.funcStart = funcStart;
  m.funcEnd = open;
  m.modStart = open + 2;
  m.modEnd = close;
  return true;
}
