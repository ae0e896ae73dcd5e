/**
 * Frame colours. Each palette picks a colour family for a frame from its name (and whether it runs
 * in the kernel), then a shade in that family, at random or, with --hash, from the name (the same
 * function gets the same colour in every graph). Families and the name rules follow what
 * FlameGraph's README documents for its palettes (hot, mem, io; java, js, perl telling languages
 * apart); the shades are this file's own. `containerd` tells the layers of a containerd host apart.
 */

export const PALETTES = ['hot', 'mem', 'io', 'java', 'js', 'perl', 'containerd', 'red', 'green', 'blue', 'aqua', 'yellow', 'purple', 'orange'] as const;
export type Palette = (typeof PALETTES)[number];

/** A shade range: hue (degrees), saturation and lightness (0..1) from `lo` at shade 0 to `hi` at 1. */
interface Family {
  h: [number, number];
  s: [number, number];
  l: [number, number];
}

const FAMILIES = {
  hot: { h: [0, 48], s: [0.85, 0.95], l: [0.5, 0.6] },
  mem: { h: [95, 160], s: [0.55, 0.7], l: [0.42, 0.55] },
  io: { h: [205, 235], s: [0.55, 0.7], l: [0.6, 0.72] },
  red: { h: [0, 8], s: [0.6, 0.75], l: [0.55, 0.68] },
  green: { h: [95, 125], s: [0.5, 0.65], l: [0.45, 0.6] },
  blue: { h: [210, 230], s: [0.55, 0.7], l: [0.62, 0.74] },
  aqua: { h: [175, 190], s: [0.5, 0.65], l: [0.5, 0.62] },
  yellow: { h: [52, 60], s: [0.6, 0.75], l: [0.45, 0.58] },
  purple: { h: [280, 300], s: [0.45, 0.6], l: [0.6, 0.72] },
  orange: { h: [24, 38], s: [0.85, 0.95], l: [0.5, 0.58] },
  grey: { h: [0, 0], s: [0, 0], l: [0.62, 0.72] },
} satisfies Record<string, Family>;
type FamilyName = keyof typeof FAMILIES;

const KERNEL_MARK = /_\[k\]$/;
/** Where user code enters the kernel (or a kernel thread starts): frames from here down are kernel. */
const KERNEL_ENTRY = /^(entry_SYSCALL|entry_INT80|asm_(exc|sysvec|common_interrupt)|ret_from_fork|irq_entries_start|common_interrupt|do_syscall_64|syscall_enter_from_user_mode|__do_softirq|kthread$|swapper|secondary_startup_64|start_kernel|cpu_startup_entry)/;

/** Whether a frame starts kernel code, so that it and everything it calls draws as kernel. */
export function entersKernel(name: string): boolean {
  return KERNEL_MARK.test(name) || KERNEL_ENTRY.test(name);
}

