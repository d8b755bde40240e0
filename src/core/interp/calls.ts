/**
 * The interpreter, layer 4 of 5: calls of user functions and builtins, `new`, constructors and
 * fields, parameters, the target's entry call and its free parameters, the higher-order
 * builtins' state machine (map, reduce, forEach, ...) and class definitions.
 */
import { GradientLensError } from '../errors';
import type { CallFrame, SourceRange } from '../expr';
import { type Expr, type IrClass, type IrFunction, K, type Pattern, type Stmt } from '../ir';
import { ConstNamespace, ERROR_KINDS, OBJECT_PROTO } from './builtins';
import { BODY, COMPILED, type CompiledHolder, PARAM_NAMES } from './compile';
import { numbersOf, parsePath } from './paths';
import { Statements } from './statements';
import { timSort } from './timsort';
import {
  Builtin,
  ClassV,
  Env,
  Fun,
  GONE,
  HOLEY,
  type HofState,
  ImportV,
  SHORT,
  type SortState,
  Obj,
  PENDING,
  Poison,
  pos,
  type SiteNode,
  T,
  Task,
  type Value,
  where,
} from './values';

export abstract class Calls extends Statements {
  // ---- calls ----

  protected callStep(t: Task, node: Extract<Expr, { k: K.Call }>): void {
    const vals = this.vals;
    const f = node.f;
    // s0: evaluate callee (object + method for member calls); s1: args; s2: invoke
    if (t.s === 0) {
      t.h = vals.length;
      if (f.k === K.Member || f.k === K.Index) return this.then(t, 10, f.o);
      if (f.k === K.SuperMember) {
        const thisV = this.lookupThis(t.env, f);
        const m = this.getFromObj(this.superBase(t.env, f), f.name, thisV, f);
        if (m === PENDING) throw this.error('unsupported', `Getter called as a method at ${pos(f.r)}`, f.r);
        t.a = thisV;
        t.b = m;
        t.s = 1;
        t.i = 0;
        t.h = vals.length;
        return this.callStep(t, node);
      }
      return this.then(t, 12, f);
    }
    if (t.s === 10) {
      // object evaluated
      if (f.k === K.Index) {
        // a short-circuit skips the index expression and the arguments (a?.[f()](g()) calls neither)
        const o = vals[vals.length - 1];
        const fo = f as { opt?: boolean; cont?: boolean };
        if (fo.opt && (o === undefined || o === null || o === SHORT) && (o === SHORT || !fo.cont)) {
          vals[vals.length - 1] = node.sc ? SHORT : undefined;
          return;
        }
        return this.then(t, 11, f.i);
      }
      t.s = 11;
    }
    if (t.s === 11) {
      const key = f.k === K.Index ? this.key(vals.pop() as Value, f) : (f as { name: string }).name;
      const o = vals.pop() as Value;
      const fo = f as { opt?: boolean; cont?: boolean };
      if (fo.opt && (o === undefined || o === null || o === SHORT) && (o === SHORT || !fo.cont)) {
        vals.push(node.sc ? SHORT : undefined);
        return;
      }
      t.a = o;
      const m = this.getProp(o, key, f);
      if (m === PENDING) throw this.error('unsupported', `Calling a getter's result at ${pos(f.r)}`, f.r);
      t.b = m;
      t.s = 1;
      t.i = 0;
      t.h = vals.length;
    }
    if (t.s === 12) {
      t.b = vals.pop();
      t.a = undefined;
      t.s = 1;
      t.i = 0;
      t.h = vals.length;
    }
    if (t.s === 1) {
      if (t.i === 0 && node.opt && node.args.length > 0) {
        // a short-circuit skips the arguments (f?.(g()) does not call g)
        const callee = t.b as Value;
        if ((callee === undefined || callee === null || callee === SHORT) && (callee === SHORT || !node.cont)) {
          vals.push(node.sc ? SHORT : undefined);
          return;
        }
      }
      if (t.i < node.args.length) {
        const a = node.args[t.i++];
        return this.then(t, 1, a.k === K.Spread ? a.a : a);
      }
      const args = this.collectArgs(node.args, t.h);
      const callee = t.b as Value;
      if (
        node.opt &&
        (callee === undefined || callee === null || callee === SHORT) &&
        (callee === SHORT || !node.cont)
      ) {
        vals.push(node.sc ? SHORT : undefined);
        return;
      }
      this.invoke(callee, t.a as Value, args, node, false);
    }
  }

