/**
 * The interpreter, layer 3 of 5: assignment, declarations and destructuring patterns, loops
 * (for, for-of/in, while, do), switch, break/continue and return.
 */
import type { SourceRange } from '../expr';
import { type Expr, K, type Pattern, type Stmt } from '../ir';
import { OBJECT_PROTO, iterSnapshot, useIter } from './builtins';
import { patternNames, ZERO_RANGE } from './paths';
import { Stepper } from './step';
import {
  ADD,
  Env,
  Fun,
  GONE,
  type HofState,
  IterMode,
  IterObj,
  MapObj,
  Obj,
  isPrivate,
  ownKeys,
  PENDING,
  pos,
  SetObj,
  type SiteNode,
  SUB,
  T,
  Task,
  TDZ,
  type Value,
} from './values';

export abstract class Statements extends Stepper {
  // ---- assignment ----

  /**
   * Assign / Update. States: 0 start; for a member target: evaluate object (and key), then
   * (for compound ops) read the old value, evaluate the right side, write.
   */
  protected assignStep(t: Task, node: Extract<Expr, { k: K.Assign | K.Update }>): void {
    const vals = this.vals;
    const target = node.target;
    const isUpdate = node.k === K.Update;
    const op = isUpdate ? node.op : node.op;
    // Plain `=` to a destructuring pattern.
    if (!isUpdate && op === '=' && (target.k === K.PArr || target.k === K.PObj)) {
      if (t.s === 0) return this.then(t, 1, node.v);
      const v = vals[vals.length - 1];
      this.bind(target, v, t.env, 'assign');
      return;
    }
    if (target.k === K.PId) {
      if (!isUpdate && op === '=') {
        if (t.s === 0) return this.then(t, 1, node.v);
        const v = vals[vals.length - 1];
        this.assignVar(t.env, target.name, v, target);
        if (v instanceof Fun && v.fn.name === '(anonymous)') v.fn.name = target.name;
        return;
      }
      if (t.s === 0) {
        const old = this.lookup(t.env, target.name, target);
        t.a = old;
        if (isUpdate) {
          const nv = this.updateValue(node as Extract<Expr, { k: K.Update }>, old);
          this.assignVar(t.env, target.name, nv, target);
          vals.push(node.prefix ? nv : (old as Value));
          return;
        }
        if (this.keepsOld(op, old)) {
          vals.push(old);
          return;
        }
        return this.then(t, 1, node.v);
      }
      const nv = this.compoundValue(op, t.a as Value, vals.pop() as Value, node);
      this.assignVar(t.env, target.name, nv, target);
      vals.push(nv);
      return;
    }
    if (target.k !== K.PExpr)
      throw this.error('unsupported', `Unsupported assignment target at ${pos(target.r)}`, target.r);
    const e = target.e;
    // Evaluate the reference: object and key.
    if (t.s === 0) {
      if (e.k === K.SuperMember) throw this.error('unsupported', `Assignment to super property at ${pos(e.r)}`, e.r);
      return this.then(t, 1, e.o);
    }
    if (t.s === 1) {
      if (e.k === K.Index) return this.then(t, 2, e.i);
      t.s = 2;
    }
    if (t.s === 2) {
      let key: string | number;
      if (e.k === K.Index) key = this.key(vals.pop() as Value, e);
      else key = (e as { name: string }).name;
      const obj = vals.pop() as Value;
      t.a = obj;
      t.b = key;
      if (!isUpdate && op === '=') return this.then(t, 4, node.v);
      // Read the old value (may call a getter).
      t.s = 3;
      this.tasks.push(t);
      const old = this.getProp(obj, key, e);
      if (old !== PENDING) vals.push(old);
      return;
    }
    if (t.s === 3) {
      const old = vals.pop() as Value;
      t.c = old;
      if (isUpdate) {
        const nv = this.updateValue(node as Extract<Expr, { k: K.Update }>, old);
        vals.push(node.prefix ? nv : old);
        this.setProp(t.a as Value, t.b as string | number, nv, e);
        return;
      }
      if (this.keepsOld(op, old)) {
        vals.push(old);
        return;
      }
      return this.then(t, 5, node.v);
    }
    if (t.s === 4) {
      const v = vals[vals.length - 1];
      this.setProp(t.a as Value, t.b as string | number, v, e);
      return;
    }
    // s === 5: compound
    const nv = this.compoundValue(op, t.c as Value, vals.pop() as Value, node);
    vals.push(nv);
    this.setProp(t.a as Value, t.b as string | number, nv, e);
  }

  updateValue(node: Extract<Expr, { k: K.Update }>, old: Value): number {
    const a = this.num(old, node, `the operand of '${node.op}'`);
    const one = this.constNode(1, node);
    return this.apply2(node.op === '++' ? ADD : SUB, a, one, node);
  }

  /**
   * The new value of `a op= b` (variable or property) from the old one and the right side's: for
   * `&&=`/`??=` the right side (keepsOld decided), for `||=` orFalsy's, else the operator's.
   */
  private compoundValue(op: string, old: Value, rhs: Value, node: { r: SourceRange; t: string }): Value {
    const lop = op.slice(0, -1);
    if (lop === '||') return this.orFalsy(old, rhs, node);
    if (lop === '&&' || lop === '??') return rhs;
    return this.binary(lop, old, rhs, node);
  }

  /** `a &&= b`, `a ||= b`, `a ??= b` keep `a` (and do not evaluate `b`) when `a` decides, as in JavaScript. */
  private keepsOld(op: string, old: Value): boolean {
    const lop = op.slice(0, -1);
    if (lop === '&&') return !this.truthy(old);
    if (lop === '||') return this.truthy(old);
    return lop === '??' && old !== undefined && old !== null;
  }

  protected assignRefStep(t: Task): void {
    // used by destructuring assignment to member targets: evaluate o (and key), then set
    const p = t.n as Extract<Pattern, { k: K.PExpr }>;
    const e = p.e;
    const vals = this.vals;
    if (t.s === 0) {
      if (e.k === K.SuperMember) throw this.error('unsupported', `Assignment to super property at ${pos(e.r)}`, e.r);
      t.s = 1;
      this.tasks.push(t);
      this.push(e.o, t.env);
      return;
    }
    if (t.s === 1 && e.k === K.Index) {
      t.s = 2;
      this.tasks.push(t);
      this.push(e.i, t.env);
      return;
    }
    const key = e.k === K.Index ? this.key(vals.pop() as Value, e) : (e as { name: string }).name;
    const obj = vals.pop() as Value;
    this.setProp(obj, key, t.a as Value, e);
  }

  // ---- declarations and patterns ----

  protected initBinding(env: Env, name: string, v: Value): void {
    env.set(name, v);
    this.nameValue(v, name);
  }

  protected varStep(t: Task, node: Extract<Stmt, { k: K.Var }>): void {
    // t.i = declarator index; s = 0 before init, 1 after init evaluated
    if (t.s === 1) {
      const d = node.decls[t.i];
      const v = this.vals.pop() as Value;
      if (v instanceof Fun && v.fn.name === '(anonymous)' && d.p.k === K.PId) v.fn.name = d.p.name;
      t.i++;
      t.s = 0;
      this.tasks.push(t);
      this.bind(d.p, v, t.env, node.kind);
      if (Array.isArray(v) && d.p.k === K.PId && this.curFrame < 0) {
        // An array a helper built, named by a top-level declaration (`const z = matvec(W1, x)`):
        // its inline values go on this line.
        const info = this.arrays.get(v);
        if (info && info.label === d.p.name && info.at === undefined) info.at = d.r;
      }
      return;
    }
    while (t.i < node.decls.length) {
      const d = node.decls[t.i];
      if (d.init) return this.then(t, 1, d.init);
      if (node.declare) {
        const names: string[] = [];
        patternNames(d.p, names);
        for (const nm of names) {
          const id = this.inputNode(nm, d.p.r, undefined, { r: d.p.r, t: nm });
          this.setBinding(t.env, nm, id, node.kind);
        }
      } else if (node.kind !== 'var') {
        const names: string[] = [];
        patternNames(d.p, names);
        for (const nm of names) this.setBinding(t.env, nm, undefined, node.kind);
      }
      t.i++;
    }
  }

  /** Declares (let/const/var/param) or assigns (mode 'assign') a name. */
  protected setBinding(env: Env, name: string, v: Value, mode: string): void {
    if (mode === 'assign') {
      this.assignVar(env, name, v, { r: this.ir.body[0]?.r ?? ZERO_RANGE });
      return;
    }
    if (mode === 'param') {
      env.set(name, v);
      return;
    }
    if (mode === 'var') {
      for (let e: Env | undefined = env; e; e = e.parent) {
        if (e.has(name)) {
          e.set(name, v);
          this.nameValue(v, name);
          return;
        }
      }
    }
    this.initBinding(env, name, v);
  }

  /** Binds a pattern; destructuring with defaults is done by Bind tasks. */
  bind(p: Pattern, v: Value, env: Env, mode: string): void {
    if (p.k === K.PId) {
      if (mode === 'assign') this.assignVar(env, p.name, v, p);
      else this.setBinding(env, p.name, v, mode);
      return;
    }
    const task = new Task(T.Bind, p, env);
    task.a = v;
    task.b = mode;
    this.tasks.push(task);
  }

  protected bindStep(t: Task): void {
    const p = t.n as Pattern;
    const mode = t.b as string;
    const vals = this.vals;
    // A single element: s = 2 with its default expression in `a` (the value was undefined): the
    // default is evaluated now, after the elements before it were bound (`{ p = 5, q = p * 2 }`);
    // s = 1 after the default was evaluated.
    if (t.c === 'elem') {
      const sub = p;
      if (t.s === 2) return this.then(t, 1, t.a as Expr);
      let v = t.a as Value;
      if (t.s === 1) v = vals.pop() as Value;
      this.bind(sub, v, t.env, mode);
      return;
    }
    const v = t.a as Value;
    if (p.k === K.PExpr) {
      const r = new Task(T.AssignRef, p, t.env);
      r.a = v;
      this.tasks.push(r);
      return;
    }
    if (v === undefined || v === null) {
      throw this.error('runtime', `Cannot destructure ${v === null ? 'null' : 'undefined'} at ${pos(p.r)}`, p.r);
    }
    const subs: Array<[Pattern, Value, Expr | undefined]> = [];
    if (p.k === K.PArr) {
      // A Map, a Set or an iterator (m.entries(), a.keys() …) gives its elements, as for…of would.
      const arr = v instanceof MapObj || v instanceof SetObj || v instanceof IterObj ? iterSnapshot(this, v, p)! : v;
      if (!Array.isArray(arr))
        throw this.error('unsupported', `Array destructuring of ${this.typeName(v)} at ${pos(p.r)}`, p.r);
      p.elems.forEach((el, i) => {
        if (el) subs.push([el.p, arr[i], el.d]);
      });
      if (p.rest) subs.push([p.rest, this.newArray(arr.slice(p.elems.length), p), undefined]);
    } else if (p.k === K.PObj) {
      const used = new Set<string>();
      for (const prop of p.props) {
        if (typeof prop.key !== 'string')
          throw this.error('unsupported', `Computed key in a pattern at ${pos(p.r)}`, p.r);
        used.add(prop.key);
        const x = this.getProp(v, prop.key, p);
        if (x === PENDING) throw this.error('unsupported', `Getter in destructuring at ${pos(p.r)}`, p.r);
        subs.push([prop.p, x, prop.d]);
      }
      if (p.rest) {
        const rest = new Obj(OBJECT_PROTO);
        if (v instanceof Obj) {
          this.checkNoAccessors(v, 'A rest pattern', p);
          for (const [k, x] of v.props) if (!used.has(k) && !isPrivate(k)) rest.props.set(k, x);
        }
        subs.push([p.rest, rest, undefined]);
      }
    }
    for (let i = subs.length - 1; i >= 0; i--) {
      const [sp, sv, d] = subs[i];
      const st = new Task(T.Bind, sp, t.env);
      st.a = sv;
      st.b = mode;
      st.c = 'elem';
      if (sv === undefined && d) {
        st.s = 2;
        st.a = d;
      }
      this.tasks.push(st);
    }
  }

