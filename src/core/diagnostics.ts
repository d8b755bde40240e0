/**
 * Things a learner should notice in a graph after forward and backward: where NaN/Infinity
 * first appears, dead ReLUs, saturated sigmoid/tanh, ties in max/min, kinks at 0, branches the
 * program took at a tie (ExprProgram.ties).
 * Each diagnostic points at one node and names it with its line:column.
 */
import { plainNumber } from './format';
import { isSigmoidName } from './program';
import type { ExprNode, ExprProgram } from './expr';
import { LEAF, chosenArgument, liveNodes, specOf, type Tape } from './tape';

export type DiagnosticCode =
  | 'non-finite' // a value turns NaN/±Infinity here from finite inputs (or an input is non-finite)
  | 'non-finite-grad' // a gradient contribution turns NaN/±Infinity here
  | 'dead-relu' // Math.max(0, x) with x < 0: no gradient reaches x
  | 'saturated' // sigmoid/tanh near 0/1 or ±1: the local gradient is nearly 0
  | 'tie' // max/min with several arguments equal to the result
  | 'kink' // a point where the derivative is undefined (abs at 0) and a convention is used
  | 'piecewise-constant'; // Math.round/floor/ceil/trunc, bitwise operators: derivative 0, no gradient flows through

export interface Diagnostic {
  severity: 'error' | 'warning' | 'info';
  code: DiagnosticCode;
  message: string;
  nodeId: number;
}

const SATURATION = 0.99;
/** Ops on 32-bit integers (derivative 0): reported like Math.floor. */
const BITWISE = new Set(['bitand', 'bitor', 'bitxor', 'shl', 'shr', 'ushr', 'bitnot', 'imul']);

function at(node: ExprNode): string {
  return `${node.label} (${node.range.line}:${node.range.column})`;
}

