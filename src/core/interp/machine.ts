/**
 * The interpreter, layer 1 of 5 (Machine → Stepper → Statements → Calls → Interp, one class chain
 * so that every method keeps its body and `this`): all of the run's state (the tape under
 * construction and its per-node facts, the task stack, budgets), tape nodes, errors, scopes and
 * name lookup, the entry (run, runSliced), the task loop and the leaf fast path. Methods of the
 * layers above that this one calls are declared abstract at the top.
 */
import { GradientLensError } from '../errors';
import type { CallFrame, ExprProgram, LoopInfo, SourceRange } from '../expr';
import { type Expr, type IrProgram, type IrTarget, K, type NumExpr, type Scope, type Stmt } from '../ir';
import { OP_LIST } from '../ops';
import { TapeBuilder } from '../tape';
import { makeGlobals, REFUSED_GLOBALS } from './builtins';
import {
  BAIL,
  COMPILED,
  type Compiled,
  type CompiledHolder,
  compileSimple,
  CONSTS,
  firstOperandsTooDeep,
  setSizeHint,
  sizeHint,
} from './compile';
import { type Budgets, DEFAULT_BUDGETS, type InterpretOptions } from './options';
import { cap, patternNames, ZERO_RANGE } from './paths';
import {
  ADD,
  BRANCH,
  Builtin,
  ClassV,
  DIV,
  Env,
  Fun,
  type HofState,
  ImportV,
  LEAF,
  MUL,
  NEG,
  Obj,
  PENDING,
  Poison,
  pos,
  type SiteNode,
  SUB,
  T,
  Task,
  TDZ,
  type Value,
  where,
} from './values';

/** Slots a site lookup probes before it appends the site again (see Machine.siteSlots). */
const SITE_PROBES = 16;

/** A hash of a site's source range (Fibonacci hashing of its start and end offsets). */
function siteHash(site: SiteNode): number {
  const r = site.r;
  return r === undefined ? 0 : Math.imul(r.start ^ Math.imul(r.end, 0x85ebca6b), 0x9e3779b1) >>> 7;
}

/** How many tie decisions a run keeps looking at (Machine.tieCandidates). */
const TIE_CANDIDATES = 4096;

export abstract class Machine {
  // Defined in ./step, ./statements, ./calls and ./interp (the layers above this one).
  protected abstract finish(target: IrTarget): ExprProgram;
  protected abstract entryCall(fun: Fun, env: Env): Generator<void, void>;
  protected abstract step(t: Task): void;
  protected abstract callExit(t: Task): void;
  protected abstract bindStep(t: Task): void;
  protected abstract paramsStep(t: Task): void;
  protected abstract hofStep(t: Task): void;
  protected abstract constructStep(t: Task): void;
  protected abstract fieldsStep(t: Task): void;
  abstract setProp(o: Value, key: string | number, v: Value, site: SiteNode): void;
  protected abstract classStep(t: Task): void;
  protected abstract assignRefStep(t: Task): void;
  protected abstract setBinding(env: Env, name: string, v: Value, mode: string): void;
  abstract steer(v: number): void;
  abstract truthy(v: Value): boolean;
  abstract orFalsy(a: Value, b: Value, site: SiteNode): Value;
  abstract toStr(v: Value, site: SiteNode): string;
  abstract key(v: Value, site: SiteNode): string | number;
  abstract strictEq(a: Value, b: Value): boolean;
  abstract binary(op: string, a: Value, b: Value, node: { r: SourceRange; t: string }): Value;
  abstract getProp(o: Value, key: string | number, site: SiteNode): Value | typeof PENDING;
  abstract frozenWrite(what: string, site: SiteNode): GradientLensError;
  abstract checkNoAccessors(o: Obj, what: string, site: SiteNode): void;
  abstract checkNoHoles(a: Value[], what: string, site: SiteNode): void;
  abstract updateValue(node: Extract<Expr, { k: K.Update }>, old: Value): number;
  abstract invoke(f: Value, thisV: Value, args: Value[], site: SiteNode, isCtor: boolean): void;
  abstract startHof(st: HofState): typeof PENDING;

