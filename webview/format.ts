/** Number formatting for the panel: short for reading, full precision for data attributes and tooltips. */
export function short(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  const s =
    abs >= 1e-4 && abs < 1e6 ? String(Number(x.toPrecision(precision))) : x.toExponential(Math.max(0, precision - 1));
  return s.replace('-', '−');
}

/** Round-trip text of a number (what data-* attributes carry). */
export function full(x: number): string {
  return String(x);
}

/** Parse what a person typed into a value field: accepts −, ∞, NaN, 1e-3 ... */
export function parseNumber(text: string): number | undefined {
  const t = text.trim().replace(/−/g, '-').replace(/∞/g, 'Infinity');
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isNaN(n) && t !== 'NaN' ? undefined : n;
}
