/**
 * How stackcollapse-perf.pl turns one stack line's function and module into folded frames:
 * offset stripped, inlined frames split, unknown symbols named, names tidied, annotations added.
 */

/** The options that change a frame's text. */
export interface FrameRules {
  /** `_[k]` after kernel frames (module `[...]` or `...vmlinux`). */
  kernel: boolean;
  /** `_[j]` after JIT frames (module `/tmp/perf-PID.map`). */
  jit: boolean;
  /** `[module <addr>]` instead of `[module]` for unknown symbols. */
  addrs: boolean;
}

/**
 * Folded frames (joined by ";", outermost first) for one stack line, or null when it adds none.
 * raw: the function text as printed; mod: the module inside the parentheses; pc: the address;
 * java: the sample's root frame starts with "java".
 */
export function foldFrames(raw: string, mod: string, pc: string, java: boolean, rules: FrameRules): string | null {
  // Linux 4.8+ prints offsets: "__schedule+0x3d4" → "__schedule" (lower-case hex only, at the end).
  let end = raw.length;
  while (end > 0 && isLowerHex(raw.charCodeAt(end - 1))) end--;
  if (end < raw.length && end >= 3 && raw.charCodeAt(end - 1) === 120 && raw.charCodeAt(end - 2) === 48 && raw.charCodeAt(end - 3) === 43) {
    raw = raw.slice(0, end - 3);
  }
  // "(foo)" is a process name, not a frame; an empty function gives no frame.
  if (raw.length === 0 || raw.charCodeAt(0) === 40) return null;
  if (raw.indexOf('->') === -1) return frame(raw, false, mod, pc, java, rules);
  // "outer->inlined1->inlined2": Perl's split drops trailing empty pieces, keeps the others.
  const parts = raw.split('->');
  let n = parts.length;
  while (n > 0 && parts[n - 1] === '') n--;
  if (n === 0) return null;
  let out = frame(parts[0], false, mod, pc, java, rules);
  for (let i = 1; i < n; i++) out += ';' + frame(parts[i], true, mod, pc, java, rules);
  return out;
}

function frame(func: string, inlined: boolean, mod: string, pc: string, java: boolean, rules: FrameRules): string {
  if (func === '[unknown]') {
    let name = 'unknown';
    if (mod !== '[unknown]') name = mod.slice(mod.lastIndexOf('/') + 1);
    func = rules.addrs ? `[${name} <${pc}>]` : `[${name}]`;
  }
  func = tidy(func);
  // "Lorg/mozilla/javascript/ContextFactory;.call(...)" → "org/mozilla/javascript/ContextFactory:.call"
  if (java && func.charCodeAt(0) === 76 /* L */ && func.indexOf('/') !== -1) func = func.slice(1);
  if (inlined) return func.indexOf('_[i]') === -1 ? func + '_[i]' : func;
  if (rules.kernel && isKernelModule(mod)) return func + '_[k]';
  if (rules.jit && isJitModule(mod)) return func.indexOf('_[j]') === -1 ? func + '_[j]' : func;
  return func;
}

/** ";" becomes ":", argument lists go (unless Go method or "(anonymous namespace)"), quotes go. */
function tidy(func: string): string {
  if (func.indexOf(';') !== -1) func = func.replaceAll(';', ':');
  if (func.indexOf('(') !== -1 && !isGoMethod(func)) func = cutArguments(func);
  if (func.indexOf('"') !== -1 || func.indexOf("'") !== -1) func = func.replace(/["']/g, '');
  return func;
}

/** "net/http.(*Client).Do": a ".(" with a ")." after it (Perl: /\.\(.*\)\./). */
function isGoMethod(func: string): boolean {
  const open = func.indexOf('.(');
  return open !== -1 && func.lastIndexOf(').') >= open + 2;
}

/** Cuts at the first "(" that does not open "(anonymous namespace)". */
function cutArguments(func: string): string {
  let at = func.indexOf('(');
  while (at !== -1 && func.startsWith('anonymous namespace)', at + 1)) at = func.indexOf('(', at + 1);
  return at === -1 ? func : func.slice(0, at);
}

/** "[kernel.kallsyms]", "[nf_conntrack_ipv4]", ".../build/vmlinux"; never "[unknown]". */
function isKernelModule(mod: string): boolean {
  return (mod.charCodeAt(0) === 91 /* [ */ || mod.endsWith('vmlinux')) && mod.indexOf('unknown') === -1;
}

/** Perl: m:/tmp/perf-\d+\.map: anywhere in the module. */
function isJitModule(mod: string): boolean {
  let at = mod.indexOf('/tmp/perf-');
  while (at !== -1) {
    let i = at + 10;
    while (i < mod.length && mod.charCodeAt(i) >= 48 && mod.charCodeAt(i) <= 57) i++;
    if (i > at + 10 && mod.startsWith('.map', i)) return true;
    at = mod.indexOf('/tmp/perf-', at + 1);
  }
  return false;
}

const isLowerHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