  // ---- tape under construction ----
  /** The tape (op, arguments, forward values); the per-node facts below are parallel arrays. */
  protected tb = new TapeBuilder(1024, 2048);
  /** Capacity of the parallel arrays. */
  protected cap = 1024;
  protected frameOf = new Int32Array(this.cap);
  protected loopOf = new Int32Array(this.cap);
  protected iterOf = new Int32Array(this.cap);
  /** Per node: index into `sites` of the IR node that made it (label and range). */
  protected siteIx = new Int32Array(this.cap);
  protected sites: SiteNode[] = [];
  /**
   * `sites` interned by identity: an open-addressing table of 1 + index into `sites` (0: empty),
   * hashed by the site's source range (distinct sites with the same range only probe further).
   * Not a Map: on a 20,000-term sum (a site per sum and per literal, each used once) growing a
   * Map of 40,000 objects cost more than the rest of the recording. A site not found within
   * SITE_PROBES slots is appended again: a repeated entry in `sites` is harmless (it only saves
   * memory to find it), so no run of colliding ranges can make this quadratic.
   */
  protected siteSlots = new Int32Array(2048);
  /** Per node: 1 when its value steered the run (see `steer`); the highest such node. */
  protected steered = new Uint8Array(this.cap);
  protected steeredMax = -1;
  /** Input nodes: raw name and input range, value origin. */
  protected inputIx = new Int32Array(this.cap);
  protected inputInfos: Array<{
    raw: string;
    r: SourceRange;
    free: boolean;
    srcValue?: number;
    suggested?: number;
    lit?: SourceRange;
  }> = [];
  /** Per node: 0, or 1 + index into nameList (the variable name it was bound to first). */
  protected nameIx = new Int32Array(this.cap);
  protected nameList: string[] = [];
  protected nameIndex = new Map<string, number>();
  protected inputOfLiteral = new Map<NumExpr, number>();

  // ---- interpreter state ----
  protected tasks: Task[] = [];
  vals: Value[] = [];
  protected steps = 0;
  protected deadline = 0;
  /** The current slice ends at this Date.now() (interpretSlices); the one-go entry points never pause. */
  sliceEnd = Infinity;
  protected readonly startedAt = Date.now();
  protected pausedMillis = 0;
  protected pausedAtStep = -1;
  /** Count of writes to existing variables, properties and arrays (to know a failed statement changed nothing). */
  mutations = 0;
  protected depth = 0;
  frames: CallFrame[] = [];
  protected curFrame = -1;
  loops: LoopInfo[] = [];
  protected loopIds = new Map<object, number>();
  curLoop = -1;
  curIter = 0;
  protected arrays = new Map<Value[], { label: string; r: SourceRange; bound: boolean; at?: SourceRange }>();
  protected lastClosure = new Map<number, Fun>();
  protected targetValue: Value | typeof TDZ = TDZ;
  protected readonly global: Env;
  protected readonly budgets: Required<Budgets>;
  protected readonly given: Readonly<Record<string, number>>;
  /** Identities (`raw@l:c`) of inputs that must not take the plain-named value. */
  noPlain = new Set<string>();
  usedPlain = new Set<string>();
  /** Keep going after a failing top-level statement (listTargets). */
  keepGoing = false;
  /** Tgt nodes that produced a number (listTargets). */
  readonly hitTargets = new Set<object>();
  /** The target has a selection: every number its Tgt evaluates to (tape ids), in order. */
  protected selecting = false;
  protected readonly selectionHits: number[] = [];
  /**
   * Decisions taken at a tie (see TieDecision): the tape ids compared or tested, where, and how;
   * finish keeps those on numbers computed from the inputs. At most TIE_CANDIDATES (a loop
   * comparing equal constants on every pass must not grow this without bound).
   */
  protected readonly tieCandidates: Array<{ a: number; b: number; site: SiteNode; test: 'compare' | 'truth' }> = [];