  protected newStep(t: Task, node: Extract<Expr, { k: K.New }>): void {
    const vals = this.vals;
    if (t.s === 0) {
      t.h = vals.length;
      return this.then(t, 1, node.f);
    }
    if (t.s === 1) {
      t.b = vals.pop();
      t.s = 2;
      t.i = 0;
      t.h = vals.length;
    }
    if (t.i < node.args.length) {
      const a = node.args[t.i++];
      return this.then(t, 2, a.k === K.Spread ? a.a : a);
    }
    const args = this.collectArgs(node.args, t.h);
    const c = t.b as Value;
    if (c instanceof ClassV) {
      const obj = new Obj(c.proto);
      vals.push(obj);
      this.tasks.push(new Task(T.Discard, node, t.env));
      this.constructInto(c, obj, args, node);
      return;
    }
    if (
      c instanceof Builtin &&
      (c.name === 'Array' || c.name === 'Set' || c.name === 'Map' || ERROR_KINDS.includes(c.name))
    ) {
      const r = c.impl(this, undefined, args, node);
      if (r !== PENDING) vals.push(r);
      return;
    }
    if (c instanceof Fun && !c.fn.arrow) {
      throw this.error('unsupported', `'new' on a plain function at ${pos(node.r)}: write a class`, node.r);
    }
    throw this.error('unsupported', `'new' on ${this.typeName(c)} in "${node.t}" at ${pos(node.r)}`, node.r);
  }

  /**
   * Runs class `c`'s construction on `obj`: base classes first initialize fields then run
   * the constructor body; derived classes run the constructor (whose super() call constructs
   * the parent part, then initializes this class's fields). Leaves one value on the stack.
   */
  protected constructInto(c: ClassV, obj: Obj, args: Value[], site: SiteNode): void {
    const task = new Task(T.Construct, site, c.env);
    task.a = c;
    task.b = obj;
    task.c = args;
    this.tasks.push(task);
  }

  protected constructStep(t: Task): void {
    const c = t.a as ClassV;
    const obj = t.b as Obj;
    const args = t.c as Value[];
    const site = t.n as SiteNode;
    if (t.s === 1) {
      this.vals.push(undefined); // a placeholder value for the caller to discard
      return;
    }
    t.s = 1;
    this.tasks.push(t);
    const fields = new Task(T.Fields, site, c.env);
    fields.a = c;
    fields.b = obj;
    // Tasks run in reverse order of pushing.
    if (!c.parent) {
      // base class: fields, then the constructor body (its value discarded)
      if (c.ctor) {
        this.tasks.push(new Task(T.Discard, site, c.env));
        this.invoke(c.ctor, obj, args, site, true);
      }
      this.tasks.push(fields);
      return;
    }
    if (c.ctor) {
      // derived: the constructor's super(...) constructs the parent part and then the fields
      this.tasks.push(new Task(T.Discard, site, c.env));
      this.invoke(c.ctor, obj, args, site, true);
      return;
    }
    // implicit constructor(...args) { super(...args) }: parent, then this class's fields
    this.tasks.push(fields);
    this.tasks.push(new Task(T.Discard, site, c.env));
    this.constructInto(c.parent, obj, args, site);
  }

  protected fieldsStep(t: Task): void {
    const c = t.a as ClassV;
    const obj = t.b as Obj;
    const members = c.cls.members;
    if (t.s === 0 && t.i === 0) {
      // Parameter properties (constructor(public w: number)) are declared before the other fields
      // (tsc and esbuild both emit `w; b = 2;` then `this.w = w`): they come first in key order.
      // (In a derived class that is after super() returns: a parent's field of that name is redefined.)
      const pp = (c.ctor?.fn as (IrFunction & { paramProps?: string[] }) | undefined)?.paramProps;
      if (pp) for (const name of pp) this.setOwn(obj, name, undefined);
    }
    if (t.s === 1) {
      const m = members[t.i];
      const v = this.vals.pop() as Value;
      this.setOwn(obj, m.key as string, v);
      t.i++;
    }
    while (t.i < members.length) {
      const m = members[t.i];
      if (m.kind !== 'field' || m.static) {
        t.i++;
        continue;
      }
      if (typeof m.key !== 'string') throw this.error('unsupported', `Computed field name at ${pos(m.r)}`, m.r);
      if (!m.v) {
        this.setOwn(obj, m.key, undefined);
        t.i++;
        continue;
      }
      t.s = 1;
      this.tasks.push(t);
      const env = new Env(c.env);
      env.set('this', obj);
      env.set('#home', c);
      this.push(m.v, env);
      return;
    }
    // A derived class's parameter properties get their values after its fields (tsc and esbuild
    // emit `super(…); this.w = w;`), read from the constructor's scope at its super(…) call.
    const pp = (c.ctor?.fn as (IrFunction & { paramProps?: string[] }) | undefined)?.paramProps;
    if (pp && c.parent && t.c instanceof Env)
      for (const name of pp)
        for (let e: Env | undefined = t.c; e; e = e.parent)
          if (e.has(name)) {
            this.setOwn(obj, name, e.get(name) as Value);
            break;
          }
  }

