/**
 * The op table: for every gate, its forward function, its local derivatives and its role
 * in backprop (after tfjs-core's gradient configs and CS231n's gate intuitions).
 *
 * `local(i, a, b, c, out)` is ∂out/∂arg_i given the argument values a, b, c and the forward
 * result `out`. The engine multiplies it by the upstream gradient (the chain rule) and adds
 * the contribution to the argument's gradient.
 *
 * Conventions match PyTorch's autograd where a derivative is undefined:
 * - abs'(0) = 0 (sign(0)), like torch.abs.
 * - pow: ∂/∂a = 0 when b = 0; ∂/∂b = 0 when a = 0 and b ≥ 0 (torch.pow's masks).
 * - a % b is C fmod (JS `%`): ∂/∂a = 1, ∂/∂b = −trunc(a/b), like torch.fmod.
 * - max/min route the whole gradient to ONE argument: the leftmost argument equal to the
 *   result. So on a tie `Math.max(0, x)` at x = 0 gives x no gradient (like torch.relu'(0) = 0),
 *   and `Math.max(a, b)` with a = b gives everything to a. (torch.maximum splits ties evenly;
 *   we report ties as a diagnostic instead.) If the result is NaN, the first NaN argument gets it.
 * - comparisons are piecewise constant: local derivative 0.
 * - `c ? a : b` routes the gradient to the branch taken; the condition gets 0.
 */

export type OpName =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'mod'
  | 'pow'
  | 'neg'
  | 'pos'
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'log2'
  | 'log10'
  | 'sqrt'
  | 'cbrt'
  | 'abs'
  | 'sign'
  | 'sin'
  | 'cos'
  | 'tan'
  | 'asin'
  | 'acos'
  | 'atan'
  | 'sinh'
  | 'cosh'
  | 'tanh'
  | 'max'
  | 'min'
  | 'round'
  | 'floor'
  | 'ceil'
  | 'trunc'
  | 'atan2'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'eq'
  | 'ne'
  | 'cond'
  | 'branch'
  | 'bitand'
  | 'bitor'
  | 'bitxor'
  | 'shl'
  | 'shr'
  | 'ushr'
  | 'bitnot'
  | 'imul';

/** How a gate treats the upstream gradient (the vocabulary the panel teaches). */
export type GateRole =
  | 'distribute' // add: passes the upstream gradient unchanged to every input
  | 'switch' // mul: scales the upstream gradient by the *other* input's value
  | 'route' // max/min: the whole gradient goes to one input, the others get 0
  | 'select' // c ? a : b: the gradient goes to the branch taken
  | 'scale' // neg, pos, div by constant...: scales by a local factor
  | 'nonlinear' // exp, log, tanh, ...: scales by the local derivative at the input
  | 'constant'; // comparisons, sign: local derivative 0, no gradient flows

export interface OpSpec {
  readonly name: OpName;
  /** Symbol or function name for display: '+', '×', 'exp', 'max', '?:'. */
  readonly symbol: string;
  /** Number of arguments; 'n' for n-ary (≥ 1) max/min. */
  readonly arity: 1 | 2 | 3 | 'n';
  readonly role: GateRole;
  /** Forward value. Unused arguments are 0. For n-ary ops: the binary fold step. */
  readonly forward: (a: number, b: number, c: number) => number;
  /** ∂out/∂arg_i. Not used for n-ary ops (the engine routes to the chosen argument). */
  readonly local: (i: number, a: number, b: number, c: number, out: number) => number;
  /** The local derivative of each argument as a formula, for the chain-rule view. */
  readonly formula: readonly string[];
}

const zero = () => 0;

function op(
  name: OpName,
  symbol: string,
  arity: OpSpec['arity'],
  role: GateRole,
  forward: OpSpec['forward'],
  local: OpSpec['local'],
  formula: string[],
): OpSpec {
  return { name, symbol, arity, role, forward, local, formula };
}

function unary(
  name: OpName,
  symbol: string,
  role: GateRole,
  f: (a: number) => number,
  d: (a: number, out: number) => number,
  formula: string,
): OpSpec {
  return op(
    name,
    symbol,
    1,
    role,
    (a) => f(a),
    (_i, a, _b, _c, out) => d(a, out),
    [formula],
  );
}

function compare(name: OpName, symbol: string, f: (a: number, b: number) => boolean): OpSpec {
  return op(name, symbol, 2, 'constant', (a, b) => (f(a, b) ? 1 : 0), zero, ['0', '0']);
}