  // ---- loops ----

  protected loopIndex(node: { r: SourceRange; t?: string }, label: string): number {
    let id = this.loopIds.get(node);
    if (id === undefined) {
      id = this.loops.length;
      this.loops.push({ label, range: node.r, parent: this.curLoop, iterations: 0 });
      this.loopIds.set(node, id);
    }
    return id;
  }

  /** Enter loop: saves the enclosing loop state in the task (a = [loop, iter]). */
  protected enterLoop(t: Task, node: { r: SourceRange; t: string }): void {
    const id = this.loopIndex(node, node.t);
    t.a = this.curLoop;
    t.b = this.curIter;
    t.c = id;
    t.h = this.vals.length;
    this.curLoop = id;
    this.curIter = 0;
  }

  protected nextIteration(t: Task): void {
    const id = t.c as number;
    this.loops[id].iterations++;
    this.curLoop = id;
    this.curIter++;
  }

  protected exitLoop(t: Task): void {
    this.curLoop = t.a as number;
    this.curIter = t.b as number;
  }

  protected forStep(t: Task, node: Extract<Stmt, { k: K.For }>): void {
    const vals = this.vals;
    if (t.s === 0) {
      this.enterLoop(t, node);
      if (node.init && node.init.k === K.Var && node.init.kind !== 'var') {
        t.env = new Env(t.env);
        if (node.init.kind === 'const') t.env.consts = new Set();
        const names: string[] = [];
        for (const d of node.init.decls) patternNames(d.p, names);
        for (const nm of names) {
          t.env.set(nm, TDZ);
          if (node.init.kind === 'const') t.env.consts!.add(nm);
        }
      }
      if (node.init) return this.then(t, 5, node.init);
      t.s = 1;
    }
    if (t.s === 5) {
      // After the initializer: the first iteration gets its own copy of the bindings, so a
      // closure made in the initializer keeps the initial ones (JavaScript's
      // CreatePerIterationEnvironment, before the first test).
      if (node.perIter) this.copyPerIter(t, node.perIter);
      t.s = 1;
    }
    if (t.s === 4) {
      vals.pop(); // the update expression's value
      t.s = 1;
    }
    if (t.s === 1) {
      if (node.test) return this.then(t, 2, node.test);
      vals.push(true);
      t.s = 2;
    }
    if (t.s === 2) {
      const c = vals.pop() as Value;
      if (!this.truthy(c)) {
        this.exitLoop(t);
        return;
      }
      this.loops[t.c as number].iterations++;
      return this.then(t, 3, node.body);
    }
    // s === 3: after the body (or a continue)
    this.curLoop = t.c as number;
    if (node.perIter) this.copyPerIter(t, node.perIter);
    this.curIter++;
    if (node.update) return this.then(t, 4, node.update);
    t.s = 1;
    this.tasks.push(t);
  }

  /** A fresh environment for the next iteration with the loop's let bindings copied (closures keep the old one). */
  private copyPerIter(t: Task, names: string[]): void {
    const e = new Env(t.env.parent);
    e.consts = t.env.consts;
    for (const nm of names) e.set(nm, t.env.get(nm)!);
    t.env = e;
  }