  /** A comparison of equal numbers (b ≥ 0) or a number tested for truth at 0 (b = −1). */
  noteTie(a: number, b: number, site: SiteNode): void {
    if (this.tieCandidates.length < TIE_CANDIDATES)
      this.tieCandidates.push({ a, b, site, test: b < 0 ? 'truth' : 'compare' });
  }

  constructor(
    readonly ir: IrProgram,
    options: InterpretOptions = {},
  ) {
    this.budgets = {
      maxSteps: options.maxSteps ?? DEFAULT_BUDGETS.maxSteps,
      maxNodes: options.maxNodes ?? DEFAULT_BUDGETS.maxNodes,
      maxDepth: options.maxDepth ?? DEFAULT_BUDGETS.maxDepth,
      maxMillis: options.maxMillis ?? DEFAULT_BUDGETS.maxMillis,
    };
    this.deadline = Date.now() + this.budgets.maxMillis;
    this.given = options.values ?? {};
    this.global = makeGlobals(this);
    // A program run before (a re-trace, the editor's re-run after an edit) records about as
    // many nodes again, and a program not run yet about as many as the lowering made expression
    // nodes (straight-line code): start at that size instead of doubling up to it (each doubling
    // copies the arrays into fresh memory).
    const hint = sizeHint(ir);
    if (hint && hint[2] * 2 > this.siteSlots.length) {
      let slots = this.siteSlots.length;
      while (slots < hint[2] * 2) slots *= 2;
      this.siteSlots = new Int32Array(slots);
    }
    if (hint && hint[0] > this.cap) {
      const cap = Math.min(hint[0], this.budgets.maxNodes + 1);
      this.tb = new TapeBuilder(cap, hint[1]);
      this.cap = cap;
      this.frameOf = new Int32Array(cap);
      this.loopOf = new Int32Array(cap);
      this.iterOf = new Int32Array(cap);
      this.siteIx = new Int32Array(cap);
      this.inputIx = new Int32Array(cap);
      this.nameIx = new Int32Array(cap);
      this.steered = new Uint8Array(cap);
    }
  }

  // =========================================================================================
  // Tape

  /** Nodes recorded so far. */
  get n(): number {
    return this.tb.n;
  }

  /** Forward values of the nodes recorded so far (the builder's array: re-read after adding nodes). */
  get value(): Float64Array {
    return this.tb.value;
  }

  protected grow(): void {
    const cap = this.cap * 2;
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.frameOf = g32(this.frameOf);
    this.loopOf = g32(this.loopOf);
    this.iterOf = g32(this.iterOf);
    this.siteIx = g32(this.siteIx);
    this.inputIx = g32(this.inputIx);
    this.nameIx = g32(this.nameIx);
    const st = new Uint8Array(cap);
    st.set(this.steered);
    this.steered = st;
    this.cap = cap;
  }

  /** Records the per-node facts of the node about to be added (checks the node budget first). */
  protected meta(site: SiteNode): void {
    const id = this.tb.n;
    if (id === this.cap) this.grow();
    if (id >= this.budgets.maxNodes)
      throw this.budgetError('tape-size', `more than ${this.budgets.maxNodes} graph nodes`, site);
    this.frameOf[id] = this.curFrame;
    this.loopOf[id] = this.curLoop;
    this.iterOf[id] = this.curIter;
    this.siteIx[id] = this.siteIndex(site);
  }

  /** The index of `site` in `sites`, appended when not found (see siteSlots). */
  protected siteIndex(site: SiteNode): number {
    const slots = this.siteSlots;
    const mask = slots.length - 1;
    const sites = this.sites;
    let h = siteHash(site) & mask;
    for (let p = 0; p < SITE_PROBES; p++, h = (h + 1) & mask) {
      const e = slots[h];
      if (e === 0) {
        const s = sites.length;
        sites.push(site);
        slots[h] = s + 1;
        if (s * 2 >= mask) this.growSiteSlots();
        return s;
      }
      if (sites[e - 1] === site) return e - 1;
    }
    sites.push(site);
    return sites.length - 1;
  }