  protected setOwn(obj: Obj, key: string, v: Value): void {
    obj.props.set(key, v);
    if (Array.isArray(v) && obj.label !== undefined) {
      const info = this.arrays.get(v);
      if (info && !info.bound) {
        info.label = `${obj.label}.${key}`;
        info.bound = true;
      }
    }
  }

  /** Calls a function value. The result lands on the value stack (now or after its tasks). */
  invoke(f: Value, thisV: Value, args: Value[], site: SiteNode, isCtor: boolean): void {
    if (f instanceof Fun) {
      this.callUser(f, thisV, args, site, isCtor, false);
      return;
    }
    if (f instanceof Builtin) {
      const r = f.impl(this, thisV, args, site);
      if (r !== PENDING) this.vals.push(r);
      return;
    }
    if (f instanceof ClassV)
      throw this.error('runtime', `Class '${f.cls.name}' called without 'new' at ${pos(site.r)}`, site.r);
    if (f instanceof Poison) throw f.error;
    if (f instanceof ImportV) throw this.importError(f);
    const text = site.t ?? '';
    if (f instanceof ConstNamespace && f.prefix === 'Number') {
      // Number(x) of a number is x itself; anything else would be a conversion.
      const a = args[0];
      if (typeof a === 'number') {
        this.vals.push(a);
        return;
      }
      if (args.length === 0) {
        this.vals.push(this.constNode(0, site));
        return;
      }
      throw this.error(
        'unsupported',
        `Number(...) of ${this.typeName(a)} in "${text}" at ${pos(site.r)}: strings and booleans are never ` +
          `converted to numbers here; write the number itself (for an array index from for…in, use for…of or a counted loop)`,
        site.r,
      );
    }
    if (f === undefined) {
      // `Object.defineProperty(...)`, `Object.is(...)`, `xs.foo()`: a property that does not exist here
      const paren = text.indexOf('(');
      const callee = paren > 0 ? text.slice(0, paren).trim() : text;
      throw this.error(
        'unknown-call',
        `Unknown function: "${text}" at ${pos(site.r)}: ${callee} is not declared in this file nor a supported built-in`,
        site.r,
      );
    }
    throw this.error(
      'unknown-call',
      `Unknown function: "${text}" at ${pos(site.r)} calls ${this.typeName(f)}, not a function`,
      site.r,
    );
  }

