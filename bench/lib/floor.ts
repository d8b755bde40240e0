/**
 * The floor: the same expression compiled to straight-line JS (forward only), e.g.
 * `v[123] = v[45] * v[67];`, split into chunks of `chunk` statements, each chunk one
 * `new Function` (our own generated code). Two code shapes:
 *  - 'array':  every statement reads and writes the Float64Array v.
 *  - 'locals': values computed in the same chunk are read from `const` locals (still stored
 *              to v for later chunks and for verification).
 */
import { ADD, DIV, EXP, MAX, MUL, SUB, TANH, type Graph } from './graph';
import { LEAF } from '../../src/core/tape';

export type FloorShape = 'array' | 'locals';

export interface Floor {
  shape: FloorShape;
  chunk: number;
  fns: Array<(v: Float64Array) => void>;
  /** Leaf values preset, gates filled by run(). */
  v: Float64Array;
  compileMs: number;
  run(): void;
}

export function compileFloor(g: Graph, shape: FloorShape, chunk: number): Floor {
  const t0 = performance.now();
  const fns: Array<(v: Float64Array) => void> = [];
  const v = new Float64Array(g.n);
  for (let i = 0; i < g.n; i++) if (g.op[i] === LEAF) v[i] = g.leafValue[i];
  for (let start = 0; start < g.n; start += chunk) {
    const end = Math.min(g.n, start + chunk);
    const lines: string[] = [];
    const ref = (j: number) => (shape === 'locals' && j >= start && g.op[j] !== LEAF ? `t${j}` : `v[${j}]`);
    for (let i = start; i < end; i++) {
      const code = g.op[i];
      if (code === LEAF) continue;
      const x = ref(g.a[i]);
      const y = g.b[i] >= 0 ? ref(g.b[i]) : '';
      let e: string;
      switch (code) {
        case ADD:
          e = `${x} + ${y}`;
          break;
        case SUB:
          e = `${x} - ${y}`;
          break;
        case MUL:
          e = `${x} * ${y}`;
          break;
        case DIV:
          e = `${x} / ${y}`;
          break;
        case TANH:
          e = `Math.tanh(${x})`;
          break;
        case EXP:
          e = `Math.exp(${x})`;
          break;
        case MAX:
          e = `Math.max(${x}, ${y})`;
          break;
        default:
          throw new Error(`floor: op ${code}`);
      }
      lines.push(shape === 'locals' ? `const t${i} = ${e}; v[${i}] = t${i};` : `v[${i}] = ${e};`);
    }
    // The bench's own generated code (the 'plain JS floor'), never user code.
    // eslint-disable-next-line no-new-func
    fns.push(new Function('v', `"use strict";\n${lines.join('\n')}`) as (v: Float64Array) => void);
  }
  const compileMs = performance.now() - t0;
  return {
    shape,
    chunk,
    fns,
    v,
    compileMs,
    run() {
      for (let k = 0; k < fns.length; k++) fns[k](v);
    },
  };
}
