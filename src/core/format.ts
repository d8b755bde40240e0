/**
 * Every number-to-text rule of Gradient Lens, in one place (and the one text-to-number rule of
 * the panel's fields). Each rule has its own name because each output is a promise to someone:
 * the inline values and hover (`significant`), the panel (`panelShort`, `roundTrip`), the CLI's
 * tables and diagnostics (`tableNumber`, `plainNumber`), JSON (`jsonNumber`), source literals
 * (`literalText`), the training chart (`tickLabel`, `percentChange`).
 */
const MINUS = '\u2212';

/**
 * Inline values, hover, CodeLens: `precision` significant digits, trailing zeros dropped,
 * '−' for minus, exponent outside [1e-4, 1e6), ∞ for infinities.
 */
export function significant(x: number, precision = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return `${MINUS}∞`;
  if (x === 0) return '0';
  const p = Math.max(1, Math.min(17, Math.round(precision)));
  const abs = Math.abs(x);
  let s: string;
  const rounded = Number(abs.toPrecision(p));
  if (rounded >= 1e-4 && rounded < 1e6) {
    s = String(rounded);
  } else {
    const [mant, exp] = abs.toExponential(p - 1).split('e');
    const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
    s = `${m}e${exp.replace('+', '')}`;
  }
  s = s.replace(/-/g, MINUS);
  return x < 0 ? MINUS + s : s;
}

/** Hover: the shortest round-trip text of the double (full precision), with '−' and ∞. */
export function fullMinus(x: number): string {
  if (Object.is(x, -0)) return '0';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return `${MINUS}∞`;
  return String(x).replace(/-/g, MINUS);
}

/**
 * The panel's short form: `precision` significant digits in [1e-4, 1e6), else an exponent with
 * precision − 1 fraction digits (kept: the panel's columns align on them); the sign is '−'.
 */
export function panelShort(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  const s =
    abs >= 1e-4 && abs < 1e6 ? String(Number(x.toPrecision(precision))) : x.toExponential(Math.max(0, precision - 1));
  return s.replace('-', '−');
}

/** Round-trip text of a number (what the panel's data-* attributes and tooltips carry). */
export function roundTrip(x: number): string {
  return String(x);
}

/** Parse what a person typed into a value field: accepts −, ∞, NaN, 1e-3 ... */
export function parseNumber(text: string): number | undefined {
  const t = text.trim().replace(/−/g, '-').replace(/∞/g, 'Infinity');
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isNaN(n) && t !== 'NaN' ? undefined : n;
}

/** Diagnostics and DOT labels (ASCII): integers as they are, else 6 significant digits; NaN, ±Infinity. */
export function plainNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return Number.isInteger(x) ? String(x) : Number(x.toPrecision(6)).toString();
}

/** Ten significant digits, for tables that people check by hand (JSON keeps full precision). */
export function tableNumber(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(10))) : plainNumber(x);
}

/** JSON has no NaN/Infinity: they become the strings "NaN", "Infinity", "-Infinity". */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export function jsonNumber(x: number): JsonNumber {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return x;
}

/** Relative error of a gradient check: two significant digits in exponent form. */
export function relErrorText(x: number): string {
  return x.toExponential(1);
}

/**
 * A source literal for a value: rounded to `digits` significant digits, then the shortest text
 * that round-trips that rounded number (String), e.g. 0.55189684, -0.014036163, 1e-7.
 * Undefined for NaN/±Infinity (not numeric literals).
 */
export function literalText(x: number, digits: number): string | undefined {
  if (!Number.isFinite(x)) return undefined;
  const r = Number(x.toPrecision(digits));
  return Object.is(r, -0) ? '0' : String(r);
}

/** Compact chart tick label: 0.25, 1e-3, 12k. */
export function tickLabel(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e4) return String(Number(x.toPrecision(3))).replace('-', '−');
  if (a >= 1e4 && a < 1e7 && Number.isInteger(x)) return `${Number((x / 1000).toPrecision(3))}k`.replace('-', '−');
  const e = Math.round(Math.log10(a));
  if (Math.abs(a - 10 ** e) < 1e-9 * a) return `${x < 0 ? '−' : ''}1e${e}`.replace('e-', 'e−');
  return x.toExponential(1).replace('-', '−');
}

/** The change from `a` to `b` in percent, three significant digits: −12.3% or +4.56%. */
export function percentChange(a: number, b: number): string {
  const r = (a - b) / a;
  return r >= 0 ? `−${(r * 100).toPrecision(3)}%` : `+${(-r * 100).toPrecision(3)}%`;
}

/** A count in a few characters for progress text: 950, 12.3k, 3.2M, 1.05G. */
export function compactCount(n: number): string {
  const units = ['', 'k', 'M', 'G', 'T'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 999.5 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? String(Math.round(v)) : `${Number(v.toPrecision(3))}${units[i]}`;
}