  protected callUser(f: Fun, thisV: Value, args: Value[], site: SiteNode, isCtor: boolean, entry: boolean): void {
    const fn = f.fn;
    if (++this.depth > this.budgets.maxDepth) {
      this.depth--;
      throw new GradientLensError(
        'budget',
        `Call depth exceeds ${this.budgets.maxDepth} in the call of '${fn.name}' at ${pos(site.r)}: is the recursion endless? ` +
          'Make it shallower, or raise the budget in the settings.',
        where(site.r),
      );
    }
    // Argument count: every parameter up to the last required one needs an argument.
    let min = 0;
    for (let i = 0; i < fn.params.length; i++) {
      const p = fn.params[i];
      if (!p.d && !p.opt && !p.rest) min = i + 1;
    }
    if (args.length < min && !entry) {
      let max = fn.params.length;
      if (fn.params.some((p) => p.rest)) max = Infinity;
      let mi = args.length;
      while (mi < fn.params.length && (fn.params[mi].d || fn.params[mi].opt || fn.params[mi].rest)) mi++;
      const missing = fn.params[mi];
      const mname = missing.p.k === K.PId ? missing.p.name : `parameter ${mi + 1}`;
      this.depth--;
      throw this.error(
        'unsupported',
        `'${fn.name}' expects ${min}${max > min ? (max === Infinity ? ' or more' : ` to ${max}`) : ''}, got ${args.length} (missing '${mname}') in "${site.t ?? fn.name}" at ${pos(site.r)}`,
        site.r,
      );
    }
    const env = new Env(f.env);
    if (!fn.arrow) {
      env.set('this', thisV);
      if (f.home) env.set('#home', f.home);
      if (f.isStatic) env.set('#static', true);
    }
    if (fn.selfName) env.set(fn.selfName, f);
    const exit = new Task(T.CallExit, site, env);
    exit.h = this.vals.length;
    exit.a = this.curFrame;
    exit.b = isCtor ? thisV : undefined;
    exit.i = entry ? 1 : 0;
    exit.c = f;
    this.tasks.push(exit);
    if (!entry && !isCtor) {
      this.frames.push({ fn: fn.name, parent: this.curFrame, range: site.r, args: [], result: -1 });
      this.curFrame = this.frames.length - 1;
      exit.s = 1; // has a frame
    } else if (isCtor) {
      this.frames.push({ fn: fn.name, parent: this.curFrame, range: site.r, args: [], result: -1 });
      this.curFrame = this.frames.length - 1;
      exit.s = 1;
    }
    // Body after the parameters (the statement that runs it is made once per function).
    const holder = fn as IrFunction & { [BODY]?: Stmt };
    let body = holder[BODY];
    if (!body) {
      body = fn.expr
        ? ({ k: K.Return, r: fn.expr.r, e: fn.expr } as Stmt)
        : ({ k: K.Block, r: fn.r, body: fn.body ?? [] } as Stmt);
      Object.defineProperty(holder, BODY, { value: body, enumerable: false });
    }
    this.tasks.push(new Task(T.Eval, body, env));
    // Function scope: vars, lexical names and hoisted functions of the body.
    if (fn.vars) for (const v of fn.vars) if (!env.has(v)) env.set(v, undefined);
    this.declareScope(env, fn);
    // Plain parameters (names without defaults) are bound here; others by a Params task.
    let simple = !(fn as IrFunction & { paramProps?: string[] }).paramProps;
    for (const p of fn.params) if (p.p.k !== K.PId || p.d || p.rest) simple = false;
    if (simple) {
      for (let i = 0; i < fn.params.length; i++) env.set((fn.params[i].p as { name: string }).name, args[i]);
      if (exit.s === 1) this.frames[this.curFrame].args = numbersOf(args, fn.params.length);
      return;
    }
    const pt = new Task(T.Params, fn, env);
    pt.a = args;
    pt.b = f;
    this.tasks.push(pt);
  }

  protected paramsStep(t: Task): void {
    const fn = t.n as IrFunction;
    const args = t.a as Value[];
    const f = t.b as Fun;
    if (t.s === 1) {
      // a default value was evaluated
      const p = fn.params[t.i];
      const v = this.vals.pop() as Value;
      t.i++;
      t.s = 0;
      this.tasks.push(t);
      this.bind(p.p, v, t.env, 'param');
      return;
    }
    while (t.i < fn.params.length) {
      const p = fn.params[t.i];
      if (p.rest) {
        t.i++;
        this.tasks.push(t);
        this.bind(p.p, this.newArray(args.slice(fn.params.length - 1), { r: p.p.r, t: '...rest' }), t.env, 'param');
        return;
      }
      const v = args[t.i];
      if (v === undefined && p.d) {
        t.s = 1;
        this.tasks.push(t);
        this.push(p.d, t.env);
        return;
      }
      t.i++;
      if (p.p.k === K.PId) {
        t.env.set(p.p.name, v);
        continue;
      }
      this.tasks.push(t);
      this.bind(p.p, v, t.env, 'param');
      return;
    }
    // The call's frame lists the bound parameter values (after defaults) that are numbers.
    const exit = this.findExit();
    if (exit && exit.s === 1) {
      const fr = this.frames[this.curFrame];
      fr.args = [];
      for (const prm of fn.params) {
        if (prm.p.k !== K.PId) continue;
        const v = t.env.get(prm.p.name);
        if (typeof v === 'number') fr.args.push(v);
      }
    }
    // parameter properties
    const pp = (fn as IrFunction & { paramProps?: string[] }).paramProps;
    // (in a derived class they are set after super(…) returns: see fieldsStep)
    const home = t.env.get('#home');
    if (pp && !(home instanceof ClassV && home.parent)) {
      const thisV = t.env.get('this');
      if (thisV instanceof Obj) for (const name of pp) this.setOwn(thisV, name, t.env.get(name) as Value);
    }
    void f;
  }

  /** The innermost active call's exit task. */
  protected findExit(): Task | undefined {
    for (let k = this.tasks.length - 1; k >= 0; k--) if (this.tasks[k].t === T.CallExit) return this.tasks[k];
    return undefined;
  }

