/**
 * The interpreter, layer 2 of 5: `step`, the state machine of every IR node kind (expressions and
 * statements); values (steer, truthy, toStr, key, strictEq), operators (binary), this/super, and
 * properties (getProp, setProp, spread, arguments).
 */
import { GradientLensError } from '../errors';
import { OP_CODE } from '../ops';
import type { SourceRange } from '../expr';
import { type BinExpr, type Expr, K, type Stmt } from '../ir';
import {
  ARRAY_CTOR,
  ARRAY_METHODS,
  FUNCTION_METHODS,
  NUMBER_METHODS,
  OBJECT_PROTO,
  OBJECT_PROTO_NAMES,
  ERROR_KINDS,
  iterSnapshot,
  MAP_METHODS,
  SET_ITER_METHODS,
  SET_METHODS,
  setEntries,
  STRING_METHODS,
} from './builtins';
import { Machine } from './machine';
import { canonicalIndex, cap } from './paths';
import {
  BIN_OPS,
  Builtin,
  ADD,
  ClassV,
  Env,
  firstHole,
  FROZEN,
  isPrivate,
  Fun,
  HOLEY,
  ImportV,
  NEG,
  Obj,
  PENDING,
  Poison,
  pos,
  POS,
  ErrorObj,
  IterObj,
  MapObj,
  SetObj,
  SHORT,
  type SiteNode,
  T,
  Task,
  type Value,
  where,
} from './values';

export abstract class Stepper extends Machine {
  // Defined in ./statements and ./calls (the layers above this one).
  protected abstract assignStep(t: Task, node: Extract<Expr, { k: K.Assign | K.Update }>): void;
  protected abstract callStep(t: Task, node: Extract<Expr, { k: K.Call }>): void;
  protected abstract newStep(t: Task, node: Extract<Expr, { k: K.New }>): void;
  protected abstract constructInto(c: ClassV, obj: Obj, args: Value[], site: SiteNode): void;
  protected abstract startClass(ci: number, env: Env, bindName: string | undefined): void;
  protected abstract varStep(t: Task, node: Extract<Stmt, { k: K.Var }>): void;
  protected abstract doReturn(v: Value): void;
  protected abstract forStep(t: Task, node: Extract<Stmt, { k: K.For }>): void;
  protected abstract forOfStep(t: Task, node: Extract<Stmt, { k: K.ForOf | K.ForIn }>): void;
  protected abstract whileStep(t: Task, node: Extract<Stmt, { k: K.While | K.DoWhile }>): void;
  protected abstract jump(isBreak: boolean, label: string | undefined, site: SiteNode): void;
  protected abstract switchStep(t: Task, node: Extract<Stmt, { k: K.Switch }>): void;
  protected abstract throwValue(v: Value, node: SiteNode): void;
  protected abstract tryStep(t: Task, node: Extract<Stmt, { k: K.Try }>): void;
  protected abstract initBinding(env: Env, name: string, v: Value): void;