  /** Doubles the site table and enters every entry of `sites` again (a repeat where one is found). */
  protected growSiteSlots(): void {
    const slots = new Int32Array(this.siteSlots.length * 2);
    const mask = slots.length - 1;
    const sites = this.sites;
    for (let s = 0; s < sites.length; s++) {
      let h = siteHash(sites[s]) & mask;
      for (let p = 0; p < SITE_PROBES; p++, h = (h + 1) & mask) {
        if (slots[h] === 0) {
          slots[h] = s + 1;
          break;
        }
      }
    }
    this.siteSlots = slots;
  }

  constNode(v: number, site: SiteNode): number {
    this.meta(site);
    return this.tb.node0(LEAF, v);
  }

  node1(code: number, a: number, v: number, site: SiteNode): number {
    this.meta(site);
    return this.tb.node1(code, a, v);
  }

  node2(code: number, a: number, b: number, v: number, site: SiteNode): number {
    this.meta(site);
    return this.tb.node2(code, a, b, v);
  }

  nodeN(code: number, ids: number[], v: number, site: SiteNode): number {
    this.meta(site);
    return this.tb.nodeN(code, ids, v);
  }

  /**
   * The value of a conditional `c ? a : b`: a number the branch taken computed before the
   * conditional ran (`z > 0 ? z : 0.01 * z` returning `z`) gets a `branch` gate of its own, so the
   * conditional's value is a node distinct from `z` (the element of `h` in
   * `h = z.map(...)`: the vector view then draws a leaky-ReLU node with a diagonal ∂h/∂z).
   * `before` is the node count when the branch started.
   */
  branchValue(v: Value, before: number, site: SiteNode): Value {
    return typeof v === 'number' && v < before ? this.node1(BRANCH, v, this.value[v], site) : v;
  }

  /** Applies op `code` (unary or binary) to node ids, computing the forward value. */
  apply1(code: number, a: number, site: SiteNode): number {
    const va = this.value[a];
    const v = code === NEG ? -va : OP_LIST[code].forward(va, 0, 0);
    return this.node1(code, a, v, site);
  }

  apply2(code: number, a: number, b: number, site: SiteNode): number {
    const va = this.value[a];
    const vb = this.value[b];
    let v: number;
    switch (code) {
      case ADD:
        v = va + vb;
        break;
      case SUB:
        v = va - vb;
        break;
      case MUL:
        v = va * vb;
        break;
      case DIV:
        v = va / vb;
        break;
      default:
        v = OP_LIST[code].forward(va, vb, 0);
    }
    return this.node2(code, a, b, v, site);
  }

  inputNode(
    raw: string,
    r: SourceRange,
    sourceValue: number | undefined,
    site: SiteNode,
    suggested?: number,
    literal?: SourceRange,
  ): number {
    const id = `${raw}@${r.line}:${r.column}`;
    let v: number | undefined = Object.prototype.hasOwnProperty.call(this.given, id) ? this.given[id] : undefined;
    if (v === undefined && !this.noPlain.has(id) && Object.prototype.hasOwnProperty.call(this.given, raw)) {
      v = this.given[raw];
      this.usedPlain.add(id);
    }
    if (v === undefined) v = sourceValue ?? suggested ?? 1;
    const node = this.constNode(v, site);
    const info: (typeof this.inputInfos)[number] = { raw, r, free: sourceValue === undefined };
    if (sourceValue !== undefined) info.srcValue = sourceValue;
    if (literal !== undefined) info.lit = literal;
    if (suggested !== undefined) info.suggested = suggested;
    this.inputInfos.push(info);
    this.inputIx[node] = this.inputInfos.length;
    return node;
  }

  // =========================================================================================
  // Errors

  error(
    code: 'unsupported' | 'runtime' | 'unknown-name' | 'unknown-call',
    message: string,
    r: SourceRange,
    details?: string[],
  ): GradientLensError {
    return new GradientLensError(code, message, where(r), details);
  }