  protected callExit(t: Task): void {
    // The return value (or nothing: undefined) is above height h.
    const vals = this.vals;
    let v: Value = undefined;
    if (vals.length > t.h) v = vals.pop() as Value;
    vals.length = t.h;
    this.depth--;
    if (t.s === 1) {
      const fr = this.frames[this.curFrame];
      if (typeof v === 'number') fr.result = v;
      this.curFrame = t.a as number;
    }
    if (t.b !== undefined) {
      // constructor: the object, unless an object is returned
      vals.push(v instanceof Obj ? v : (t.b as Value));
      return;
    }
    vals.push(v);
  }

  protected *entryCall(fun: Fun, env: Env): Generator<void, void> {
    const fn = fun.fn;
    const args: Value[] = [];
    fn.params.forEach((p, i) => {
      args.push(this.freeParam(p, i));
    });
    this.callUser(fun, undefined, args, { r: fn.r, t: fn.name }, false, true);
    while (!this.loop()) yield;
    void env;
  }

  /** A free parameter: a number input, or an array / object of inputs shaped by the given keys. */
  protected freeParam(p: IrFunction['params'][number], i: number): Value {
    const pat = p.p;
    if (pat.k !== K.PId) {
      // Destructured parameter: its names become inputs.
      return this.freeFromPattern(pat);
    }
    const name = pat.name;
    const r = pat.r;
    const suggested = p.d && p.d.k === K.Num ? p.d.v : undefined;
    // Shape from the given keys: name[0], name[1][2], name.x ...
    const prefixA = `${name}[`;
    const prefixO = `${name}.`;
    const keys = Object.keys(this.given).filter((k) => k.startsWith(prefixA) || k.startsWith(prefixO));
    const hint = (p as { hint?: unknown }).hint;
    if (keys.length === 0 && hint === undefined) {
      if (p.rest) return this.newArray([], { r, t: name }, name);
      return this.inputNode(name, r, undefined, { r, t: name }, suggested);
    }
    if (keys.length === 0) return this.fromHint(hint, name, r);
    let root: Value = undefined;
    const paths = keys.map((k) => ({ k, steps: parsePath(k.slice(name.length)) })).filter((x) => x.steps !== undefined);
    paths.sort((a, b) => a.k.localeCompare(b.k, 'en', { numeric: true }));
    for (const { k, steps } of paths) {
      if (!steps || steps.length === 0) continue;
      if (root === undefined)
        root = typeof steps[0] === 'number' ? this.newArray([], { r, t: name }, name) : new Obj(OBJECT_PROTO);
      let cur: Value = root;
      for (let s = 0; s < steps.length; s++) {
        const step = steps[s];
        const last = s === steps.length - 1;
        const nextIsNum = !last && typeof steps[s + 1] === 'number';
        if (Array.isArray(cur)) {
          const idx = step as number;
          while (cur.length <= idx) cur.push(undefined);
          if (last) cur[idx] = this.inputNode(k, r, undefined, { r, t: k });
          else {
            if (cur[idx] === undefined) cur[idx] = nextIsNum ? this.newArray([], { r, t: k }) : new Obj(OBJECT_PROTO);
            cur = cur[idx];
          }
        } else if (cur instanceof Obj) {
          const key = String(step);
          if (last) cur.props.set(key, this.inputNode(k, r, undefined, { r, t: k }));
          else {
            if (!cur.props.has(key))
              cur.props.set(key, nextIsNum ? this.newArray([], { r, t: k }) : new Obj(OBJECT_PROTO));
            cur = cur.props.get(key);
          }
        }
      }
    }
    if (root instanceof Obj) root.label = name;
    void i;
    return root;
  }

  protected fromHint(hint: unknown, name: string, r: SourceRange): Value {
    // hint: 0 scalar | { arr: hint, n } | { obj: Record<string, hint> }
    type H = 0 | { arr: H; n: number } | { obj: Record<string, H> };
    const h = hint as H;
    const root: { v: Value } = { v: undefined };
    const stack: Array<{ h: H; path: string; set: (v: Value) => void }> = [{ h, path: name, set: (v) => (root.v = v) }];
    while (stack.length) {
      const { h: cur, path, set } = stack.pop()!;
      if (cur === 0) set(this.inputNode(path, r, undefined, { r, t: path }));
      else if ('arr' in cur) {
        const a = this.newArray(new Array(cur.n).fill(undefined), { r, t: path }, path);
        set(a);
        for (let k = cur.n - 1; k >= 0; k--) stack.push({ h: cur.arr, path: `${path}[${k}]`, set: (v) => (a[k] = v) });
      } else {
        const o = new Obj(OBJECT_PROTO);
        o.label = path;
        set(o);
        const ks = Object.keys(cur.obj);
        for (let k = ks.length - 1; k >= 0; k--)
          stack.push({ h: cur.obj[ks[k]], path: `${path}.${ks[k]}`, set: (v) => o.props.set(ks[k], v) });
      }
    }
    return root.v;
  }