  protected step(t: Task): void {
    const node = t.n as Expr | Stmt;
    const vals = this.vals;
    switch (node.k) {
      // ------------------------------------------------------------------ expressions
      case K.Num: {
        if (node.input !== undefined) {
          let id = this.inputOfLiteral.get(node);
          if (id === undefined) {
            id = this.inputNode(node.input, node.ir ?? node.r, node.v, node, undefined, node.r);
            this.inputOfLiteral.set(node, id);
          }
          vals.push(id);
        } else {
          vals.push(this.constNode(node.v, node));
        }
        return;
      }
      case K.Str:
      case K.Bool:
        vals.push(node.v);
        return;
      case K.Null:
        vals.push(null);
        return;
      case K.Ident:
        vals.push(this.lookup(t.env, node.name, node));
        return;
      case K.This:
        vals.push(this.lookupThis(t.env, node));
        return;
      case K.Bin:
        if (t.s === 0) {
          let x = node.a;
          if (x.k === K.Bin && this.compiled(x) === null) {
            // A left-nested chain `a + b + c + …` too deep to compile: one task goes up its left
            // spine (this Bin and the Bins below it whose left operands are such Bins, innermost
            // last, in t.a; the level in t.i) instead of a task per level. The same evaluations in
            // the same order: the innermost left operand, then at each level the right operand and
            // the operator.
            const spine: BinExpr[] = [node];
            do {
              spine.push(x);
              x = x.a;
            } while (x.k === K.Bin && this.compiled(x) === null);
            t.a = spine;
            t.i = spine.length - 1;
            return this.then(t, 3, x);
          }
          return this.then(t, 1, x);
        }
        if (t.s === 1) return this.then(t, 2, node.b);
        if (t.s === 2) {
          const b = vals.pop() as Value;
          const a = vals.pop() as Value;
          vals.push(this.binary(node.op, a, b, node));
          return;
        }
        {
          // The spine: s = 3, the left operand of level t.i is on the stack; s = 4, both are.
          const spine = t.a as BinExpr[];
          if (t.s === 4) {
            const level = spine[t.i];
            const b = vals.pop() as Value;
            const a = vals.pop() as Value;
            vals.push(this.binary(level.op, a, b, level));
            if (t.i === 0) return;
            t.i--;
          }
          return this.then(t, 4, spine[t.i].b);
        }
      case K.Logic: {
        if (t.s === 0) return this.then(t, 1, node.a);
        if (t.s === 2) {
          // `a || b` after a falsy `a` (still on the stack below `b`)
          const b = vals.pop() as Value;
          vals.push(this.orFalsy(vals.pop() as Value, b, node));
          return;
        }
        const a = vals[vals.length - 1];
        const short =
          node.op === '&&' ? !this.truthy(a) : node.op === '||' ? this.truthy(a) : a !== undefined && a !== null;
        if (short) return;
        if (node.op === '||') return this.then(t, 2, node.b);
        vals.pop();
        this.push(node.b, t.env);
        return;
      }
      case K.Unary: {
        if (t.s === 0) return this.then(t, 1, node.a);
        const a = vals.pop() as Value;
        switch (node.op) {
          case '-':
            vals.push(this.apply1(NEG, this.num(a, node), node));
            return;
          case '+':
            vals.push(this.apply1(POS, this.num(a, node), node));
            return;
          case '!':
            vals.push(!this.truthy(a));
            return;
          case '~':
            vals.push(this.apply1(OP_CODE.bitnot, this.num(a, node), node));
            return;
          case 'typeof':
            vals.push(this.typeOf(a));
            return;
          case 'void':
            vals.push(undefined);
            return;
        }
        throw this.error('unsupported', `Unsupported operator '${node.op}' at ${pos(node.r)}`, node.r);
      }
      case K.Cond: {
        if (t.s === 0) return this.then(t, 1, node.c);
        if (t.s === 1) {
          const c = vals.pop() as Value;
          t.i = this.n;
          return this.then(t, 2, this.truthy(c) ? node.a : node.b);
        }
        vals.push(this.branchValue(vals.pop() as Value, t.i, node));
        return;
      }
      case K.Update:
      case K.Assign:
        this.assignStep(t, node);
        return;
      case K.Seq: {
        if (t.s > 0 && t.s < node.items.length) vals.pop();
        if (t.s < node.items.length) {
          const i = t.s;
          return this.then(t, i + 1, node.items[i]);
        }
        return;
      }
      case K.Member: {
        if (t.s === 0) return this.then(t, 1, node.o);
        const o = vals.pop() as Value;
        if (node.opt && (o === undefined || o === null || o === SHORT) && (o === SHORT || !node.cont)) {
          vals.push(node.sc ? SHORT : undefined);
          return;
        }
        const v = this.getProp(o, node.name, node);
        if (v !== PENDING) vals.push(v);
        return;
      }
      case K.Index: {
        if (t.s === 0) return this.then(t, 1, node.o);
        if (t.s === 1) {
          // a short-circuit skips the index expression too (a?.[f()] does not call f)
          const o = vals[vals.length - 1];
          if (node.opt && (o === undefined || o === null || o === SHORT) && (o === SHORT || !node.cont)) {
            vals[vals.length - 1] = node.sc ? SHORT : undefined;
            return;
          }
          return this.then(t, 2, node.i);
        }
        const i = vals.pop() as Value;
        const o = vals.pop() as Value;
        const v = this.getProp(o, this.key(i, node), node);
        if (v !== PENDING) vals.push(v);
        return;
      }
      case K.SuperMember: {
        const thisV = this.lookupThis(t.env, node);
        const v = this.getFromObj(this.superBase(t.env, node), node.name, thisV, node);
        if (v !== PENDING) vals.push(v);
        return;
      }
      case K.Call:
        this.callStep(t, node);
        return;
      case K.New:
        this.newStep(t, node);
        return;
      case K.SuperCall: {
        if (t.s === 0) {
          t.h = vals.length;
          t.i = 0;
          t.s = 1;
        }
        if (t.i < node.args.length) {
          const a = node.args[t.i++];
          return this.then(t, 1, a.k === K.Spread ? a.a : a);
        }
        const args = this.collectArgs(node.args, t.h);
        const home = this.lookupHome(t.env, node);
        const thisV = this.lookupThis(t.env, node) as Obj;
        if (!home.parent)
          throw this.error('runtime', `'super' call in a class without 'extends' at ${pos(node.r)}`, node.r);
        vals.push(undefined); // the value of super(...)
        this.tasks.push(new Task(T.Discard, node, t.env));
        // Derived fields are initialized right after super() returns.
        const f = new Task(T.Fields, node, home.env);
        f.a = home;
        f.b = thisV;
        f.c = t.env; // where the constructor's parameter properties are read (see fieldsStep)
        this.tasks.push(f);
        this.constructInto(home.parent, thisV, args, node);
        return;
      }
      case K.Arr: {
        if (t.s === 0) {
          t.h = vals.length;
          t.s = 1;
          t.i = 0;
        }
        if (t.i < node.items.length) {
          const it = node.items[t.i++];
          if (it.k === K.Hole) {
            vals.push(undefined);
            return this.then(t, 1, undefined);
          }
          return this.then(t, 1, it.k === K.Spread ? it.a : it);
        }
        const items = this.collectArgs(node.items, t.h);
        const arr = this.newArray(items, node);
        if (node.items.some((x) => x.k === K.Hole)) HOLEY.add(arr);
        vals.push(arr);
        return;
      }
      case K.Obj: {
        // state: i = property index; s = 1 next property, 3 computed key evaluated, 2 value evaluated
        if (t.s === 0) {
          t.a = new Obj(OBJECT_PROTO);
          t.s = 1;
          t.i = 0;
        }
        const obj = t.a as Obj;
        if (t.s === 3) {
          // a computed key is on the stack: now its value (JavaScript evaluates the key first)
          return this.then(t, 2, (node.props[t.i] as { v: Expr }).v);
        }
        if (t.s === 2) {
          // a value (and maybe a computed key below it) is on the stack
          const p = node.props[t.i];
          const v = vals.pop() as Value;
          if (p.kind === 'spread') {
            this.spreadInto(obj, v, node);
          } else {
            const key = typeof p.key === 'string' ? p.key : this.key(vals.pop() as Value, node);
            if (key === '__proto__') throw this.inheritedName(key, node);
            obj.props.set(String(key), v);
            if (v instanceof Fun && v.fn.name === '(anonymous)') v.fn.name = String(key);
            if (Array.isArray(v)) {
              const info = this.arrays.get(v);
              if (info && !info.bound) info.label = String(key);
            }
          }
          t.i++;
          t.s = 1;
        }
        while (t.i < node.props.length) {
          const p = node.props[t.i];
          if (p.kind === 'get' || p.kind === 'set') {
            if (typeof p.key !== 'string')
              throw this.error('unsupported', `Computed accessor name at ${pos(node.r)}`, node.r);
            obj.acc ??= new Map();
            const a = obj.acc.get(p.key) ?? {};
            a[p.kind] = this.closure(p.fn, t.env);
            obj.acc.set(p.key, a);
            t.i++;
            continue;
          }
          if (p.kind === 'init' && typeof p.key !== 'string') return this.then(t, 3, p.key);
          return this.then(t, 2, (p as { v: Expr }).v);
        }
        vals.push(obj);
        return;
      }
      case K.Fn:
        vals.push(this.closure(node.fn, t.env));
        return;
      case K.Class:
        this.startClass(node.cls, t.env, undefined);
        return;
      case K.Template: {
        if (t.s < node.exprs.length) {
          const i = t.s;
          return this.then(t, i + 1, node.exprs[i]);
        }
        const parts = vals.splice(vals.length - node.exprs.length, node.exprs.length);
        let s = node.quasis[0];
        for (let i = 0; i < parts.length; i++) s += this.toStr(parts[i] as Value, node) + node.quasis[i + 1];
        vals.push(s);
        return;
      }
      case K.Tgt: {
        if (t.s === 0) return this.then(t, 1, node.a);
        const v = vals[vals.length - 1];
        this.targetValue = v;
        if (typeof v === 'number') {
          this.hitTargets.add(node);
          if (this.selecting) this.selectionHits.push(v);
        }
        return;
      }
      case K.Import:
        vals.push(new ImportV(node.name, node.from, node.r));
        return;
      case K.Spread:
      case K.Hole:
        throw this.error('unsupported', `Unexpected spread or hole at ${pos(node.r)}`, node.r);

      // ------------------------------------------------------------------ statements
      case K.ExprStmt:
        if (t.s === 0) return this.then(t, 1, node.e);
        vals.pop();
        return;
      case K.Var:
        this.varStep(t, node);
        return;
      case K.Return:
        if (t.s === 0 && node.e) return this.then(t, 1, node.e);
        this.doReturn(node.e ? (vals.pop() as Value) : undefined);
        return;
      case K.If: {
        if (t.s === 0) return this.then(t, 1, node.c);
        const c = vals.pop() as Value;
        if (this.truthy(c)) this.push(node.a, t.env);
        else if (node.b) this.push(node.b, t.env);
        return;
      }
      case K.Block: {
        if (t.s === 0) {
          if (node.lex || node.funs) {
            t.env = new Env(t.env);
            this.declareScope(t.env, node);
          }
          t.s = 1;
          t.i = 0;
        }
        while (t.i < node.body.length) {
          const st = node.body[t.i++];
          if (this.inlineStmt(st, t.env)) continue;
          this.tasks.push(t);
          this.push(st, t.env);
          return;
        }
        return;
      }
      case K.For:
        this.forStep(t, node);
        return;
      case K.ForOf:
      case K.ForIn:
        this.forOfStep(t, node);
        return;
      case K.While:
      case K.DoWhile:
        this.whileStep(t, node);
        return;
      case K.Break:
      case K.Continue:
        this.jump(node.k === K.Break, node.label, node);
        return;
      case K.Labeled:
        if (t.s === 0) {
          t.h = vals.length;
          return this.then(t, 1, node.body);
        }
        return;
      case K.Switch:
        this.switchStep(t, node);
        return;
      case K.Throw: {
        if (t.s === 0) return this.then(t, 1, node.e);
        this.throwValue(vals.pop() as Value, node);
        return;
      }
      case K.Try:
        this.tryStep(t, node);
        return;
      case K.Empty:
        return;
      case K.ClassDecl: {
        if (t.s === 0) {
          t.s = 1;
          this.tasks.push(t);
          this.startClass(node.cls, t.env, node.name);
          return;
        }
        const c = vals.pop() as Value;
        this.initBinding(t.env, node.name, c);
        return;
      }
      case K.Bad: {
        if (node.names && !node.fatal) {
          for (const nm of node.names) t.env.set(nm, new Poison(new GradientLensError('syntax', node.msg, node.where)));
          return;
        }
        throw new GradientLensError('syntax', node.msg, node.where);
      }
      default:
        throw new Error(`internal: IR kind ${(node as { k: number }).k}`);
    }
  }