export function diagnose(program: ExprProgram, t: Tape): Diagnostic[] {
  const out: Diagnostic[] = [];
  const nodes = program.nodes;
  const { op, argStart, args, value, grad, local } = t;
  const isConstZero = (id: number) => nodes[id].kind === 'const' && value[id] === 0;
  // Nodes in a branch `c ? a : b` does not take are never evaluated by JavaScript: no diagnostics.
  const live = liveNodes(t, program.root);
  const dead = (i: number) => live !== undefined && !live[i];

  // 1. The first node whose value is non-finite although all its arguments are finite.
  for (let i = 0; i < t.size; i++) {
    if (Number.isFinite(value[i]) || dead(i)) continue;
    if (op[i] === LEAF) {
      if (nodes[i].kind === 'input') {
        out.push({
          severity: 'warning',
          code: 'non-finite',
          nodeId: i,
          message: `Input ${at(nodes[i])} is ${plainNumber(value[i])}.`,
        });
        break;
      }
      // A constant computed by a call (Math.max() = -Infinity), not spelled as Infinity/NaN.
      if (
        !/^[-+]?\(?\s*(?:Infinity|NaN)\s*\)?$|^Number\.(?:NaN|POSITIVE_INFINITY|NEGATIVE_INFINITY)$/.test(
          nodes[i].label,
        )
      ) {
        out.push({
          severity: 'warning',
          code: 'non-finite',
          nodeId: i,
          message: `${plainNumber(value[i])} first appears at ${at(nodes[i])}.`,
        });
        break;
      }
      continue;
    }
    let finiteArgs = true;
    for (let k = argStart[i]; k < argStart[i + 1]; k++) if (!Number.isFinite(value[args[k]])) finiteArgs = false;
    if (finiteArgs) {
      const argText = [];
      for (let k = argStart[i]; k < argStart[i + 1]; k++) argText.push(plainNumber(value[args[k]]));
      out.push({
        severity: 'warning',
        code: 'non-finite',
        nodeId: i,
        message: `${plainNumber(value[i])} first appears at ${at(nodes[i])}: ${specOf(t, i)!.name}(${argText.join(', ')}).`,
      });
      break;
    }
  }

  // 2. The first gate (in backward order) that sends a non-finite gradient from a finite one.
  // Only towards an argument that depends on an input: ∂(a^2)/∂2 at a < 0, or ∂(a ** (k - 1))/∂(k - 1)
  // with k a constant parameter (micrograd's pow), is NaN but flows nowhere.
  const varies = new Uint8Array(t.size);
  for (let i = 0; i < t.size; i++) {
    if (op[i] === LEAF) varies[i] = nodes[i].kind === 'input' ? 1 : 0;
    else for (let k = argStart[i]; k < argStart[i + 1] && !varies[i]; k++) varies[i] = varies[args[k]];
  }
  outer: for (let i = program.root; i >= 0; i--) {
    if (op[i] === LEAF || !Number.isFinite(grad[i]) || dead(i)) continue;
    for (let k = argStart[i]; k < argStart[i + 1]; k++) {
      if (!varies[args[k]]) continue;
      const contribution = grad[i] * local[k];
      if (!Number.isFinite(contribution)) {
        out.push({
          severity: 'warning',
          code: 'non-finite-grad',
          nodeId: i,
          message:
            `Gradient becomes ${plainNumber(contribution)} at ${at(nodes[i])}: upstream ` +
            `${plainNumber(grad[i])} × local ${plainNumber(local[k])} for argument ${nodes[args[k]].label}.`,
        });
        break outer;
      }
    }
  }

  const sigmoidNodes = new Set<number>();
  /** Source positions of bitwise operators already reported (a loop runs one many times: one note each). */
  const bitwiseSeen = new Set<string>();
  for (const f of program.frames) if (isSigmoidName(f.fn)) sigmoidNodes.add(f.result);

  for (let i = 0; i < t.size; i++) {
    const spec = specOf(t, i);
    if (!spec || dead(i)) continue;
    const s = argStart[i];
    const e = argStart[i + 1];
    if (spec.arity === 'n') {
      const chosen = chosenArgument(t, i);
      const tied: number[] = [];
      for (let k = s; k < e; k++) if (value[args[k]] === value[i]) tied.push(k);
      const isRelu = spec.name === 'max' && e - s === 2 && (isConstZero(args[s]) || isConstZero(args[s + 1]));
      if (isRelu && isConstZero(args[chosen])) {
        const other = args[chosen === s ? s + 1 : s];
        if (value[other] < 0) {
          out.push({
            severity: 'warning',
            code: 'dead-relu',
            nodeId: i,
            message:
              `Dead ReLU at ${at(nodes[i])}: ${nodes[other].label} = ${plainNumber(value[other])} < 0, ` +
              'so no gradient flows to it.',
          });
          continue;
        }
      }
      if (tied.length > 1) {
        const which = tied.map((k) => nodes[args[k]].label).join(', ');
        out.push({
          severity: isRelu ? 'warning' : 'info',
          code: isRelu ? 'kink' : 'tie',
          nodeId: i,
          message:
            `${isRelu ? 'ReLU at its kink' : `Tie in ${spec.name}`} at ${at(nodes[i])}: ${which} all equal ` +
            `${plainNumber(value[i])}; the whole gradient goes to the first (${nodes[args[chosen]].label}), ` +
            'the others get 0.',
        });
      }
    } else if (spec.name === 'tanh' && Math.abs(value[i]) > SATURATION) {
      out.push({
        severity: 'warning',
        code: 'saturated',
        nodeId: i,
        message:
          `Saturated tanh at ${at(nodes[i])}: tanh = ${plainNumber(value[i])}, local gradient ` +
          `1 − tanh² = ${plainNumber(1 - value[i] * value[i])}.`,
      });
    } else if (spec.name === 'round' || spec.name === 'floor' || spec.name === 'ceil' || spec.name === 'trunc') {
      out.push({
        severity: 'info',
        code: 'piecewise-constant',
        nodeId: i,
        message:
          `Math.${spec.name} at ${at(nodes[i])} is piecewise constant: its derivative is 0, ` +
          'so no gradient flows through it (like torch.' +
          spec.name +
          ').',
      });
    } else if (BITWISE.has(spec.name)) {
      const where = at(nodes[i]);
      if (bitwiseSeen.has(where)) continue;
      bitwiseSeen.add(where);
      const xor = spec.name === 'bitxor';
      out.push({
        // `x ^ 2` is the classic slip for a power: say it louder
        severity: xor ? 'warning' : 'info',
        code: 'piecewise-constant',
        nodeId: i,
        message:
          `${spec.name === 'imul' ? 'Math.imul' : `The bitwise operator '${spec.symbol}'`} at ${where} works on ` +
          '32-bit integers (its operands are truncated): its derivative is 0, so no gradient flows through it.' +
          (xor ? " '^' is XOR in JavaScript, not a power: for a power write a ** b or Math.pow(a, b)." : ''),
      });
    } else if (spec.name === 'abs' && value[args[s]] === 0) {
      out.push({
        severity: 'info',
        code: 'kink',
        nodeId: i,
        message: `abs at its kink at ${at(nodes[i])}: the derivative at 0 is undefined; 0 is used (like PyTorch).`,
      });
    } else if (spec.name === 'div' && isSigmoidPattern(program, t, i)) {
      sigmoidNodes.add(i);
    }
  }
  // Branches the run took at a tie (programs): `z > 0 ? z : 0.01 * z` at z = 0, `z && y` at z = 0.
  for (const tie of program.ties ?? []) {
    const where = `"${tie.text}" (${tie.range.line}:${tie.range.column})`;
    out.push({
      severity: 'info',
      code: tie.test === 'compare' ? 'tie' : 'kink',
      nodeId: tie.node ?? program.root,
      message:
        tie.test === 'compare'
          ? `${where} compares two equal numbers (both ${plainNumber(tie.value)}): the result is not differentiable there, and the gradient shown follows the branch JavaScript took.`
          : `${where} is tested for truth at exactly 0 (any other value takes the other branch): the gradient shown follows the branch JavaScript took.`,
    });
  }
  for (const i of sigmoidNodes) {
    if (dead(i)) continue;
    const y = value[i];
    if (y > SATURATION || y < 1 - SATURATION) {
      out.push({
        severity: 'warning',
        code: 'saturated',
        nodeId: i,
        message:
          `Saturated sigmoid at ${at(nodes[i])}: σ = ${plainNumber(y)}, local gradient ` +
          `σ(1 − σ) = ${plainNumber(y * (1 - y))}.`,
      });
    }
  }
  return out;
}

/** 1 / (1 + exp(z)) in either operand order: the sigmoid written out. */
function isSigmoidPattern(program: ExprProgram, t: Tape, i: number): boolean {
  const { argStart, args, value } = t;
  const isOne = (id: number) => program.nodes[id].kind === 'const' && value[id] === 1;
  const num = args[argStart[i]];
  const den = args[argStart[i] + 1];
  if (!isOne(num) || specOf(t, den)?.name !== 'add') return false;
  const a = args[argStart[den]];
  const b = args[argStart[den] + 1];
  return (isOne(a) && specOf(t, b)?.name === 'exp') || (isOne(b) && specOf(t, a)?.name === 'exp');
}
