/**
 * Small helpers of the interpreter: result arrays (presized, numbersOf), RetraceNeeded, the numeric
 * shape of an array, input access paths (`w[0]`, `p.x`: canonicalIndex, parsePath), the names a
 * pattern binds (patternNames), ZERO_RANGE.
 */
import type { SourceRange } from '../expr';
import { K, type Pattern } from '../ir';
import type { Value } from './values';

/** An array for n results written in order (presized when not huge: budgets stop a run long before). */
export function presized(n: number): Value[] {
  return n <= 1 << 20 ? new Array<Value>(n) : [];
}

/** The numbers among the first `n` values, in an array of exactly their count. */
export function numbersOf(vs: Value[], n: number): number[] {
  const m = Math.min(n, vs.length);
  let count = 0;
  for (let i = 0; i < m; i++) if (typeof vs[i] === 'number') count++;
  // Literals of the right length are the cheapest arrays to make (one or two numbers: the usual case).
  if (count === 0) return [];
  if (count === 1) {
    for (let i = 0; i < m; i++) {
      const v = vs[i];
      if (typeof v === 'number') return [v];
    }
  }
  if (count === 2 && m === 2) return [vs[0] as number, vs[1] as number];
  const out = new Array<number>(count);
  for (let i = 0, j = 0; i < m; i++) {
    const v = vs[i];
    if (typeof v === 'number') out[j++] = v;
  }
  return out;
}

export class RetraceNeeded extends Error {
  constructor(readonly names: string[]) {
    super('retrace');
  }
}

/** Rectangular array of numbers: fills shape and elements (row-major); marks sub-arrays as rows. */
export function numericShape(arr: Value[], shape: number[], elements: number[], rows: Set<Value[]>): boolean {
  // Level by level, iteratively.
  let level: Value[][] = [arr];
  for (;;) {
    const len = level[0].length;
    if (len === 0) return false;
    for (const a of level) if (a.length !== len) return false;
    shape.push(len);
    const first = level[0][0];
    if (typeof first === 'number') {
      for (const a of level) for (const x of a) if (typeof x !== 'number') return false;
      for (const a of level) for (const x of a) elements.push(x as number);
      return true;
    }
    if (!Array.isArray(first)) return false;
    const next: Value[][] = [];
    for (const a of level) {
      for (const x of a) {
        if (!Array.isArray(x)) return false;
        next.push(x);
      }
    }
    for (const r of next) rows.add(r);
    level = next;
  }
}

export function canonicalIndex(key: string): number {
  if (key.length === 0 || key.length > 15) return -1;
  const n = Number(key);
  return Number.isInteger(n) && n >= 0 && String(n) === key ? n : -1;
}

/** `[0][1].x` → [0, 1, 'x']; undefined when malformed. */
export function parsePath(s: string): Array<number | string> | undefined {
  const out: Array<number | string> = [];
  const re = /\[(\d+)\]|\.([A-Za-z_$][\w$]*)/y;
  let i = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) return undefined;
    out.push(m[1] !== undefined ? Number(m[1]) : m[2]);
    i = re.lastIndex;
  }
  return out;
}

export function patternNames(p: Pattern, out: string[]): void {
  const stack: Pattern[] = [p];
  while (stack.length) {
    const q = stack.pop()!;
    if (q.k === K.PId) out.push(q.name);
    else if (q.k === K.PArr) {
      if (q.rest) stack.push(q.rest);
      for (let i = q.elems.length - 1; i >= 0; i--) {
        const e = q.elems[i];
        if (e) stack.push(e.p);
      }
    } else if (q.k === K.PObj) {
      if (q.rest) stack.push(q.rest);
      for (let i = q.props.length - 1; i >= 0; i--) stack.push(q.props[i].p);
    }
  }
}

export function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const ZERO_RANGE: SourceRange = { start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };
