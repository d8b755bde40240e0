/**
 * PROTOTYPE (bench only, not used by the extension): src/core/tape.ts's forward/backward with
 * the per-node dispatch done by a `switch` on the op code with the arithmetic inlined, instead
 * of calling `OP_LIST[code].forward` / `.local` (one call site reaching ~36 different closures:
 * megamorphic, never inlined, plus the `spec.arity` property loads and the a/b/c argument
 * shuffling on every node). Same Tape, same results bit for bit (the bench checks this);
 * ops without a case fall back to the op table exactly like the original.
 */
import { OP_CODE, OP_LIST } from '../../src/core/ops';
import { LEAF, chosenArgument, type Tape } from '../../src/core/tape';

const ADD = OP_CODE.add;
const SUB = OP_CODE.sub;
const MUL = OP_CODE.mul;
const DIV = OP_CODE.div;
const NEG = OP_CODE.neg;
const EXP = OP_CODE.exp;
const LOG = OP_CODE.log;
const SIN = OP_CODE.sin;
const COS = OP_CODE.cos;
const TANH = OP_CODE.tanh;
const SQRT = OP_CODE.sqrt;
const MAX = OP_CODE.max;
const MIN = OP_CODE.min;

export function forwardSwitch(t: Tape): void {
  const { op, argStart, args, value } = t;
  const n = t.size;
  for (let i = 0; i < n; i++) {
    const code = op[i];
    if (code === LEAF) continue;
    const s = argStart[i];
    switch (code) {
      case ADD: value[i] = value[args[s]] + value[args[s + 1]]; break;
      case SUB: value[i] = value[args[s]] - value[args[s + 1]]; break;
      case MUL: value[i] = value[args[s]] * value[args[s + 1]]; break;
      case DIV: value[i] = value[args[s]] / value[args[s + 1]]; break;
      case NEG: value[i] = -value[args[s]]; break;
      case EXP: value[i] = Math.exp(value[args[s]]); break;
      case LOG: value[i] = Math.log(value[args[s]]); break;
      case SIN: value[i] = Math.sin(value[args[s]]); break;
      case COS: value[i] = Math.cos(value[args[s]]); break;
      case TANH: value[i] = Math.tanh(value[args[s]]); break;
      case SQRT: value[i] = Math.sqrt(value[args[s]]); break;
      case MAX: case MIN: {
        const end = argStart[i + 1];
        let acc = value[args[s]];
        if (code === MAX) for (let k = s + 1; k < end; k++) acc = Math.max(acc, value[args[k]]);
        else for (let k = s + 1; k < end; k++) acc = Math.min(acc, value[args[k]]);
        value[i] = acc;
        break;
      }
      default: forwardGeneric(t, i);
    }
  }
}

/** The original per-node code path (op-table closures), for the ops without a case. */
function forwardGeneric(t: Tape, i: number): void {
  const { op, argStart, args, value } = t;
  const spec = OP_LIST[op[i]];
  const s = argStart[i];
  const end = argStart[i + 1];
  if (spec.arity === 'n') {
    let acc = value[args[s]];
    for (let k = s + 1; k < end; k++) acc = spec.forward(acc, value[args[k]], 0);
    value[i] = acc;
  } else {
    value[i] = spec.forward(value[args[s]], end - s > 1 ? value[args[s + 1]] : 0, end - s > 2 ? value[args[s + 2]] : 0);
  }
}

export function backwardSwitch(t: Tape, root = t.size - 1): void {
  const { op, argStart, args, value, grad, local } = t;
  grad.fill(0);
  local.fill(0);
  if (root < 0) return;
  grad[root] = 1;
  for (let i = root; i >= 0; i--) {
    const code = op[i];
    if (code === LEAF) continue;
    const s = argStart[i];
    const up = grad[i];
    switch (code) {
      case ADD: {
        local[s] = 1; local[s + 1] = 1;
        grad[args[s]] += up; grad[args[s + 1]] += up; // up * 1 === up
        break;
      }
      case SUB: {
        local[s] = 1; local[s + 1] = -1;
        grad[args[s]] += up; grad[args[s + 1]] += up * -1;
        break;
      }
      case MUL: {
        const ia = args[s];
        const ib = args[s + 1];
        const a = value[ia];
        const b = value[ib];
        local[s] = b; local[s + 1] = a;
        grad[ia] += up * b; grad[ib] += up * a;
        break;
      }
      case DIV: {
        const ia = args[s];
        const ib = args[s + 1];
        const a = value[ia];
        const b = value[ib];
        const da = 1 / b;
        const db = -a / (b * b);
        local[s] = da; local[s + 1] = db;
        grad[ia] += up * da; grad[ib] += up * db;
        break;
      }
      case TANH: {
        const out = value[i];
        const d = 1 - out * out;
        local[s] = d;
        grad[args[s]] += up * d;
        break;
      }
      case EXP: {
        const d = value[i];
        local[s] = d;
        grad[args[s]] += up * d;
        break;
      }
      case NEG: {
        local[s] = -1;
        grad[args[s]] += up * -1;
        break;
      }
      case MAX: case MIN: {
        const chosen = chosenArgument(t, i);
        const end = argStart[i + 1];
        for (let k = s; k < end; k++) {
          const d = k === chosen ? 1 : 0;
          local[k] = d;
          grad[args[k]] += up * d;
        }
        break;
      }
      default: backwardGeneric(t, i);
    }
  }
}

function backwardGeneric(t: Tape, i: number): void {
  const { op, argStart, args, value, grad, local } = t;
  const spec = OP_LIST[op[i]];
  const s = argStart[i];
  const end = argStart[i + 1];
  const out = value[i];
  const up = grad[i];
  const a = value[args[s]];
  const b = end - s > 1 ? value[args[s + 1]] : 0;
  const c = end - s > 2 ? value[args[s + 2]] : 0;
  for (let k = s; k < end; k++) {
    const d = spec.local(k - s, a, b, c, out);
    local[k] = d;
    grad[args[k]] += up * d;
  }
}