  // ---- values ----

  /** Marks number node `v` as having steered the run (a branch, an index, a length): its inputs stay in the program. */
  /** A Map's size and methods; an iterator (keys() …) has none here: see IterObj. */
  private mapProp(o: MapObj | IterObj, key: string | number, site: SiteNode): Value {
    if (o instanceof IterObj)
      throw this.error(
        'unsupported',
        `Unsupported: '${key}' of ${o.what} at ${pos(site.r)}: it is an iterator in JavaScript; use it in for…of, [...spread] or Array.from(…)`,
        site.r,
      );
    if (key === 'size') return this.constNode(o.count, site);
    const m = MAP_METHODS[key];
    if (m) return m;
    throw this.error(
      'unsupported',
      `Unsupported Map property '${key}' at ${pos(site.r)}: Maps support size, ${Object.keys(MAP_METHODS).join(', ')}, for…of and spread`,
      site.r,
    );
  }

  steer(v: number): void {
    this.steered[v] = 1;
    if (v > this.steeredMax) this.steeredMax = v;
  }

  truthy(v: Value): boolean {
    if (typeof v === 'number') {
      this.steer(v);
      const x = this.value[v];
      if (x === 0) this.noteTie(v, -1, this.sites[this.siteIx[v]]);
      return x !== 0 && x === x;
    }
    if (v instanceof Poison) throw v.error;
    if (v instanceof ImportV) throw this.importError(v);
    return !!v;
  }