  protected budgetError(what: string, detail: string, site: SiteNode): GradientLensError {
    // Name the innermost loop, else the innermost call.
    let place: string;
    let r: SourceRange;
    if (this.curLoop >= 0) {
      const l = this.loops[this.curLoop];
      place = `the loop "${l.label}" at ${pos(l.range)}`;
      r = l.range;
    } else if (this.curFrame >= 0) {
      const f = this.frames[this.curFrame];
      place = `the call of '${f.fn}' at ${pos(f.range)}`;
      r = f.range;
    } else {
      place = `${pos(site.r)}`;
      r = site.r;
    }
    return new GradientLensError(
      'budget',
      `The program exceeds the ${what} budget (${detail}) in ${place}: is the loop or recursion endless? ` +
        'Make it smaller, or raise the budget in the settings.',
      where(r),
    );
  }

  protected typeName(v: Value): string {
    if (v === undefined) return 'undefined';
    if (v === null) return 'null';
    if (typeof v === 'number') return 'a number';
    if (typeof v === 'string') return 'a string';
    if (typeof v === 'boolean') return 'a boolean';
    if (Array.isArray(v)) return 'an array';
    if (v instanceof Fun || v instanceof Builtin) return 'a function';
    if (v instanceof ClassV) return 'a class';
    if (v instanceof ImportV) return `'${v.name}' imported from '${v.from}'`;
    return 'an object';
  }

  /** A number (node id) or an error naming the construct and what the value was instead. */
  num(v: Value, site: SiteNode, what = 'a number'): number {
    if (typeof v === 'number') return v;
    throw this.notNumber(v, site, what);
  }

  protected notNumber(v: Value, site: SiteNode, what: string): GradientLensError {
    if (v instanceof Poison) return v.error;
    if (v instanceof ImportV) return this.importError(v);
    const text = site.t ? `"${site.t}" ` : '';
    const hint =
      v === undefined
        ? ': JavaScript would compute NaN. Check array bounds, missing arguments and that every variable has a value'
        : typeof v === 'boolean'
          ? ': booleans are not converted to numbers here; write `cond ? 1 : 0`'
          : typeof v === 'string'
            ? ': strings are never converted to numbers here'
            : Array.isArray(v)
              ? ': JavaScript would turn it into a string first; index it (a[0]) or reduce it to a number'
              : v instanceof Obj
                ? ': objects are never converted to numbers here (JavaScript would call their valueOf or toString); read a number field, or call valueOf() yourself'
                : '';
    return this.error(
      'unsupported',
      `${cap(this.typeName(v))} is used as ${what} in ${text}at ${pos(site.r)}${hint}`,
      site.r,
    );
  }

  importError(v: ImportV): GradientLensError {
    return this.error(
      'unsupported',
      `'${v.name}' is imported from '${v.from}' (at ${pos(v.r)}), which Gradient Lens cannot see: declare it in this file`,
      v.r,
      [v.name],
    );
  }

  // =========================================================================================
  // Environments

  lookup(env: Env, name: string, site: SiteNode): Value {
    for (let e: Env | undefined = env; e; e = e.parent) {
      const i = e.idx(name);
      if (i >= 0) {
        const v = e.vals[i];
        if (v === TDZ) {
          throw this.error(
            'runtime',
            `'${name}' is used before its declaration at ${pos(site.r)}: JavaScript throws a ReferenceError here; move the declaration up`,
            site.r,
            [name],
          );
        }
        if (v instanceof Poison) throw v.error;
        return v;
      }
    }
    if (name === 'arguments')
      throw this.error('unsupported', `'arguments' at ${pos(site.r)}: use a rest parameter (...args)`, site.r);
    const refused = REFUSED_GLOBALS[name];
    if (refused) throw this.error('unsupported', `Unsupported: '${name}' at ${pos(site.r)}: ${refused}`, site.r);
    throw this.error('unknown-name', `Unknown name '${name}' at ${pos(site.r)}`, site.r, [name]);
  }

