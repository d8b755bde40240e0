/**
 * A second, data-driven floor: forward only, one tight loop with a switch over the graph's
 * own compact arrays (op, a, b). No tape generality, no gradients: the least work any
 * interpreter of this graph can do per node. (Generated straight-line code is NOT faster at
 * 1M nodes: see the floor section of docs/benchmarks.md.)
 */
import { ADD, DIV, EXP, MAX, MUL, SUB, TANH, type Graph } from './graph';

export function forwardTight(g: Graph, v: Float64Array): void {
  const { op, a, b } = g;
  const n = g.n;
  for (let i = 0; i < n; i++) {
    switch (op[i]) {
      case ADD:
        v[i] = v[a[i]] + v[b[i]];
        break;
      case SUB:
        v[i] = v[a[i]] - v[b[i]];
        break;
      case MUL:
        v[i] = v[a[i]] * v[b[i]];
        break;
      case DIV:
        v[i] = v[a[i]] / v[b[i]];
        break;
      case TANH:
        v[i] = Math.tanh(v[a[i]]);
        break;
      case EXP:
        v[i] = Math.exp(v[a[i]]);
        break;
      case MAX:
        v[i] = Math.max(v[a[i]], v[b[i]]);
        break;
      default:
        break; // leaf: preset
    }
  }
}
