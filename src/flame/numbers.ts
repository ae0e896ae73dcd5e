/**
 * Numbers as flamegraph.pl prints them (C's printf): fixed decimals rounded half to even when the
 * binary value is exactly half-way (JS's toFixed rounds those up: 0.125 → "0.13", printf "0.12"),
 * and sample counts with thousands separators.
 */

/** printf("%.<digits>f", x) for |x| < 1e21. */
export function fixed(x: number, digits: number): string {
  // The common case (a coordinate or a percentage: 0 <= x < 1e9, at most 2 decimals) without
  // toFixed, a runtime call: x·10^digits is off by far less than 1e-6 there, so its nearest integer
  // is the printed one unless it is within 1e-6 of a half (then the exact path below decides).
  if (x >= 0 && x < 1e9 && digits <= 2) {
    if (digits === 0 && Number.isInteger(x)) return String(x);
    const p = digits === 0 ? 1 : digits === 1 ? 10 : 100;
    const y = x * p;
    const down = Math.floor(y);
    const frac = y - down;
    if (frac < 0.499999 || frac > 0.500001) {
      const n = frac < 0.5 ? down : down + 1;
      if (digits === 0) return String(n);
      const int = Math.floor(n / p);
      const rest = n - int * p;
      return digits === 1 ? `${int}.${rest}` : rest < 10 ? `${int}.0${rest}` : `${int}.${rest}`;
    }
  }
  return slowFixed(x, digits);
}

function slowFixed(x: number, digits: number): string {
  const scaled = x * 2 ** (digits + 1);
  // Exactly half-way in binary iff x·2^(digits+1) is an odd integer (10^digits = 2^digits·5^digits).
  if (Number.isInteger(scaled) && Math.abs(scaled % 2) === 1) {
    const p = 10 ** digits;
    const down = Math.floor(x * p);
    const n = down % 2 === 0 ? down : down + 1;
    return (n / p).toFixed(digits);
  }
  return x.toFixed(digits);
}

/** 1234567 → "1,234,567" (a rounded count; negative kept). */
export function thousands(n: number): string {
  const s = fixed(n, 0);
  const neg = s.startsWith('-');
  const digits = neg ? s.slice(1) : s;
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return neg ? '-' + out : out;
}
