/**
 * The fast path: simple expressions compiled once per IR node into closures (compileSimple), and
 * the symbols the interpreter keeps on IR nodes (COMPILED, PARAM_NAMES, SIZE_HINT, BODY, CONSTS).
 */
import { type Expr, K } from '../ir';
import { MathNs } from './builtins';
import { BIN_OPS, Builtin, ClassV, Env, Fun, type Interp, NEG, Obj, POS, type Value } from './values';

// =============================================================================================
// Simple expressions compiled to closures (the fast path)
//
// Arithmetic on names, literals, array/object reads and Math calls, the bulk of a loop body,
// is compiled once per IR node into a closure over (interpreter, env): no task objects. The
// compiler and the closures nest at most MAX_COMPILE_DEPTH deep (deeper expressions, calls of
// user functions, getters and setters take the task machine). A closure that meets something
// it cannot do without the machine (a getter, a user function) throws BAIL before any side
// effect; the node is then marked and always takes the slow path.

export const COMPILED: unique symbol = Symbol('compiled');
export const PARAM_NAMES: unique symbol = Symbol('paramNames');
/**
 * On an IrProgram: [nodes, edges, sites], the interpreter's starting capacities: the tape nodes,
 * edges and distinct sites of its last complete run, or before any run, the lowering's count of
 * expression nodes (sizeHint). Not enumerable and keyed by a symbol: not part of the IR's data.
 */
export const SIZE_HINT: unique symbol = Symbol('sizeHint');
export type SizeHint = [nodes: number, edges: number, sites: number];

/** The capacity hint of `ir` (SIZE_HINT), if it has one. */
export function sizeHint(ir: object): SizeHint | undefined {
  return (ir as { [SIZE_HINT]?: SizeHint })[SIZE_HINT];
}

/** Sets the capacity hint of `ir` (SIZE_HINT). */
export function setSizeHint(ir: object, nodes: number, edges: number, sites: number): void {
  const holder = ir as { [SIZE_HINT]?: SizeHint };
  if (!holder[SIZE_HINT]) Object.defineProperty(holder, SIZE_HINT, { value: [0, 0, 0], enumerable: false });
  const hint = holder[SIZE_HINT]!;
  hint[0] = nodes;
  hint[1] = edges;
  hint[2] = sites;
}
export const BODY: unique symbol = Symbol('body');
export const CONSTS: unique symbol = Symbol('consts');
export type Compiled = (it: Interp, env: Env) => Value;
export type CompiledHolder = { [COMPILED]?: Compiled | null };
export const BAIL = { bail: true };
export const MAX_COMPILE_DEPTH = 16;

export function hasAccessor(o: Obj, key: string): boolean {
  for (let p: Obj | undefined = o; p; p = p.proto) if (p.acc?.has(key)) return true;
  return false;
}

/**
 * True when compileSimple(n) would certainly return null because its first operands nest more
 * than MAX_COMPILE_DEPTH deep: it follows the operand compileSimple compiles first (and returns
 * null without compiling the others when that one fails), in a loop. A long chain `1 + 1 + ...`
 * asks this for every one of its sums (each one's left operand the next): a few steps each,
 * where compileSimple would recurse 17 levels first.
 */
export function firstOperandsTooDeep(n: Expr): boolean {
  let e: Expr = n;
  for (let depth = 0; depth <= MAX_COMPILE_DEPTH; depth++) {
    switch (e.k) {
      case K.Bin:
      case K.Unary:
      case K.Logic:
        e = e.a;
        break;
      case K.Cond:
        e = e.c;
        break;
      case K.Member:
      case K.Index:
        e = e.o;
        break;
      default:
        return false;
    }
  }
  return true; // compileSimple(e, MAX_COMPILE_DEPTH + 1) is null, whatever e is
}