  protected forOfStep(t: Task, node: Extract<Stmt, { k: K.ForOf | K.ForIn }>): void {
    const vals = this.vals;
    if (t.s === 0) return this.then(t, 1, node.iter);
    if (t.s === 1) {
      const it = vals.pop() as Value;
      let items: Value[];
      if (node.k === K.ForIn) {
        if (Array.isArray(it)) {
          this.checkNoHoles(it, 'for…in', node);
          items = it.map((_, i) => String(i));
        } else if (it instanceof Obj) {
          this.checkNoAccessors(it, 'for…in', node);
          items = ownKeys(it);
        } else throw this.error('unsupported', `for…in over ${this.typeName(it)} at ${pos(node.r)}`, node.r);
      } else if (Array.isArray(it)) items = it;
      else if (it instanceof SetObj)
        items = it.items; // live, as JavaScript's Set iteration (GONE: deleted)
      else if (it instanceof MapObj || it instanceof IterObj) return this.forOfLive(t, node, it);
      else if (typeof it === 'string') items = [...it];
      else throw this.notNumber(it, node, 'an array in for…of (only arrays and strings are iterable here)');
      this.enterLoop(t, node);
      t.i = 0;
      t.c = [t.c, items];
      t.s = 2;
    }
    const c = t.c as [number, Value[], IterMode?];
    const id = c[0];
    const items = c[1];
    if (t.s === 3) this.curIter++;
    this.curLoop = id;
    while (t.i < items.length && items[t.i] === GONE) t.i++; // a Set's deleted entries
    if (t.i >= items.length) {
      this.exitLoop(t);
      return;
    }
    let v = items[t.i];
    if (c.length > 2) v = this.iterYield(v, c[2]!, node, t.i); // a Map's pairs, keys(), …
    t.i++;
    this.loops[id].iterations++;
    const env = new Env(t.env);
    t.s = 3;
    this.tasks.push(t);
    this.push(node.body, env);
    if (node.kind === undefined) this.bind(node.p, v, t.env, 'assign');
    else {
      if (node.kind === 'const') {
        env.consts = new Set();
        const names: string[] = [];
        patternNames(node.p, names);
        for (const nm of names) env.consts.add(nm);
      }
      this.bind(node.p, v, node.kind === 'var' ? t.env : env, node.kind === 'var' ? 'var' : 'let');
    }
  }

  /** for…of over a Map or a keys()/values()/entries() iterator: its live list, yielded by mode. */
  private forOfLive(t: Task, node: Extract<Stmt, { k: K.ForOf | K.ForIn }>, it: MapObj | IterObj): void {
    if (it instanceof IterObj) useIter(this, it, node);
    const items = it instanceof MapObj ? it.entries : it.list;
    this.enterLoop(t, node);
    t.i = 0;
    t.c = [t.c, items, it instanceof MapObj ? IterMode.Pair : it.mode];
    t.s = 2;
    this.tasks.push(t);
  }

  protected iterYield(v: Value, mode: IterMode, site: SiteNode, index: number): Value {
    switch (mode) {
      case IterMode.Index:
        return this.constNode(index, site);
      case IterMode.IndexPair:
        return this.newArray([this.constNode(index, site), v], site);
      case IterMode.Pair:
        return this.newArray([(v as Value[])[0], (v as Value[])[1]], site);
      case IterMode.Key:
        return (v as Value[])[0];
      case IterMode.Val:
        return (v as Value[])[1];
      case IterMode.Twice:
        return this.newArray([v, v], site);
      default:
        return v;
    }
  }

  protected whileStep(t: Task, node: Extract<Stmt, { k: K.While | K.DoWhile }>): void {
    const vals = this.vals;
    switch (t.s) {
      case 0:
        this.enterLoop(t, node);
        if (node.k === K.DoWhile) {
          this.loops[t.c as number].iterations++;
          return this.then(t, 3, node.body);
        }
        return this.then(t, 2, node.c);
      case 2: {
        const c = vals.pop() as Value;
        if (!this.truthy(c)) {
          this.exitLoop(t);
          return;
        }
        this.loops[t.c as number].iterations++;
        return this.then(t, 3, node.body);
      }
      case 3:
        this.curLoop = t.c as number;
        this.curIter++;
        return this.then(t, 2, node.c);
    }
  }