  /**
   * `a || b` after a falsy `a`: JavaScript's value is `b`. When `a` is a number at 0 and `b` is 0
   * too (`x.activation || 0` with an activation of exactly 0), the expression equals `a` on one
   * side and `b` on the other: its partial derivative is 1 in each, which routing the gradient
   * to `b` alone loses (`a` got 0, central differences 1). The value then comes from `a + b`
   * (JavaScript's value, 0, unless `a` is +0 and `b` is −0, which keeps `b`).
   */
  orFalsy(a: Value, b: Value, site: SiteNode): Value {
    if (typeof a !== 'number' || typeof b !== 'number') return b;
    const x = this.value[a];
    const y = this.value[b];
    if (x !== 0 || y !== 0 || (Object.is(x, 0) && Object.is(y, -0))) return b;
    // No jump here after all (the expression is `a` on one side, `b` = 0 on the other): `a`'s test
    // at 0 (truthy) is not a tie to report.
    const c = this.tieCandidates;
    for (let i = c.length - 1; i >= 0; i--) {
      if (c[i].a === a && c[i].test === 'truth') {
        c.splice(i, 1);
        break;
      }
    }
    return this.apply2(ADD, a, b, site);
  }

  protected typeOf(v: Value): string {
    if (typeof v === 'number') return 'number';
    if (typeof v === 'string') return 'string';
    if (typeof v === 'boolean') return 'boolean';
    if (v === undefined) return 'undefined';
    if (v instanceof Fun || v instanceof Builtin || v instanceof ClassV) return 'function';
    if (v instanceof ImportV) throw this.importError(v);
    return 'object';
  }

  toStr(v: Value, site: SiteNode): string {
    if (typeof v === 'number') {
      this.steer(v);
      return String(this.value[v]);
    }
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean' || v === undefined || v === null) return String(v);
    if (Array.isArray(v)) return v.map((x) => (x === undefined || x === null ? '' : this.toStr(x, site))).join(',');
    if (v instanceof ImportV) throw this.importError(v);
    if (v instanceof Obj) return this.objectText(v, site);
    throw this.error(
      'unsupported',
      `A function turned into text at ${pos(site.r)}: JavaScript gives its source code; use a string`,
      site.r,
    );
  }

  /** An object as text, as JavaScript's default toString gives it; a toString of the program's own is refused. */
  private objectText(v: Obj, site: SiteNode): string {
    if (v instanceof ErrorObj) {
      const name = v.props.get('name');
      const msg = v.props.get('message');
      const n = typeof name === 'string' ? name : v.kind;
      return typeof msg === 'string' && msg !== '' ? `${n}: ${msg}` : n;
    }
    if (v instanceof MapObj) return '[object Map]';
    if (v instanceof SetObj) return '[object Set]';
    for (let o: Obj | undefined = v; o; o = o.proto)
      if (o.props.has('toString') || o.acc?.has('toString'))
        throw this.error(
          'unsupported',
          `An object with its own toString turned into text at ${pos(site.r)}: it is not called here; call it yourself (obj.toString())`,
          site.r,
        );
    return '[object Object]';
  }

  key(v: Value, site: SiteNode): string | number {
    if (typeof v === 'number') {
      this.steer(v);
      return this.value[v];
    }
    if (typeof v === 'string') {
      if (v.startsWith('#'))
        throw this.error(
          'unsupported',
          `The key '${v}' at ${pos(site.r)} starts with '#': such names are kept for #private fields here; rename the key`,
          site.r,
        );
      return v;
    }
    if (typeof v === 'boolean' || v === undefined || v === null) return String(v);
    throw this.error('unsupported', `${cap(this.typeName(v))} used as a property key at ${pos(site.r)}`, site.r);
  }

  strictEq(a: Value, b: Value): boolean {
    if (typeof a === 'number') {
      if (typeof b !== 'number') return false;
      this.steer(a);
      this.steer(b);
      return this.value[a] === this.value[b];
    }
    return a === b;
  }

  binary(op: string, a: Value, b: Value, node: { r: SourceRange; t: string }): Value {
    const code = BIN_OPS[op];
    if (code !== undefined) {
      if (typeof a === 'number' && typeof b === 'number') return this.apply2(code, a, b, node);
      if (op === '+' && (typeof a === 'string' || typeof b === 'string')) {
        if (typeof a !== 'string') this.checkConcat(a, node);
        if (typeof b !== 'string') this.checkConcat(b, node);
        return this.toStr(a, node) + this.toStr(b, node);
      }
      throw this.operandError(a, b, node, op);
    }
    switch (op) {
      case '===':
      case '!==': {
        const eq = this.strictEq(a, b);
        if (eq && typeof a === 'number') this.noteTie(a, b as number, node);
        return op === '===' ? eq : !eq;
      }
      case '==':
      case '!=': {
        const nullish = (x: Value) => x === undefined || x === null;
        // JavaScript converts between numbers, strings and booleans here: refused, never guessed.
        const kind = (x: Value) =>
          typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean' ? typeof x : 'other';
        if (kind(a) !== kind(b) && kind(a) !== 'other' && kind(b) !== 'other') {
          throw this.error(
            'unsupported',
            `'${op}' between ${this.typeName(a)} and ${this.typeName(b)} in "${node.t}" at ${pos(node.r)}: JavaScript converts one to the other here; use '${op}=' with values of the same type`,
            node.r,
          );
        }
        const eq = nullish(a) || nullish(b) ? nullish(a) && nullish(b) : this.strictEq(a, b);
        if (eq && typeof a === 'number' && typeof b === 'number') this.noteTie(a, b, node);
        return op === '==' ? eq : !eq;
      }
      case '<':
      case '<=':
      case '>':
      case '>=': {
        let x: number | string;
        let y: number | string;
        if (typeof a === 'number' && typeof b === 'number') {
          this.steer(a);
          this.steer(b);
          x = this.value[a];
          y = this.value[b];
          if (x === y) this.noteTie(a, b, node);
        } else if (typeof a === 'string' && typeof b === 'string') {
          x = a;
          y = b;
        } else {
          throw this.operandError(a, b, node, op);
        }
        return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
      }
      case 'in': {
        const k = this.key(a, node);
        if (Array.isArray(b)) {
          if (k === 'length') return true;
          const idx = typeof k === 'number' ? k : canonicalIndex(String(k));
          if (typeof k !== 'number' && idx < 0) return String(k) in b; // 'map' in xs: inherited, as in JavaScript
          if (!(Number.isInteger(idx) && idx >= 0 && idx < b.length)) return false;
          // an empty slot is not `in` the array (see HOLEY)
          if (b[idx] === undefined && HOLEY.has(b)) this.checkNoHoles(b, "'in'", node);
          return true;
        }
        if (b instanceof Obj) {
          for (let o: Obj | undefined = b; o; o = o.proto)
            if (o.props.has(String(k)) || o.acc?.has(String(k))) return true;
          return OBJECT_PROTO_NAMES.has(String(k)); // 'toString' in o: inherited, as in JavaScript
        }
        throw this.notNumber(b, node, "the right side of 'in'");
      }
      case 'instanceof': {
        if (b instanceof ClassV) {
          if (!(a instanceof Obj)) return false;
          for (let p = a.proto; p; p = p.proto) if (p === b.proto) return true;
          return false;
        }
        if (b === ARRAY_CTOR) return Array.isArray(a);
        if (b instanceof Builtin && ERROR_KINDS.includes(b.name))
          return a instanceof ErrorObj && (b.name === 'Error' || a.kind === b.name);
        throw this.error('unsupported', `'instanceof' of ${this.typeName(b)} at ${pos(node.r)}`, node.r);
      }
    }
    throw this.error('unsupported', `Unsupported operator '${op}' at ${pos(node.r)}`, node.r);
  }

  /** The error for a non-number operand, located at that operand when the IR node has it. */
  protected operandError(a: Value, b: Value, node: { r: SourceRange; t: string }, op: string): GradientLensError {
    const bad = typeof a === 'number' ? b : a;
    const side = (node as { a?: Expr; b?: Expr })[typeof a === 'number' ? 'b' : 'a'];
    const e = this.notNumber(bad, node, `an operand of '${op}'`);
    if (side && e.code === 'unsupported' && !(bad instanceof ImportV)) {
      const r = side.r;
      return new GradientLensError(e.code, e.message.replace(/ at \d+:\d+/, ` at ${pos(r)}`), where(r), e.details);
    }
    return e;
  }

  protected checkConcat(v: Value, _site: SiteNode): void {
    if (v instanceof Poison) throw v.error;
    if (v instanceof ImportV) throw this.importError(v);
  }

  // ---- this / super ----

  protected lookupThis(env: Env, _site: SiteNode): Value {
    for (let e: Env | undefined = env; e; e = e.parent) {
      if (e.has('this')) return e.get('this') as Value;
    }
    return undefined;
  }

  protected lookupHome(env: Env, site: SiteNode): ClassV {
    for (let e: Env | undefined = env; e; e = e.parent) {
      const h = e.get('#home');
      if (h instanceof ClassV) return h;
    }
    throw this.error('runtime', `'super' outside a class method at ${pos(site.r)}`, site.r);
  }

  /** What `super.m` reads: the parent's prototype, or in a static method the parent class's statics. */
  protected superBase(env: Env, site: SiteNode): Obj {
    for (let e: Env | undefined = env; e; e = e.parent) {
      const h = e.get('#home');
      if (!(h instanceof ClassV)) continue;
      if (!h.parent)
        throw this.error(
          'unsupported',
          `'super' in a class without 'extends' at ${pos(site.r)}: it reads Object.prototype's members here; extend a class declared in this file, or use this`,
          site.r,
        );
      return e.has('#static') ? h.parent.statics : h.parent.proto;
    }
    throw this.error('runtime', `'super' outside a class method at ${pos(site.r)}`, site.r);
  }

  // ---- properties ----

  getProp(o: Value, key: string | number, site: SiteNode): Value | typeof PENDING {
    if (Array.isArray(o)) {
      if (typeof key === 'number') {
        return Number.isInteger(key) && key >= 0 ? o[key] : undefined;
      }
      if (key === 'length') return this.constNode(o.length, site);
      const idx = canonicalIndex(key);
      if (idx >= 0) return o[idx];
      const m = ARRAY_METHODS[key];
      if (m) return m;
      if (/^[-+.\d]/.test(key))
        throw this.error(
          'unsupported',
          `The key of "${site.t ?? ''}" at ${pos(site.r)} is the string '${key}', not an array index ` +
            `(JavaScript reads undefined): for…in gives string keys, so i + 1 is '${key}' when i is a key; ` +
            'use a counted loop (for (let i = 0; i < a.length; i++)) or for (const [i, v] of a.entries())',
          site.r,
        );
      throw this.error(
        'unsupported',
        `Unsupported array property '${key}' in "${site.t ?? ''}" at ${pos(site.r)}: ` +
          `arrays support length, indexing and ${Object.keys(ARRAY_METHODS)
            .sort()
            .join(', ')}; write a for loop for the rest`,
        site.r,
      );
    }
    if (o instanceof MapObj || o instanceof IterObj) return this.mapProp(o, key, site);
    if (o instanceof SetObj) {
      if (key === 'size') return this.constNode(o.count, site);
      const m = SET_METHODS[key] ?? SET_ITER_METHODS[key];
      if (m) return m;
      if (!o.props.has(String(key)))
        throw this.error(
          'unsupported',
          `Unsupported Set property '${key}' at ${pos(site.r)}: Sets support size, ${[...Object.keys(SET_METHODS), ...Object.keys(SET_ITER_METHODS)].join(', ')}, for…of and spread`,
          site.r,
        );
    }
    if (o instanceof Obj) return this.getFromObj(o, String(key), o, site);
    if (typeof o === 'string') {
      if (key === 'length') return this.constNode(o.length, site);
      if (typeof key === 'number') return o[key];
      const m = STRING_METHODS[key];
      if (m) return m;
      throw this.error(
        'unsupported',
        `Unsupported string property '${key}' at ${pos(site.r)}` +
          (key === 'localeCompare'
            ? ': its order depends on the locale; compare with < and > (code-unit order), e.g. (a, b) => (a < b ? -1 : a > b ? 1 : 0)'
            : `: strings support length, ${Object.keys(STRING_METHODS).join(', ')}`),
        site.r,
      );
    }
    if (typeof o === 'number') {
      const m = NUMBER_METHODS[key];
      if (m) return m;
      throw this.error('unsupported', `Unsupported number property '${key}' at ${pos(site.r)}`, site.r);
    }
    if (o instanceof ClassV) {
      if (key === 'name') return o.cls.name;
      if (key === 'prototype') return o.proto;
      return this.getFromObj(o.statics, String(key), o, site);
    }
    if (o instanceof Fun || o instanceof Builtin) {
      if (key === 'name') return o instanceof Fun ? o.fn.name : o.name;
      const m = FUNCTION_METHODS[key];
      if (m) return m;
      throw this.error(
        'unsupported',
        `Unsupported function property '${key}' at ${pos(site.r)}: functions have name, ${Object.keys(FUNCTION_METHODS).join(', ')}`,
        site.r,
      );
    }
    if (o instanceof Poison) throw o.error;
    if (o instanceof ImportV) throw this.importError(o);
    throw this.error(
      'runtime',
      `Cannot read property '${key}' of ${o === null ? 'null' : 'undefined'} in "${site.t ?? ''}" at ${pos(site.r)}: JavaScript throws a TypeError here`,
      site.r,
    );
  }

  getFromObj(o: Obj, key: string, thisV: Value, site: SiteNode): Value | typeof PENDING {
    for (let p: Obj | undefined = o; p; p = p.proto) {
      if (p.acc) {
        const a = p.acc.get(key);
        if (a) {
          if (!a.get) return undefined;
          this.invoke(a.get, thisV, [], site, false);
          return PENDING;
        }
      }
      const v = p.props.get(key);
      if (v !== undefined || p.props.has(key)) return v;
    }
    if (OBJECT_PROTO_NAMES.has(key)) throw this.inheritedName(key, site);
    return undefined;
  }

  /** The refusal of a read (or write of `__proto__`) of a name every object inherits from Object.prototype. */
  inheritedName(key: string, site: SiteNode): GradientLensError {
    return this.error(
      'unsupported',
      `'${key}' in "${site.t ?? ''}" at ${pos(site.r)} is not a field of this object, and JavaScript does not give undefined ` +
        `here: every object inherits '${key}' from Object.prototype (${key === '__proto__' ? 'its prototype' : 'a function'}). ` +
        `Give the object that field, or keep data keyed by arbitrary strings in a Map (m.get(k) ?? 0)`,
      site.r,
    );
  }

  setProp(o: Value, key: string | number, v: Value, site: SiteNode): void {
    this.mutations++;
    if ((Array.isArray(o) || o instanceof Obj) && FROZEN.has(o))
      throw this.frozenWrite(
        Array.isArray(o) ? `set element ${key} of a frozen array` : `set property '${key}' of a frozen object`,
        site,
      );
    if (Array.isArray(o)) {
      const idx = typeof key === 'number' ? key : canonicalIndex(key);
      if (Number.isInteger(idx) && idx >= 0) {
        if (idx > o.length + 10_000_000)
          throw this.error('unsupported', `Array index ${idx} too large at ${pos(site.r)}`, site.r);
        if (o.length < idx) HOLEY.add(o);
        while (o.length < idx) o.push(undefined);
        o[idx] = v;
        return;
      }
      if (key === 'length' && typeof v === 'number') {
        this.steer(v);
        const n = this.value[v];
        if (n > o.length) {
          HOLEY.add(o);
          while (o.length < n) o.push(undefined);
        } else o.length = n;
        return;
      }
      throw this.error('unsupported', `Setting array property '${key}' at ${pos(site.r)}`, site.r);
    }
    if (o instanceof Obj || o instanceof ClassV) {
      const obj = o instanceof ClassV ? o.statics : o;
      const k = String(key);
      if (k === '__proto__') throw this.inheritedName(k, site);
      for (let p: Obj | undefined = obj; p; p = p.proto) {
        const a = p.acc?.get(k);
        if (a) {
          if (!a.set) throw this.error('runtime', `Property '${k}' has only a getter at ${pos(site.r)}`, site.r);
          // The setter's return value is dropped (tasks run in reverse order of pushing).
          this.tasks.push(new Task(T.Discard, site, this.global));
          this.invoke(a.set, o, [v], site, false);
          return;
        }
        // A data property nearer than the setter wins (a subclass field `v = 5` over a parent's `set v`).
        if (p.props.has(k)) break;
      }
      obj.props.set(k, v);
      if (Array.isArray(v) && obj.label !== undefined) {
        const info = this.arrays.get(v);
        if (info && !info.bound) {
          info.label = `${obj.label}.${k}`;
          info.bound = true;
        }
      }
      return;
    }
    if (o instanceof Poison) throw o.error;
    throw this.error('runtime', `Cannot set property '${key}' of ${this.typeName(o)} at ${pos(site.r)}`, site.r);
  }

  /** The refusal of a write to an object or array passed to Object.freeze (`what`: "set property 'a' of a frozen object"). */
  frozenWrite(what: string, site: SiteNode): GradientLensError {
    return this.error(
      'runtime',
      `Cannot ${what} (Object.freeze) at ${pos(site.r)}: JavaScript throws a TypeError in strict code ` +
        `(modules, classes) or ignores the write; remove Object.freeze or build a new object`,
      site.r,
    );
  }

  /**
   * Refuses to enumerate or copy an object with its own getters/setters (an object literal's
   * `get b() {...}`): JavaScript lists them among the keys and copies their current values, which
   * needs the getter run; silently leaving them out gave wrong numbers.
   */
  checkNoAccessors(o: Obj, what: string, site: SiteNode): void {
    if (!o.acc?.size) return;
    const name = [...o.acc.keys()][0];
    throw this.error(
      'unsupported',
      `${what} of an object with a getter or setter ('${name}') at ${pos(site.r)}: JavaScript would ` +
        `list it and copy its current value; read the property by name instead, or make it a plain field`,
      site.r,
    );
  }

  /** Refuses `what` on an array with an empty slot (see HOLEY). */
  checkNoHoles(a: Value[], what: string, site: SiteNode): void {
    const i = firstHole(a);
    if (i < 0) return;
    throw this.error(
      'unsupported',
      `${what} on an array with an empty slot at index ${i} at ${pos(site.r)} (from \`new Array(n)\`, \`[a, , b]\` ` +
        `or an assignment past the end): JavaScript skips empty slots there, so \`new Array(3).map(...)\` stays empty; ` +
        `fill the array first (\`new Array(n).fill(0)\`, \`Array.from({ length: n }, (_, i) => ...)\`)`,
      site.r,
    );
  }

  protected spreadInto(obj: Obj, v: Value, site: SiteNode): void {
    if (v === undefined || v === null) return;
    if (v instanceof Obj) {
      this.checkNoAccessors(v, 'Spreading', site);
      for (const [k, x] of v.props) if (!isPrivate(k)) obj.props.set(k, x);
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => obj.props.set(String(i), x));
      return;
    }
    throw this.error('unsupported', `Spreading ${this.typeName(v)} into an object at ${pos(site.r)}`, site.r);
  }

  /** Evaluated arguments (above height h) with spreads expanded. */
  protected collectArgs(items: Expr[], h: number): Value[] {
    const raw = this.vals.splice(h, this.vals.length - h);
    let spread = false;
    for (const it of items) if (it.k === K.Spread) spread = true;
    if (!spread) return raw as Value[];
    const out: Value[] = [];
    for (let i = 0; i < items.length; i++) {
      const v = raw[i] as Value;
      if (items[i].k === K.Spread) {
        if (Array.isArray(v)) for (const x of v) out.push(x);
        else if (v instanceof SetObj) for (const x of setEntries(v)) out.push(x);
        else if (v instanceof MapObj || v instanceof IterObj)
          for (const x of iterSnapshot(this, v, items[i])!) out.push(x);
        else if (typeof v === 'string') for (const c of v) out.push(c);
        else throw this.error('unsupported', `Spreading ${this.typeName(v)} at ${pos(items[i].r)}`, items[i].r);
      } else out.push(v);
    }
    return out;
  }
}