/** Compiles `n` if it is simple enough; null otherwise. Bounded recursion (depth ≤ 16). */
export function compileSimple(n: Expr, depth = 0): Compiled | null {
  if (depth > MAX_COMPILE_DEPTH) return null;
  switch (n.k) {
    case K.Num: {
      if (n.input !== undefined) return null;
      const v = n.v;
      return (it) => it.constNode(v, n);
    }
    case K.Str:
    case K.Bool: {
      const v = n.v;
      return () => v;
    }
    case K.Null:
      return () => null;
    case K.Ident: {
      const name = n.name;
      return (it, env) => it.lookup(env, name, n);
    }
    case K.Bin: {
      const a = compileSimple(n.a, depth + 1);
      const b = a && compileSimple(n.b, depth + 1);
      if (!a || !b) return null;
      const code = BIN_OPS[n.op];
      if (code !== undefined) {
        return (it, env) => {
          const x = a(it, env);
          const y = b(it, env);
          if (typeof x === 'number' && typeof y === 'number') return it.apply2(code, x, y, n);
          return it.binary(n.op, x, y, n);
        };
      }
      const op = n.op;
      return (it, env) => {
        const x = a(it, env);
        return it.binary(op, x, b(it, env), n);
      };
    }
    case K.Unary: {
      const a = compileSimple(n.a, depth + 1);
      if (!a) return null;
      switch (n.op) {
        case '-':
          return (it, env) => it.apply1(NEG, it.num(a(it, env), n), n);
        case '+':
          return (it, env) => it.apply1(POS, it.num(a(it, env), n), n);
        case '!':
          return (it, env) => !it.truthy(a(it, env));
        default:
          return null;
      }
    }
    case K.Logic: {
      const a = compileSimple(n.a, depth + 1);
      const b = a && compileSimple(n.b, depth + 1);
      if (!a || !b) return null;
      if (n.op === '&&')
        return (it, env) => {
          const x = a(it, env);
          return it.truthy(x) ? b(it, env) : x;
        };
      if (n.op === '||')
        return (it, env) => {
          const x = a(it, env);
          return it.truthy(x) ? x : it.orFalsy(x, b(it, env), n);
        };
      return (it, env) => {
        const x = a(it, env);
        return x === undefined || x === null ? b(it, env) : x;
      };
    }
    case K.Cond: {
      const c = compileSimple(n.c, depth + 1);
      const a = c && compileSimple(n.a, depth + 1);
      const b = a && compileSimple(n.b, depth + 1);
      if (!c || !a || !b) return null;
      return (it, env) => {
        const taken = it.truthy(c(it, env)) ? a : b;
        const before = it.n;
        return it.branchValue(taken(it, env), before, n);
      };
    }
    case K.Member: {
      if (n.opt) return null;
      const o = compileSimple(n.o, depth + 1);
      if (!o) return null;
      const name = n.name;
      return (it, env) => {
        const ov = o(it, env);
        if (ov instanceof Obj && hasAccessor(ov, name)) throw BAIL;
        if (ov instanceof ClassV && hasAccessor(ov.statics, name)) throw BAIL;
        return it.getProp(ov, name, n) as Value;
      };
    }
    case K.Index: {
      if (n.opt) return null;
      const o = compileSimple(n.o, depth + 1);
      const i = o && compileSimple(n.i, depth + 1);
      if (!o || !i) return null;
      return (it, env) => {
        const ov = o(it, env);
        const key = it.key(i(it, env), n);
        if (Array.isArray(ov) && typeof key === 'number')
          return Number.isInteger(key) && key >= 0 ? ov[key] : undefined;
        if (ov instanceof Obj && hasAccessor(ov, String(key))) throw BAIL;
        return it.getProp(ov, key, n) as Value;
      };
    }
    case K.Call: {
      // Only calls of builtins that return at once (Math.*): anything else bails before the arguments.
      if (n.opt || n.args.some((x) => x.k === K.Spread)) return null;
      const f = n.f;
      if (f.k !== K.Member || f.opt) return null;
      const o = compileSimple(f.o, depth + 1);
      if (!o) return null;
      const args: Compiled[] = [];
      for (const a of n.args) {
        const c = compileSimple(a, depth + 1);
        if (!c) return null;
        args.push(c);
      }
      const name = f.name;
      return (it, env) => {
        const ov = o(it, env);
        if (!(ov instanceof MathNs)) throw BAIL;
        const fn = it.getProp(ov, name, f);
        if (!(fn instanceof Builtin)) throw BAIL;
        const vs: Value[] = new Array<Value>(args.length);
        for (let k = 0; k < args.length; k++) vs[k] = args[k](it, env);
        return fn.impl(it, ov, vs, n) as Value;
      };
    }
    case K.Update: {
      // Side effects only at the top of a compiled expression (a bail below never repeats one).
      if (n.target.k !== K.PId || depth > 0) return null;
      const name = n.target.name;
      const target = n.target;
      return (it, env) => {
        const old = it.lookup(env, name, target);
        const nv = it.updateValue(n, old);
        it.assignVar(env, name, nv, target);
        return n.prefix ? nv : old;
      };
    }
    case K.Assign: {
      if (n.target.k !== K.PId || depth > 0) return null;
      const lop = n.op.slice(0, -1);
      if (lop === '&&' || lop === '||' || lop === '??') return null;
      const v = compileSimple(n.v, depth + 1);
      if (!v) return null;
      const name = n.target.name;
      const target = n.target;
      if (n.op === '=') {
        return (it, env) => {
          const x = v(it, env);
          if (x instanceof Fun && x.fn.name === '(anonymous)') x.fn.name = name;
          it.assignVar(env, name, x, target);
          return x;
        };
      }
      return (it, env) => {
        const old = it.lookup(env, name, target);
        const nv = it.binary(lop, old, v(it, env), n);
        it.assignVar(env, name, nv, target);
        return nv;
      };
    }
    default:
      return null;
  }
}