  protected freeFromPattern(pat: Pattern): Value {
    if (pat.k === K.PId) return this.inputNode(pat.name, pat.r, undefined, { r: pat.r, t: pat.name });
    if (pat.k === K.PArr) {
      return this.newArray(
        pat.elems.map((e) => (e ? this.freeFromPattern(e.p) : undefined)),
        { r: pat.r, t: '[…]' },
      );
    }
    if (pat.k === K.PObj) {
      const o = new Obj(OBJECT_PROTO);
      for (const p of pat.props) if (typeof p.key === 'string') o.props.set(p.key, this.freeFromPattern(p.p));
      return o;
    }
    throw this.error('unsupported', `Unsupported parameter pattern at ${pos(pat.r)}`, pat.r);
  }

  // ---- higher-order builtins: map, reduce, forEach, ... ----

  startHof(st: HofState): typeof PENDING {
    const t = new Task(T.Hof, st.site, this.global);
    t.a = st;
    st.loop = this.loopIndex(st.site, `${st.site.t ?? st.kind}`);
    st.savedLoop = this.curLoop;
    st.savedIter = this.curIter;
    t.i = 0;
    t.h = this.vals.length;
    if ((st.kind === 'reduce' || st.kind === 'reduceRight') && !st.hasAcc) {
      if (st.arr.length === 0)
        throw this.error(
          'runtime',
          `${st.kind} of an empty array with no initial value at ${pos(st.site.r)}`,
          st.site.r,
        );
      st.acc = st.arr[st.rev ? st.arr.length - 1 : 0];
      st.hasAcc = true;
      t.i = 1;
    }
    this.tasks.push(t);
    return PENDING;
  }

  protected hofStep(t: Task): void {
    const st = t.a as HofState;
    if (st.sort !== undefined) return this.sortStep(t, st);
    const vals = this.vals;
    if (t.s === 1) {
      // a callback returned
      const r = vals.pop() as Value;
      const i = st.rev ? st.n - t.i : t.i - 1;
      // the element the callback was given (the callback may have changed the array since)
      const el = st.cur;
      switch (st.kind) {
        case 'map':
        case 'from':
          st.out![i] = r; // in order: i is the array's length or within its presized length
          break;
        case 'filter':
          if (this.truthy(r)) st.out!.push(el);
          break;
        case 'reduce':
        case 'reduceRight':
          st.acc = r;
          break;
        case 'some':
          if (this.truthy(r)) return this.hofDone(st, true);
          break;
        case 'every':
          if (!this.truthy(r)) return this.hofDone(st, false);
          break;
        case 'find':
        case 'findLast':
          if (this.truthy(r)) return this.hofDone(st, el);
          break;
        case 'findIndex':
        case 'findLastIndex':
          if (this.truthy(r)) return this.hofDone(st, this.constNode(i, st.site));
          break;
        case 'flatMap':
          if (Array.isArray(r)) for (const x of r) st.out!.push(x);
          else st.out!.push(r);
          break;
      }
    }
    if (st.set !== undefined) {
      // Set.forEach: over the live entry list (entries added meanwhile are visited, deleted skipped).
      while (t.i < st.arr.length && st.arr[t.i] === GONE) t.i++;
      st.n = st.arr.length;
    }
    if (st.set === undefined && st.from === 'arr' && st.kind !== 'from' && !st.kind.startsWith('find'))
      // an index the callback removed (the array shortened) is skipped, as JavaScript does
      // (HasProperty); find, findIndex, findLast… visit it as undefined
      while (t.i < st.n && !((st.rev ? st.n - 1 - t.i : t.i) in st.arr)) {
        t.i++;
        if (st.kind === 'map') HOLEY.add(st.out!); // map leaves that slot empty
      }
    if (t.i >= st.n) {
      switch (st.kind) {
        case 'map':
        case 'filter':
        case 'from':
        case 'flatMap':
          return this.hofDone(st, this.newArray(st.out!, st.site));
        case 'reduce':
        case 'reduceRight':
          return this.hofDone(st, st.acc);
        case 'some':
          return this.hofDone(st, false);
        case 'every':
          return this.hofDone(st, true);
        case 'find':
        case 'findLast':
          return this.hofDone(st, undefined);
        case 'findIndex':
        case 'findLastIndex':
          return this.hofDone(st, this.constNode(-1, st.site));
        default:
          return this.hofDone(st, undefined);
      }
    }
    const i = st.rev ? st.n - 1 - t.i++ : t.i++;
    this.curLoop = st.loop;
    this.curIter = i;
    this.loops[st.loop].iterations++;
    const idx = this.constNode(i, st.site);
    const el = st.from === 'length' ? undefined : st.arr[i];
    st.cur = el;
    const args =
      st.kind === 'reduce' || st.kind === 'reduceRight'
        ? [st.acc, el, idx, st.arr]
        : st.set !== undefined
          ? st.kind === 'mapForEach'
            ? [(el as Value[])[1], (el as Value[])[0], st.set]
            : [el, el, st.set]
          : [el, idx, st.arr];
    t.s = 1;
    this.tasks.push(t);
    if (st.fn instanceof Fun && this.callInline(st.fn, args, st.site)) return;
    const f = st.fn;
    this.invoke(
      f,
      st.thisArg,
      f instanceof Builtin && f.arity !== undefined ? args.slice(0, f.arity) : args,
      st.site,
      false,
    );
  }

  /**
   * Calls a user arrow function whose body is one expression that compiles (the usual `map` /
   * `reduce` callback, `(x) => 2 * x + 1`) at once, without tasks: the same scope, call frame
   * and result as callUser followed by its return. False, with nothing recorded that the
   * program can reach, when it cannot: the task machine then makes the call.
   */
  protected callInline(f: Fun, args: Value[], site: SiteNode): boolean {
    const fn = f.fn;
    const body = fn.expr;
    if (!fn.arrow || body === undefined || fn.selfName !== undefined || fn.vars || fn.lex || fn.funs || fn.consts)
      return false;
    if ((body as CompiledHolder)[COMPILED] === null || (fn as IrFunction & { paramProps?: string[] }).paramProps)
      return false;
    const params = fn.params;
    if (params.length > args.length || this.depth >= this.budgets.maxDepth) return false;
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      if (p.p.k !== K.PId || p.d || p.rest) return false;
    }
    // The scope: the parameters' names (one list per function, copied if a name is added).
    const env = new Env(f.env);
    const holder = fn as IrFunction & { [PARAM_NAMES]?: string[] };
    let names = holder[PARAM_NAMES];
    if (!names) {
      names = params.map((p) => (p.p as { name: string }).name);
      Object.defineProperty(holder, PARAM_NAMES, { value: names, enumerable: false });
    }
    env.names = names;
    env.sharedNames = true;
    env.vals = args.slice(0, params.length);
    const fr: CallFrame = {
      fn: fn.name,
      parent: this.curFrame,
      range: site.r,
      args: numbersOf(args, params.length),
      result: -1,
    };
    const frame = this.frames.length;
    const saved = this.curFrame;
    this.frames.push(fr);
    this.curFrame = frame;
    this.depth++;
    let done: boolean;
    try {
      done = this.leaf(body, env);
    } finally {
      this.depth--;
    }
    if (!done) {
      // Not compilable (now marked so): nodes it may have made before bailing are unreachable.
      this.frames.length = frame;
      this.curFrame = saved;
      return false;
    }
    const v = this.vals[this.vals.length - 1];
    if (typeof v === 'number') fr.result = v;
    this.curFrame = saved;
    return true;
  }

  /**
   * One step of `.sort(cmp)` / `.toSorted(cmp)` (SortState): sends the comparator's result (if
   * one just returned) to the TimSort generator, then either calls the comparator on the next pair
   * it yields or finishes. The results are read (they steer the run: an input edit that changes
   * the order re-traces).
   */
  protected sortStep(t: Task, st: HofState): void {
    const ss = st.sort!;
    ss.gen ??= timSort(ss.work);
    const r = t.s === 1 ? ss.gen.next(this.compareResult(this.vals.pop() as Value, st, ss)) : ss.gen.next(0);
    if (r.done) return this.sortDone(st, ss);
    return this.sortCompare(t, st, r.value[0], r.value[1]);
  }

  private sortCompare(t: Task, st: HofState, x: Value, y: Value): void {
    this.curLoop = st.loop;
    this.curIter = this.loops[st.loop].iterations++;
    t.s = 1;
    this.tasks.push(t);
    const args = [x, y];
    if (st.fn instanceof Fun && this.callInline(st.fn, args, st.site)) return;
    this.invoke(st.fn, undefined, args, st.site, false);
  }

  /** A comparator's result as JavaScript reads it (ToNumber; NaN counts as 0). */
  private compareResult(r: Value, st: HofState, ss: SortState): number {
    let x: number;
    if (typeof r === 'number') {
      this.steer(r);
      x = this.value[r];
    } else if (typeof r === 'boolean') {
      x = r ? 1 : 0;
      ss.odd ??= `returns a boolean (${r}), never a negative number`;
    } else if (r === undefined) {
      x = NaN;
      ss.odd ??= 'returns undefined';
    } else if (r === null) x = 0;
    else
      throw this.error(
        'unsupported',
        `The comparator of .${st.kind} at ${pos(st.site.r)} returns ${this.typeName(r)}: return a number (negative, 0 or positive), e.g. (a, b) => a - b`,
        st.site.r,
      );
    if (x !== x) {
      ss.odd ??= 'returns NaN';
      return 0;
    }
    if (ss.work.length >= 64 && ss.odd !== undefined)
      throw this.error(
        'unsupported',
        `The comparator of .${st.kind} at ${pos(st.site.r)} ${ss.odd}: on 64 elements or more the order JavaScript gives then depends on the engine's algorithm; return a negative number, 0 or a positive one consistently, e.g. (a, b) => a - b`,
        st.site.r,
      );
    return x;
  }

  private sortDone(st: HofState, ss: SortState): void {
    const w = ss.work;
    for (let k = 0; k < ss.undefs; k++) w.push(undefined);
    if (ss.target === undefined) return this.hofDone(st, this.newArray(w, st.site));
    const a = ss.target;
    for (let k = 0; k < w.length; k++) a[k] = w[k];
    this.hofDone(st, a);
  }

  protected hofDone(st: HofState, v: Value): void {
    this.curLoop = st.savedLoop;
    this.curIter = st.savedIter;
    this.vals.push(v);
  }

  // ---- classes ----

  protected startClass(ci: number, env: Env, bindName: string | undefined): void {
    const cls = this.ir.classes[ci];
    const t = new Task(T.ClassDef, cls, env);
    t.a = bindName;
    this.tasks.push(t);
    if (cls.ext) this.push(cls.ext, env);
  }

  protected classStep(t: Task): void {
    const cls = t.n as IrClass;
    const vals = this.vals;
    if (t.s === 0) {
      let parent: ClassV | undefined;
      if (cls.ext) {
        const p = vals.pop() as Value;
        if (!(p instanceof ClassV)) {
          throw this.error(
            'unsupported',
            `'extends' of ${this.typeName(p)} at ${pos(cls.r)}: extend a class declared in this file`,
            cls.r,
          );
        }
        parent = p;
      }
      const env = new Env(t.env);
      const c = new ClassV(cls, parent, env);
      env.set(cls.name, c);
      if (cls.ctor !== undefined) {
        c.ctor = this.closure(cls.ctor, env);
        c.ctor.home = c;
        c.ctor.isCtor = true;
      }
      for (const m of cls.members) {
        if (m.kind === 'field') continue;
        if (typeof m.key !== 'string') throw this.error('unsupported', `Computed method name at ${pos(m.r)}`, m.r);
        const f = this.closure(m.fn!, env);
        f.home = c;
        f.isStatic = m.static === true;
        const target = m.static ? c.statics : c.proto;
        if (m.kind === 'method') target.props.set(m.key, f);
        else {
          target.acc ??= new Map();
          const a = target.acc.get(m.key) ?? {};
          a[m.kind] = f;
          target.acc.set(m.key, a);
        }
      }
      t.b = c;
      t.s = 1;
      t.i = 0;
    }
    const c = t.b as ClassV;
    if (t.s === 2) {
      const m = cls.members[t.i];
      c.statics.props.set(m.key as string, vals.pop() as Value);
      t.i++;
    }
    while (t.i < cls.members.length) {
      const m = cls.members[t.i];
      if (m.kind !== 'field' || !m.static) {
        t.i++;
        continue;
      }
      if (!m.v) {
        c.statics.props.set(m.key as string, undefined);
        t.i++;
        continue;
      }
      t.s = 2;
      this.tasks.push(t);
      const env = new Env(c.env);
      env.set('this', c);
      this.push(m.v, env);
      return;
    }
    vals.push(c);
  }
}