  assignVar(env: Env, name: string, v: Value, site: SiteNode): void {
    for (let e: Env | undefined = env; e; e = e.parent) {
      if (e.has(name)) {
        if (e.get(name) === TDZ) {
          throw this.error('runtime', `'${name}' is assigned before its declaration at ${pos(site.r)}`, site.r, [name]);
        }
        if (e.consts?.has(name) || e === this.global) {
          throw this.error(
            'runtime',
            `Assignment to constant '${name}' at ${pos(site.r)}: declare it with let`,
            site.r,
            [name],
          );
        }
        e.set(name, v);
        this.mutations++;
        this.nameValue(v, name);
        return;
      }
    }
    throw this.error(
      'unknown-name',
      `Assignment to undeclared name '${name}' at ${pos(site.r)}: declare it with let`,
      site.r,
      [name],
    );
  }

  /** Gives a number node its variable name (the first one) and an array its label. */
  protected nameValue(v: Value, name: string): void {
    if (typeof v === 'number') {
      if (this.nameIx[v] === 0 && this.inputIx[v] === 0) {
        let k = this.nameIndex.get(name);
        if (k === undefined) {
          this.nameList.push(name);
          k = this.nameList.length;
          this.nameIndex.set(name, k);
        }
        this.nameIx[v] = k;
      }
    } else if (Array.isArray(v)) {
      const info = this.arrays.get(v);
      if (info && !info.bound) {
        info.label = name;
        info.bound = true;
      }
    } else if (v instanceof Obj && v.label === undefined) {
      v.label = name;
    }
  }

  protected declareScope(env: Env, scope: Scope): void {
    if (scope.lex) {
      if (env.names.length === 0 && env.index === undefined && !scope.funs) {
        // A fresh scope: its names are the scope's (copied on the first other name).
        env.names = scope.lex;
        env.sharedNames = true;
        const vals: Array<Value | typeof TDZ> = new Array(scope.lex.length);
        for (let i = 0; i < vals.length; i++) vals[i] = TDZ;
        env.vals = vals;
      } else for (const name of scope.lex) env.set(name, TDZ);
    }
    if (scope.consts) {
      if (env.consts === undefined) {
        // One read-only set per scope, shared by every activation.
        const holder = scope as Scope & { [CONSTS]?: Set<string> };
        let set = holder[CONSTS];
        if (!set) {
          set = new Set(scope.consts);
          Object.defineProperty(holder, CONSTS, { value: set, enumerable: false });
        }
        env.consts = set;
      } else env.consts = new Set([...env.consts, ...scope.consts]);
    }
    if (scope.funs) for (const [name, fi] of scope.funs) env.set(name, this.closure(fi, env));
  }

  closure(fi: number, env: Env): Fun {
    const f = new Fun(fi, this.ir.functions[fi], env);
    this.lastClosure.set(fi, f);
    return f;
  }

  // =========================================================================================
  // Arrays

  newArray(items: Value[], site: SiteNode, label?: string): Value[] {
    this.arrays.set(items, { label: label ?? site.t ?? '(array)', r: site.r, bound: false });
    return items;
  }

  // =========================================================================================
  // Entry

  /** Runs the program for `target`; returns the ExprProgram. */
  run(target: IrTarget): ExprProgram {
    this.runOnly(target);
    return this.finish(target);
  }

  /** Runs the program for `target` (the target's value is kept, no ExprProgram is built). */
  runOnly(target: IrTarget): void {
    const run = this.runSlices(target);
    while (!run.next().done); // sliceEnd is Infinity here: never pauses
  }

  /** `run` in slices: pauses (yields) when the step that passes `sliceEnd` comes; resumable. */
  *runSliced(target: IrTarget): Generator<void, ExprProgram> {
    yield* this.runSlices(target);
    return this.finish(target);
  }

  /** Run time so far (ms, waits between slices not counted), steps and tape nodes. */
  progress(): { millis: number; steps: number; nodes: number } {
    return { millis: Date.now() - this.startedAt - this.pausedMillis, steps: this.steps, nodes: this.n };
  }

  /** A pause between slices ends: its time does not count against the time budget. */
  resumeAfter(pausedMillis: number): void {
    this.deadline += pausedMillis;
    this.pausedMillis += pausedMillis;
  }