const SPECS: OpSpec[] = [
  op(
    'add',
    '+',
    2,
    'distribute',
    (a, b) => a + b,
    () => 1,
    ['1', '1'],
  ),
  op(
    'sub',
    '−',
    2,
    'distribute',
    (a, b) => a - b,
    (i) => (i === 0 ? 1 : -1),
    ['1', '−1'],
  ),
  op(
    'mul',
    '×',
    2,
    'switch',
    (a, b) => a * b,
    (i, a, b) => (i === 0 ? b : a),
    ['b', 'a'],
  ),
  op(
    'div',
    '÷',
    2,
    'switch',
    (a, b) => a / b,
    (i, a, b) => (i === 0 ? 1 / b : -a / (b * b)),
    ['1/b', '−a/b²'],
  ),
  op(
    'mod',
    '%',
    2,
    'distribute',
    (a, b) => a % b,
    (i, a, b) => (i === 0 ? 1 : -Math.trunc(a / b)),
    ['1', '−trunc(a/b)'],
  ),
  op(
    'pow',
    '**',
    2,
    'nonlinear',
    (a, b) => Math.pow(a, b),
    (i, a, b, _c, out) => {
      if (i === 0) return b === 0 ? 0 : b * Math.pow(a, b - 1);
      return a === 0 && b >= 0 ? 0 : out * Math.log(a);
    },
    ['b·a^(b−1)', 'a^b·ln a'],
  ),
  unary(
    'neg',
    '−',
    'scale',
    (a) => -a,
    () => -1,
    '−1',
  ),
  unary(
    'pos',
    '+',
    'scale',
    (a) => +a,
    () => 1,
    '1',
  ),
  unary('exp', 'exp', 'nonlinear', Math.exp, (_a, out) => out, 'exp(a)'),
  unary('expm1', 'expm1', 'nonlinear', Math.expm1, (_a, out) => out + 1, 'exp(a)'),
  unary('log', 'log', 'nonlinear', Math.log, (a) => 1 / a, '1/a'),
  unary('log1p', 'log1p', 'nonlinear', Math.log1p, (a) => 1 / (1 + a), '1/(1+a)'),
  unary('log2', 'log2', 'nonlinear', Math.log2, (a) => 1 / (a * Math.LN2), '1/(a·ln 2)'),
  unary('log10', 'log10', 'nonlinear', Math.log10, (a) => 1 / (a * Math.LN10), '1/(a·ln 10)'),
  unary('sqrt', '√', 'nonlinear', Math.sqrt, (_a, out) => 1 / (2 * out), '1/(2√a)'),
  unary('cbrt', '∛', 'nonlinear', Math.cbrt, (_a, out) => 1 / (3 * out * out), '1/(3∛a²)'),
  unary('abs', 'abs', 'nonlinear', Math.abs, (a) => Math.sign(a), 'sign(a)'),
  unary('sign', 'sign', 'constant', Math.sign, zero, '0'),
  unary('sin', 'sin', 'nonlinear', Math.sin, (a) => Math.cos(a), 'cos(a)'),
  unary('cos', 'cos', 'nonlinear', Math.cos, (a) => -Math.sin(a), '−sin(a)'),
  unary('tan', 'tan', 'nonlinear', Math.tan, (_a, out) => 1 + out * out, '1 + tan²(a)'),
  unary('asin', 'asin', 'nonlinear', Math.asin, (a) => 1 / Math.sqrt(1 - a * a), '1/√(1−a²)'),
  unary('acos', 'acos', 'nonlinear', Math.acos, (a) => -1 / Math.sqrt(1 - a * a), '−1/√(1−a²)'),
  unary('atan', 'atan', 'nonlinear', Math.atan, (a) => 1 / (1 + a * a), '1/(1+a²)'),
  unary('sinh', 'sinh', 'nonlinear', Math.sinh, (a) => Math.cosh(a), 'cosh(a)'),
  unary('cosh', 'cosh', 'nonlinear', Math.cosh, (a) => Math.sinh(a), 'sinh(a)'),
  unary('tanh', 'tanh', 'nonlinear', Math.tanh, (_a, out) => 1 - out * out, '1 − tanh²(a)'),
  // Piecewise constant: derivative 0 everywhere it exists (like torch.round/floor/ceil/trunc).
  unary('round', 'round', 'constant', Math.round, zero, '0'),
  unary('floor', 'floor', 'constant', Math.floor, zero, '0'),
  unary('ceil', 'ceil', 'constant', Math.ceil, zero, '0'),
  unary('trunc', 'trunc', 'constant', Math.trunc, zero, '0'),
  op(
    'atan2',
    'atan2',
    2,
    'nonlinear',
    (a, b) => Math.atan2(a, b),
    (i, a, b) => (i === 0 ? b / (a * a + b * b) : -a / (a * a + b * b)),
    ['x/(x²+y²)', '−y/(x²+y²)'],
  ),
  op('max', 'max', 'n', 'route', (a, b) => Math.max(a, b), zero, ['1 if chosen, else 0']),
  op('min', 'min', 'n', 'route', (a, b) => Math.min(a, b), zero, ['1 if chosen, else 0']),
  compare('lt', '<', (a, b) => a < b),
  compare('le', '≤', (a, b) => a <= b),
  compare('gt', '>', (a, b) => a > b),
  compare('ge', '≥', (a, b) => a >= b),
  compare('eq', '===', (a, b) => a === b),
  compare('ne', '!==', (a, b) => a !== b),
  op(
    'cond',
    '?:',
    3,
    'select',
    (c, a, b) => (c ? a : b),
    (i, c) => (i === 0 ? 0 : (i === 1) === Boolean(c) ? 1 : 0),
    ['0', '1 if taken', '1 if taken'],
  ),
  // The value of a conditional whose branch taken returned a number computed before it
  // (`z > 0 ? z : 0.01 * z` for positive z). Define-by-run records only the branch taken, so the
  // gate has one argument: it passes the gradient through unchanged. It gives the conditional's
  // value a node of its own (the element of `h`, distinct from the element of `z`).
  op(
    'branch',
    '?:',
    1,
    'select',
    (a) => a,
    () => 1,
    ['1 (the branch taken)'],
  ),
  // Bitwise operators and Math.imul work on 32-bit integers (each operand through ToInt32, as
  // JavaScript does): piecewise constant, derivative 0 wherever it exists, like Math.floor.
  op('bitand', '&', 2, 'constant', (a, b) => a & b, zero, ['0', '0']),
  op('bitor', '|', 2, 'constant', (a, b) => a | b, zero, ['0', '0']),
  op('bitxor', '^', 2, 'constant', (a, b) => a ^ b, zero, ['0', '0']),
  op('shl', '<<', 2, 'constant', (a, b) => a << b, zero, ['0', '0']),
  op('shr', '>>', 2, 'constant', (a, b) => a >> b, zero, ['0', '0']),
  op('ushr', '>>>', 2, 'constant', (a, b) => a >>> b, zero, ['0', '0']),
  unary('bitnot', '~', 'constant', (a) => ~a, zero, '0'),
  op('imul', 'imul', 2, 'constant', (a, b) => Math.imul(a, b), zero, ['0', '0']),
];