const GO_RUNTIME = /^(runtime[./]|internal\/|gcBgMarkWorker|goexit)/;
/** A Go package path without a dot in its first element is the standard library ("os/exec.", "sync."). */
const GO_STD = /^[a-z][a-z0-9]*(\/[a-z0-9_]+)*\.[A-Za-z(*]/;
const SHIM = /(containerd-shim|github\.com\/containerd\/containerd\/(v2\/)?(runtime\/v2\/(shim|runc)|pkg\/process|pkg\/shim|cmd\/containerd-shim)|runtime\/v2\/runc\/|\/pkg\/shim\/)/;
const CONTAINERD = /^(containerd$|github\.com\/containerd\/|ctr$)/;
const RUNC = /^(runc|exe$|github\.com\/opencontainers\/)/;

/** The containerd host's layers: kernel, Go runtime, Go library, containerd, the shim, runc, other. */
function containerdFamily(name: string, kernel: boolean): FamilyName {
  if (kernel) return 'orange';
  if (name === '[unknown]' || name === '') return 'grey';
  if (SHIM.test(name)) return 'purple';
  if (CONTAINERD.test(name)) return 'green';
  if (RUNC.test(name)) return 'yellow';
  if (GO_RUNTIME.test(name)) return 'aqua';
  if (GO_STD.test(name) || /^[a-z0-9.-]+\.[a-z]+\//.test(name)) return 'blue';
  return 'red';
}

function javaFamily(name: string): FamilyName {
  if (name.endsWith('_[j]')) return 'green';
  if (name.endsWith('_[i]')) return 'aqua';
  if (/^L?(java|javax|jdk|net|org|com|io|sun)\//.test(name) || name.includes(':::')) return 'green';
  if (name.includes('::')) return 'yellow';
  if (KERNEL_MARK.test(name)) return 'orange';
  return 'red';
}

function jsFamily(name: string): FamilyName {
  if (name.endsWith('_[j]')) return name.includes('/') ? 'green' : 'aqua';
  if (name.includes('::')) return 'yellow';
  if (/\/.*\.js/.test(name)) return 'green';
  if (name.includes(':')) return 'aqua';
  if (name === ' ') return 'green';
  if (name.includes('_[k]')) return 'orange';
  return 'red';
}

function perlFamily(name: string): FamilyName {
  if (name.includes('::')) return 'yellow';
  if (name.includes('Perl') || name.includes('.pl')) return 'green';
  if (KERNEL_MARK.test(name)) return 'orange';
  return 'red';
}

function familyOf(palette: Palette, name: string, kernel: boolean): FamilyName {
  switch (palette) {
    case 'java':
      return javaFamily(name);
    case 'js':
      return jsFamily(name);
    case 'perl':
      return perlFamily(name);
    case 'containerd':
      return containerdFamily(name, kernel);
    default:
      return palette;
  }
}

/**
 * A name → [0, 1): early characters weigh most, so names sharing a prefix (one package) get
 * near shades, and the rest of the name spreads them a little.
 */
export function nameShade(name: string, fromEnd = false): number {
  let v = 0;
  let weight = 1;
  let max = 0;
  for (let i = 0; i < name.length && i < 24; i++) {
    const c = name.charCodeAt(fromEnd ? name.length - 1 - i : i);
    v += (weight * ((c * 2654435761) % 997)) / 997;
    max += weight;
    weight *= 0.72;
  }
  return max === 0 ? 0 : v / max;
}

const lerp = (r: [number, number], t: number) => r[0] + (r[1] - r[0]) * t;

function hsl(h: number, s: number, l: number): string {
  // HSL → RGB (CSS Color 4's formula).
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const a = s * Math.min(l, 1 - l);
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return `rgb(${f(0)},${f(8)},${f(4)})`;
}

/** Picks frame colours for one graph; `hash` makes them depend on the name only. */
export function colorPicker(palette: Palette, hash: boolean, random: () => number = Math.random): (name: string, kernel: boolean) => string {
  return (name, kernel) => {
    if (name === '--') return 'rgb(160,160,160)';
    if (name === '-') return 'rgb(200,200,200)';
    const fam = FAMILIES[familyOf(palette, name, kernel)];
    const a = hash ? nameShade(name) : random();
    const b = hash ? nameShade(name, true) : random();
    return hsl(lerp(fam.h, a), lerp(fam.s, b), lerp(fam.l, hash ? (a + b) / 2 : random()));
  };
}

/**
 * A differential frame: white when unchanged, towards red where it grew and blue where it shrank,
 * as deep as its change is against the largest change (210 levels, as flamegraph.pl draws them).
 */
export function deltaColor(delta: number, maxDelta: number, negate: boolean): string {
  const v = negate ? -delta : delta;
  if (v > 0) {
    const c = Math.trunc((210 * (maxDelta - v)) / maxDelta);
    return `rgb(255,${c},${c})`;
  }
  if (v < 0) {
    const c = Math.trunc((210 * (maxDelta + v)) / maxDelta);
    return `rgb(${c},${c},255)`;
  }
  return 'rgb(255,255,255)';
}