  protected *runSlices(target: IrTarget): Generator<void, void> {
    this.selecting = target.selection !== undefined;
    const topEnv = new Env(this.global);
    this.declareScope(topEnv, this.ir);
    if (this.ir.vars) for (const v of this.ir.vars) if (!topEnv.has(v)) topEnv.set(v, undefined);
    const body = this.ir.body;
    const last =
      target.fn === undefined && target.stmt !== undefined && target.stmt >= 0 ? target.stmt : body.length - 1;
    for (let i = 0; i <= last; i++) {
      const st = body[i];
      if (!st) continue;
      const before = this.mutations;
      try {
        yield* this.exec(st, topEnv);
      } catch (e) {
        // A declaration before the target that fails without having changed anything (an unknown
        // name, a call of something unsupported, ...): its names stay poisoned (using them gives
        // this error) and the run goes on, as when the declaration is simply not needed.
        const tolerable =
          e instanceof GradientLensError &&
          e.code !== 'budget' &&
          (i < last || this.keepGoing) &&
          this.mutations === before &&
          (st.k === K.Var || st.k === K.ClassDecl || st.k === K.Bad);
        if (!tolerable) throw e;
        this.tasks.length = 0;
        this.vals.length = 0;
        this.depth = 0;
        this.curFrame = -1;
        this.curLoop = -1;
        this.curIter = 0;
        const names: string[] = [];
        if (st.k === K.Var) for (const d of st.decls) patternNames(d.p, names);
        else if (st.k === K.ClassDecl) names.push(st.name);
        else if (st.k === K.Bad) names.push(...(st.names ?? []));
        for (const nm of names) topEnv.set(nm, new Poison(e as GradientLensError));
      }
    }
    if (target.fn !== undefined) {
      const fun = this.lastClosure.get(target.fn);
      const fn = this.ir.functions[target.fn];
      if (!fun) {
        throw new GradientLensError(
          'no-expression',
          `The function '${fn.name}' at ${pos(fn.r)} is not created by the file's top level, so it cannot be called on its own: select a function declared at top level, or an expression that calls it`,
          where(fn.r),
        );
      }
      const owner = this.ir.classes.find((c) => c.ctor === target.fn || c.members.some((m) => m.fn === target.fn));
      if (owner) {
        const what =
          owner.ctor === target.fn
            ? `The constructor of class ${owner.name}`
            : `The method '${fn.name}' of class ${owner.name}`;
        throw new GradientLensError(
          'no-expression',
          `${what} at ${pos(fn.r)} runs on an object ('this'), so it cannot be called on its own: select an expression that uses it (e.g. a top-level 'const n = new ${owner.name}(…)' and what is computed from it), or a function declared at top level`,
          where(fn.r),
        );
      }
      this.targetValue = TDZ;
      yield* this.entryCall(fun, topEnv);
      const ret = this.vals.pop() as Value;
      if (!target.expr) this.targetValue = ret;
    }
    setSizeHint(this.ir, this.tb.n, this.tb.e, this.sites.length);
  }

  protected *exec(st: Stmt, env: Env): Generator<void, void> {
    this.tasks.push(new Task(T.Eval, st, env));
    while (!this.loop()) yield;
  }

  // =========================================================================================
  // The machine

  /** Runs tasks until none is left (true) or the slice ends (false: resumable, nothing lost). */
  protected loop(): boolean {
    const tasks = this.tasks;
    const vals = this.vals;
    const maxSteps = this.budgets.maxSteps;
    while (tasks.length > 0) {
      // Budgets and the slice's end are checked every 4,096 steps (a few ms at most).
      if ((++this.steps & 0xfff) === 0) {
        const site = (tasks[tasks.length - 1].n as SiteNode) ?? { r: ZERO_RANGE };
        if (this.steps > maxSteps) throw this.budgetError('step', `${maxSteps} steps`, site);
        if (Date.now() > this.deadline) throw this.budgetError('time', `${this.budgets.maxMillis} ms`, site);
        if (Date.now() >= this.sliceEnd && this.pausedAtStep !== this.steps) {
          this.pausedAtStep = this.steps--; // counted again, and not paused at, when the run resumes
          return false;
        }
      }
      const t = tasks.pop()!;
      switch (t.t) {
        case T.Eval:
          this.step(t);
          break;
        case T.CallExit:
          this.callExit(t);
          break;
        case T.Bind:
          this.bindStep(t);
          break;
        case T.Params:
          this.paramsStep(t);
          break;
        case T.Hof:
          this.hofStep(t);
          break;
        case T.Construct:
          this.constructStep(t);
          break;
        case T.Fields:
          this.fieldsStep(t);
          break;
        case T.Discard:
          vals.pop();
          break;
        case T.Stop:
          return true;
        case T.SetProp: {
          const v = vals.pop();
          this.setProp(t.a as Value, t.b as string | number, v, t.n as SiteNode);
          break;
        }
        case T.ClassDef:
          this.classStep(t);
          break;
        case T.EntryCall:
          break;
        case T.AssignRef:
          this.assignRefStep(t);
          break;
      }
    }
    return true;
  }