/** Op code (index into OP_LIST) by name. */
export const OP_LIST: readonly OpSpec[] = SPECS;
export const OPS: Readonly<Record<OpName, OpSpec>> = Object.fromEntries(SPECS.map((s) => [s.name, s])) as Record<
  OpName,
  OpSpec
>;
export const OP_CODE: Readonly<Record<OpName, number>> = Object.fromEntries(SPECS.map((s, i) => [s.name, i])) as Record<
  OpName,
  number
>;

/** Binary operators of the source language and the op each one means. */
export const BINARY_OPERATORS: Readonly<Record<string, OpName>> = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '%': 'mod',
  '**': 'pow',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
  '===': 'eq',
  '!==': 'ne',
  '==': 'eq',
  '!=': 'ne',
  '&': 'bitand',
  '|': 'bitor',
  '^': 'bitxor',
  '<<': 'shl',
  '>>': 'shr',
  '>>>': 'ushr',
};

/** Prefix unary operators and their ops. */
export const UNARY_OPERATORS: Readonly<Record<string, OpName>> = { '-': 'neg', '+': 'pos', '~': 'bitnot' };

/** `Math.<name>(...)` functions we differentiate, and their ops. */
export const MATH_FUNCTIONS: Readonly<Record<string, OpName>> = {
  pow: 'pow',
  exp: 'exp',
  expm1: 'expm1',
  log: 'log',
  log1p: 'log1p',
  log2: 'log2',
  log10: 'log10',
  sqrt: 'sqrt',
  cbrt: 'cbrt',
  abs: 'abs',
  sign: 'sign',
  sin: 'sin',
  cos: 'cos',
  tan: 'tan',
  asin: 'asin',
  acos: 'acos',
  atan: 'atan',
  sinh: 'sinh',
  cosh: 'cosh',
  tanh: 'tanh',
  max: 'max',
  min: 'min',
  round: 'round',
  floor: 'floor',
  ceil: 'ceil',
  trunc: 'trunc',
  atan2: 'atan2',
  imul: 'imul',
};

/** `Math.<NAME>` constants, which become constant nodes. */
export const MATH_CONSTANTS: Readonly<Record<string, number>> = {
  PI: Math.PI,
  E: Math.E,
  LN2: Math.LN2,
  LN10: Math.LN10,
  LOG2E: Math.LOG2E,
  LOG10E: Math.LOG10E,
  SQRT2: Math.SQRT2,
  SQRT1_2: Math.SQRT1_2,
};

/** Arity check used by the front end: is `count` arguments valid for `op`? */
export function acceptsArgs(op: OpName, count: number): boolean {
  const a = OPS[op].arity;
  return a === 'n' ? count >= 1 : a === count;
}
