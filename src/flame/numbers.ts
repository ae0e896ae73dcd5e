/**
 * Numbers as flamegraph.pl prints them (C's printf): fixed decimals rounded half to even when the
 * binary value is exactly half-way (JS's toFixed rounds those up: 0.125 → "0.13", printf "0.12"),
 * and sample counts with thousands separators.
 */

/** printf("%.<digits>f", x) for |x| < 1e21. */
export function fixed(x: number, digits: number): string {
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