  protected push(n: Expr | Stmt, env: Env): void {
    if (this.leaf(n, env)) return;
    this.tasks.push(new Task(T.Eval, n, env));
  }

  /** Re-schedules task `t` at state `s`, then evaluates `n`. */
  protected then(t: Task, s: number, n: Expr | Stmt | undefined, env: Env = t.env): void {
    t.s = s;
    this.tasks.push(t);
    if (n && !this.leaf(n, env)) this.tasks.push(new Task(T.Eval, n, env));
  }

  /**
   * Runs a statement at once when it is an expression statement or a let/const of names whose
   * expressions compile (the usual loop body line); false when it needs the task machine.
   */
  protected inlineStmt(st: Stmt, env: Env): boolean {
    if (st.k === K.ExprStmt) {
      const before = this.vals.length;
      if (!this.leaf(st.e, env)) return false;
      this.vals.length = before;
      return true;
    }
    if (st.k !== K.Var || st.kind === 'var' || st.declare || st.decls.length !== 1) return false;
    const d = st.decls[0];
    if (d.p.k !== K.PId || !d.init) return false;
    if (!this.leaf(d.init, env)) return false;
    const v = this.vals.pop() as Value;
    if (v instanceof Fun && v.fn.name === '(anonymous)') v.fn.name = d.p.name;
    this.setBinding(env, d.p.name, v, st.kind);
    return true;
  }

  /**
   * The closure compileSimple makes of `n`, compiled on the first call and kept on the node; null
   * when it has none (not simple, or nested too deep: that answer is not kept, since a property
   * added to each of the 20,000 sums of a long chain costs more than the few steps of asking again).
   */
  protected compiled(n: Expr): Compiled | null {
    const c = (n as CompiledHolder)[COMPILED];
    if (c !== undefined) return c;
    if (firstOperandsTooDeep(n)) return null;
    const f = compileSimple(n);
    (n as CompiledHolder)[COMPILED] = f;
    return f;
  }

  /** Evaluates a leaf expression right away (no task): literals, names, compiled simple expressions. */
  protected leaf(n: Expr | Stmt, env: Env): boolean {
    const c = (n as CompiledHolder)[COMPILED];
    if (c !== undefined) {
      if (c === null) return false;
      try {
        this.vals.push(c(this, env));
        return true;
      } catch (e) {
        if (e !== BAIL) throw e;
        (n as CompiledHolder)[COMPILED] = null; // a getter or a call of a user function: the slow path
        return false;
      }
    }
    if (n.k >= 50) return false;
    switch (n.k) {
      case K.Bin:
      case K.Unary:
      case K.Update:
      case K.Assign:
      case K.Member:
      case K.Index:
      case K.Call:
      case K.Logic:
      case K.Cond:
        return this.compiled(n) !== null && this.leaf(n, env);
    }
    switch (n.k) {
      case K.Num:
        if (n.input !== undefined) return false;
        this.vals.push(this.constNode(n.v, n));
        return true;
      case K.Ident:
        this.vals.push(this.lookup(env, n.name, n));
        return true;
      case K.Str:
      case K.Bool:
        this.vals.push(n.v);
        return true;
      default:
        return false;
    }
  }
}