  protected switchStep(t: Task, node: Extract<Stmt, { k: K.Switch }>): void {
    const vals = this.vals;
    if (t.s === 0) {
      t.h = vals.length;
      return this.then(t, 1, node.d);
    }
    if (t.s === 1) {
      t.a = vals.pop();
      if (node.lex || node.funs) {
        t.env = new Env(t.env);
        this.declareScope(t.env, node);
      }
      t.i = 0;
      t.s = 2;
    }
    if (t.s === 2 || t.s === 3) {
      // s 3: a case test value is on the stack
      if (t.s === 3) {
        const v = vals.pop() as Value;
        if (this.strictEq(t.a as Value, v)) {
          t.s = 4;
          t.b = t.i; // start executing case t.i
          t.c = 0;
        } else t.i++;
      }
      if (t.s !== 4) {
        while (t.i < node.cases.length && !node.cases[t.i].test) t.i++;
        if (t.i < node.cases.length) {
          return this.then(t, 3, node.cases[t.i].test!);
        }
        const def = node.cases.findIndex((c) => !c.test);
        if (def < 0) return;
        t.s = 4;
        t.b = def;
        t.c = 0;
      }
    }
    // s 4: executing statements of case b, index c
    let ci = t.b as number;
    let si = t.c as number;
    while (ci < node.cases.length && si >= node.cases[ci].body.length) {
      ci++;
      si = 0;
    }
    if (ci >= node.cases.length) return;
    t.b = ci;
    t.c = si + 1;
    t.s = 4;
    this.tasks.push(t);
    this.push(node.cases[ci].body[si], t.env);
  }

  // ---- try / catch / finally, throw ----

  /**
   * try: s 1 after the block, 2 after the catch clause (both normal completions: the finally
   * block runs next), 3 after the finally block. A throw lands in s 1 (see throwValue).
   */
  protected tryStep(t: Task, node: Extract<Stmt, { k: K.Try }>): void {
    if (t.s === 0) {
      t.h = this.vals.length;
      t.s = 1;
      this.tasks.push(t);
      this.push(node.block, t.env);
      return;
    }
    if ((t.s === 1 || t.s === 2) && node.fin) {
      t.s = 3;
      this.tasks.push(t);
      this.push(node.fin, t.env);
    }
  }

  /**
   * `throw v`: unwinds to the innermost try whose block is running and has a catch clause, and
   * runs the clause with v bound (across calls, callbacks and loops, whose bookkeeping is undone
   * as a return does). Only values the program throws are caught: the interpreter's own errors
   * (budgets, refusals) are never caught, so a catch cannot hide them. A throw that would leave a
   * try…finally block is refused (its finally block would have to run first); one nothing
   * catches ends the run with the thrown message and its position.
   */
  protected throwValue(v: Value, node: SiteNode): void {
    const tasks = this.tasks;
    let k = tasks.length - 1;
    for (; k >= 0; k--) {
      const t = tasks[k];
      if (t.t === T.Stop || t.t === T.EntryCall) {
        k = -1;
        break;
      }
      if (t.t !== T.Eval || (t.n as Stmt).k !== K.Try) continue;
      const tn = t.n as Extract<Stmt, { k: K.Try }>;
      if (t.s === 1 && tn.handler) break;
      if ((t.s === 1 || t.s === 2) && tn.fin)
        throw this.error(
          'unsupported',
          `Unsupported: the throw at ${pos(node.r)} leaves the try…finally at ${pos(tn.r)}: finally blocks run only after a normal end of the try or catch block here; catch the error inside, or move the finally code after the try statement`,
          node.r,
        );
    }
    if (k < 0) {
      let msg = typeof v === 'string' ? v : this.typeName(v);
      if (v instanceof Obj) {
        const m = v.props.get('message');
        if (typeof m === 'string') msg = m;
      }
      throw this.error('runtime', `The program throws at ${pos(node.r)}: ${msg}`, node.r);
    }
    while (tasks.length > k + 1) {
      const t = tasks.pop()!;
      if (t.t === T.CallExit) {
        this.depth--;
        if (t.s === 1) this.curFrame = t.a as number;
      } else if (t.t === T.Hof) {
        const st = t.a as HofState;
        this.curLoop = st.savedLoop;
        this.curIter = st.savedIter;
      } else if (t.t === T.Eval && t.s > 0) {
        const kind = (t.n as Stmt).k;
        if (kind === K.For || kind === K.ForOf || kind === K.ForIn || kind === K.While || kind === K.DoWhile)
          this.exitLoop(t);
      }
    }
    const t = tasks[k];
    const tn = t.n as Extract<Stmt, { k: K.Try }>;
    this.vals.length = t.h;
    t.s = 2;
    const env = new Env(t.env);
    this.push(tn.handler!, env);
    if (tn.param) this.bind(tn.param, v, env, 'let');
  }

  /** A return, break or continue that would leave a try…finally block: refused (see throwValue). */
  protected leavesFinally(t: Task, what: string, site: SiteNode | undefined): void {
    const tn = t.n as Extract<Stmt, { k: K.Try }>;
    if (tn.fin && (t.s === 1 || t.s === 2))
      throw this.error(
        'unsupported',
        `Unsupported: a '${what}'${site ? ` at ${pos(site.r)}` : ''} leaves the try…finally at ${pos(tn.r)}: finally blocks run only after a normal end of the try or catch block here; move the ${what} after the try statement`,
        site?.r ?? tn.r,
      );
  }

  /** break / continue: unwinds to the loop (or labeled statement / switch). */
  protected jump(isBreak: boolean, label: string | undefined, site: SiteNode): void {
    const tasks = this.tasks;
    while (tasks.length) {
      const t = tasks.pop()!;
      if (t.t === T.CallExit || t.t === T.Hof) break;
      if (t.t !== T.Eval) continue;
      const n = t.n as Stmt;
      if (n.k === K.Try) this.leavesFinally(t, isBreak ? 'break' : 'continue', site);
      const isLoop = n.k === K.For || n.k === K.ForOf || n.k === K.ForIn || n.k === K.While || n.k === K.DoWhile;
      if (isLoop) {
        const matches = label === undefined || (n as { label?: string }).label === label;
        if (!matches) {
          if (t.s > 0) this.exitLoop(t);
          continue;
        }
        this.vals.length = t.h;
        if (isBreak) {
          this.exitLoop(t);
          return;
        }
        // continue: resume at the loop's "after body" state
        tasks.push(t);
        return;
      }
      if (n.k === K.Switch && isBreak && label === undefined) {
        this.vals.length = t.h;
        return;
      }
      if (n.k === K.Labeled && label !== undefined && n.label === label && isBreak) {
        this.vals.length = t.h;
        return;
      }
    }
    throw this.error('runtime', `'${isBreak ? 'break' : 'continue'}' outside a loop at ${pos(site.r)}`, site.r);
  }

  protected doReturn(v: Value): void {
    const tasks = this.tasks;
    while (tasks.length) {
      const t = tasks[tasks.length - 1];
      if (t.t === T.CallExit) {
        this.vals.length = t.h;
        this.vals.push(v);
        return;
      }
      tasks.pop();
      if (t.t === T.Eval && t.s > 0) {
        const k = (t.n as Stmt).k;
        if (k === K.Try) this.leavesFinally(t, 'return', undefined);
        if (k === K.For || k === K.ForOf || k === K.ForIn || k === K.While || k === K.DoWhile) this.exitLoop(t);
      }
    }
    throw new Error('internal: return outside a call');
  }
}
