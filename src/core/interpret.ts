/**
 * The program interpreter: runs the IR (src/core/ir.ts) define-by-run, like PyTorch's eager
 * autograd, and records every number as a tape node. Control flow (`if`, loops, `?:`, `&&`,
 * comparisons) is decided by the forward values; the tape records what was computed.
 *
 * Nothing of the user's program is executed by JavaScript: this is an interpreter over our own
 * IR with an allowlisted set of builtins (no real globals, no I/O, no clock, no randomness).
 * It never recurses over the user's structures: one loop pops tasks from an explicit stack;
 * user calls, callbacks (map, reduce, ...), getters and constructors are tasks too.
 *
 * The result is the same ExprProgram the rest of the product consumes (nodes in topological
 * order, call frames, target), reduced to the nodes the target depends on, plus loops, arrays,
 * per-node loop/iteration, and `source` (the IR, the target and the traced input values) so
 * that `evaluate` can re-trace when input values change.
 */
import { GradientLensError } from './errors';
import type {
  ArrayGroup,
  CallFrame,
  ExprNode,
  ExprProgram,
  InputNode,
  LoopInfo,
  SourceRange,
  TargetSelection,
} from './expr';
import {
  K,
  type Expr,
  type IrClass,
  type IrFunction,
  type IrProgram,
  type IrTarget,
  type NumExpr,
  type Pattern,
  type Scope,
  type Stmt,
} from './ir';
import { MATH_CONSTANTS, OP_CODE, OP_LIST } from './ops';
import { TapeBuilder, rememberCompiled, type Tape } from './tape';

// ---------------------------------------------------------------------------------------------
// Options and results

export interface Budgets {
  /** Interpreter steps (one per task). Default 60,000,000 (about a second or two). */
  maxSteps?: number;
  /** Tape nodes recorded during the run. Default 8,000,000. */
  maxNodes?: number;
  /** Depth of user function calls. Default 10,000. */
  maxDepth?: number;
  /**
   * Milliseconds of running for one run. Default 5,000 (the editor passes its own, ~1 s). A run in
   * slices (interpretSlices) counts the time its slices run, not the waits between them.
   */
  maxMillis?: number;
}

export const DEFAULT_BUDGETS: Required<Budgets> = {
  maxSteps: 100_000_000,
  maxNodes: 8_000_000,
  maxDepth: 10_000,
  maxMillis: 5_000,
};

export interface InterpretOptions extends Budgets {
  /**
   * Values for named inputs by name: the plain access path (`w[0]`, `p.x`) or the qualified
   * name `path@line:column` for inputs whose plain name is taken. For a free parameter `w`,
   * keys `w[0]`, `w[1][2]`, `w.x` give it the shape of an array / object of numbers.
   */
  values?: Readonly<Record<string, number>>;
}

/** The IR and target a program was traced from, and the input values of that trace. */
export interface ProgramSource {
  ir: IrProgram;
  target: IrTarget;
  /** Value of every input of the trace, by input name. */
  traced: Record<string, number>;
  /** Names of the free parameters of a function target (their keys shape arrays/objects). */
  params?: string[];
  /**
   * Inputs whose values steered the run (a branch, a loop bound, an index, a number turned into
   * text: every read of a number's value off the tape records it in `steer`). Changing only other
   * inputs cannot change the run's course, so the program need not be traced again for them.
   */
  steering?: string[];
  budgets?: Budgets;
}

// ---------------------------------------------------------------------------------------------
// Runtime values. A number is a tape node id (a JS number); everything else is inert.

const TDZ: unique symbol = Symbol('tdz');

/**
 * A scope's bindings: parallel arrays searched linearly while small (most scopes hold a few
 * names; interned strings compare by pointer), a Map index once large (the file's top level).
 */
class Env {
  names: string[] = [];
  vals: Array<Value | typeof TDZ> = [];
  index: Map<string, number> | undefined = undefined;
  /** `names` is a scope's own list (shared): copy before adding a name. */
  sharedNames = false;
  consts: Set<string> | undefined = undefined;
  constructor(readonly parent: Env | undefined) {}

  idx(name: string): number {
    const m = this.index;
    if (m !== undefined) {
      const i = m.get(name);
      return i === undefined ? -1 : i;
    }
    const ns = this.names;
    for (let i = 0; i < ns.length; i++) if (ns[i] === name) return i;
    return -1;
  }

  get(name: string): Value | typeof TDZ {
    const i = this.idx(name);
    return i < 0 ? undefined : this.vals[i];
  }

  has(name: string): boolean {
    return this.idx(name) >= 0;
  }

  set(name: string, v: Value | typeof TDZ): void {
    const i = this.idx(name);
    if (i >= 0) {
      this.vals[i] = v;
      return;
    }
    if (this.sharedNames) {
      this.names = this.names.slice();
      this.sharedNames = false;
    }
    this.names.push(name);
    this.vals.push(v);
    const n = this.names.length;
    if (this.index !== undefined) this.index.set(name, n - 1);
    else if (n > 12) {
      this.index = new Map();
      for (let k = 0; k < n; k++) this.index.set(this.names[k], k);
    }
  }
}

class Obj {
  readonly props = new Map<string, Value>();
  acc: Map<string, { get?: Fun; set?: Fun }> | undefined;
  label: string | undefined;
  constructor(public proto: Obj | undefined) {}
}

class Fun {
  /** The class a method or constructor belongs to (for `super`). */
  home: ClassV | undefined;
  isCtor = false;
  constructor(
    readonly fi: number,
    readonly fn: IrFunction,
    readonly env: Env,
  ) {}
}

type BuiltinImpl = (it: Interp, thisV: Value, args: Value[], site: SiteNode) => Value | typeof PENDING;

class Builtin {
  constructor(
    readonly name: string,
    readonly impl: BuiltinImpl,
  ) {}
}

class ClassV {
  readonly proto: Obj;
  readonly statics: Obj;
  ctor: Fun | undefined;
  constructor(
    readonly cls: IrClass,
    readonly parent: ClassV | undefined,
    readonly env: Env,
  ) {
    this.proto = new Obj(parent?.proto);
    this.statics = new Obj(parent?.statics);
  }
}

class ImportV {
  constructor(
    readonly name: string,
    readonly from: string,
    readonly r: SourceRange,
  ) {}
}

class Poison {
  constructor(readonly error: GradientLensError) {}
}

type Value = number | string | boolean | undefined | null | Value[] | Obj | Fun | Builtin | ClassV | ImportV | Poison;

const PENDING: unique symbol = Symbol('pending');

type SiteNode = { r: SourceRange; t?: string };

// ---------------------------------------------------------------------------------------------
// Tasks

const enum T {
  Eval = 0, // evaluate an expression / execute a statement: n is the IR node, s its state
  CallExit = 1,
  Bind = 2,
  Params = 3,
  Hof = 4,
  Construct = 5,
  Fields = 6,
  Discard = 7,
  Stop = 8,
  SetProp = 9,
  ClassDef = 10,
  EntryCall = 11,
  AssignRef = 12,
}

class Task {
  s = 0;
  h = 0;
  i = 0;
  a: unknown = undefined;
  b: unknown = undefined;
  c: unknown = undefined;
  constructor(
    public t: T,
    public n: unknown,
    public env: Env,
  ) {}
}

interface HofState {
  kind: string;
  arr: Value[];
  fn: Value;
  out: Value[] | undefined;
  acc: Value;
  hasAcc: boolean;
  n: number;
  loop: number;
  savedLoop: number;
  savedIter: number;
  site: SiteNode;
  /** Source array for Array.from({length}), or the array itself. */
  from: 'arr' | 'length';
  thisArg?: Value;
}

// ---------------------------------------------------------------------------------------------

const LEAF = -1;
const ADD = OP_CODE.add,
  SUB = OP_CODE.sub,
  MUL = OP_CODE.mul,
  DIV = OP_CODE.div,
  MOD = OP_CODE.mod,
  POW = OP_CODE.pow,
  NEG = OP_CODE.neg,
  POS = OP_CODE.pos;

const BIN_OPS: Record<string, number> = { '+': ADD, '-': SUB, '*': MUL, '/': DIV, '%': MOD, '**': POW };

function pos(r: SourceRange): string {
  return `${r.line}:${r.column}`;
}

function where(r: SourceRange): { line: number; column: number; start: number; end: number } {
  return { line: r.line, column: r.column, start: r.start, end: r.end };
}

export class Interp {
  // ---- tape under construction ----
  /** The tape (op, arguments, forward values); the per-node facts below are parallel arrays. */
  private tb = new TapeBuilder(1024, 2048);
  /** Capacity of the parallel arrays. */
  private cap = 1024;
  private frameOf = new Int32Array(this.cap);
  private loopOf = new Int32Array(this.cap);
  private iterOf = new Int32Array(this.cap);
  /** Per node: index into `sites` of the IR node that made it (label and range). */
  private siteIx = new Int32Array(this.cap);
  private sites: SiteNode[] = [];
  private siteIds = new Map<SiteNode, number>();
  /** Per node: 1 when its value steered the run (see `steer`); the highest such node. */
  private steered = new Uint8Array(this.cap);
  private steeredMax = -1;
  /** Input nodes: raw name and input range, value origin. */
  private inputIx = new Int32Array(this.cap);
  private inputInfos: Array<{
    raw: string;
    r: SourceRange;
    free: boolean;
    srcValue?: number;
    suggested?: number;
    lit?: SourceRange;
  }> = [];
  /** Per node: 0, or 1 + index into nameList (the variable name it was bound to first). */
  private nameIx = new Int32Array(this.cap);
  private nameList: string[] = [];
  private nameIndex = new Map<string, number>();
  private inputOfLiteral = new Map<NumExpr, number>();

  // ---- interpreter state ----
  private tasks: Task[] = [];
  vals: Value[] = [];
  private steps = 0;
  private deadline = 0;
  /** The current slice ends at this Date.now() (interpretSlices); the one-go entry points never pause. */
  sliceEnd = Infinity;
  private readonly startedAt = Date.now();
  private pausedMillis = 0;
  private pausedAtStep = -1;
  /** Count of writes to existing variables, properties and arrays (to know a failed statement changed nothing). */
  mutations = 0;
  private depth = 0;
  frames: CallFrame[] = [];
  private curFrame = -1;
  loops: LoopInfo[] = [];
  private loopIds = new Map<object, number>();
  curLoop = -1;
  curIter = 0;
  private arrays = new Map<Value[], { label: string; r: SourceRange; bound: boolean }>();
  private lastClosure = new Map<number, Fun>();
  private targetValue: Value | typeof TDZ = TDZ;
  private readonly global: Env;
  private readonly budgets: Required<Budgets>;
  private readonly given: Readonly<Record<string, number>>;
  /** Identities (`raw@l:c`) of inputs that must not take the plain-named value. */
  noPlain = new Set<string>();
  usedPlain = new Set<string>();
  /** Keep going after a failing top-level statement (listTargets). */
  keepGoing = false;
  /** Tgt nodes that produced a number (listTargets). */
  readonly hitTargets = new Set<object>();
  /** The target has a selection: every number its Tgt evaluates to (tape ids), in order. */
  private selecting = false;
  private readonly selectionHits: number[] = [];

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
    // many nodes again: start at that size instead of doubling up to it.
    const hint = (ir as IrProgram & { [SIZE_HINT]?: [number, number] })[SIZE_HINT];
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

  private grow(): void {
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
  private meta(site: SiteNode): void {
    const id = this.tb.n;
    if (id === this.cap) this.grow();
    if (id >= this.budgets.maxNodes)
      throw this.budgetError('tape-size', `more than ${this.budgets.maxNodes} graph nodes`, site);
    this.frameOf[id] = this.curFrame;
    this.loopOf[id] = this.curLoop;
    this.iterOf[id] = this.curIter;
    let s = this.siteIds.get(site);
    if (s === undefined) {
      s = this.sites.length;
      this.sites.push(site);
      this.siteIds.set(site, s);
    }
    this.siteIx[id] = s;
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

  private budgetError(what: string, detail: string, site: SiteNode): GradientLensError {
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

  private typeName(v: Value): string {
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

  private notNumber(v: Value, site: SiteNode, what: string): GradientLensError {
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
  private nameValue(v: Value, name: string): void {
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

  private declareScope(env: Env, scope: Scope): void {
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

  private *runSlices(target: IrTarget): Generator<void, void> {
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
      this.targetValue = TDZ;
      yield* this.entryCall(fun, topEnv);
      const ret = this.vals.pop() as Value;
      if (!target.expr) this.targetValue = ret;
    }
    const holder = this.ir as IrProgram & { [SIZE_HINT]?: [number, number] };
    if (!holder[SIZE_HINT]) Object.defineProperty(holder, SIZE_HINT, { value: [0, 0], enumerable: false });
    holder[SIZE_HINT]![0] = this.tb.n;
    holder[SIZE_HINT]![1] = this.tb.e;
  }

  private *exec(st: Stmt, env: Env): Generator<void, void> {
    this.tasks.push(new Task(T.Eval, st, env));
    while (!this.loop()) yield;
  }

  // =========================================================================================
  // The machine

  /** Runs tasks until none is left (true) or the slice ends (false: resumable, nothing lost). */
  private loop(): boolean {
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

  private push(n: Expr | Stmt, env: Env): void {
    if (this.leaf(n, env)) return;
    this.tasks.push(new Task(T.Eval, n, env));
  }

  /** Re-schedules task `t` at state `s`, then evaluates `n`. */
  private then(t: Task, s: number, n: Expr | Stmt | undefined, env: Env = t.env): void {
    t.s = s;
    this.tasks.push(t);
    if (n && !this.leaf(n, env)) this.tasks.push(new Task(T.Eval, n, env));
  }

  /**
   * Runs a statement at once when it is an expression statement or a let/const of names whose
   * expressions compile (the usual loop body line); false when it needs the task machine.
   */
  private inlineStmt(st: Stmt, env: Env): boolean {
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

  /** Evaluates a leaf expression right away (no task): literals, names, compiled simple expressions. */
  private leaf(n: Expr | Stmt, env: Env): boolean {
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
      case K.Cond: {
        // Not cached on the node (a property added to each of the 20,000 sums of a long chain):
        // a few steps each time.
        if (firstOperandsTooDeep(n)) return false;
        const f = compileSimple(n);
        (n as CompiledHolder)[COMPILED] = f;
        if (f === null) return false;
        return this.leaf(n, env);
      }
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

  private step(t: Task): void {
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
        if (t.s === 0) return this.then(t, 1, node.a);
        if (t.s === 1) return this.then(t, 2, node.b);
        {
          const b = vals.pop() as Value;
          const a = vals.pop() as Value;
          vals.push(this.binary(node.op, a, b, node));
        }
        return;
      case K.Logic: {
        if (t.s === 0) return this.then(t, 1, node.a);
        const a = vals[vals.length - 1];
        const short =
          node.op === '&&' ? !this.truthy(a) : node.op === '||' ? this.truthy(a) : a !== undefined && a !== null;
        if (short) return;
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
        const c = vals.pop() as Value;
        this.push(this.truthy(c) ? node.a : node.b, t.env);
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
        if (node.opt && (o === undefined || o === null)) {
          vals.push(undefined);
          return;
        }
        const v = this.getProp(o, node.name, node);
        if (v !== PENDING) vals.push(v);
        return;
      }
      case K.Index: {
        if (t.s === 0) return this.then(t, 1, node.o);
        if (t.s === 1) return this.then(t, 2, node.i);
        const i = vals.pop() as Value;
        const o = vals.pop() as Value;
        if (node.opt && (o === undefined || o === null)) {
          vals.push(undefined);
          return;
        }
        const v = this.getProp(o, this.key(i, node), node);
        if (v !== PENDING) vals.push(v);
        return;
      }
      case K.SuperMember: {
        const home = this.lookupHome(t.env, node);
        const thisV = this.lookupThis(t.env, node);
        const v = this.getFromObj(home.parent!.proto, node.name, thisV, node);
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
        vals.push(this.newArray(items, node));
        return;
      }
      case K.Obj: {
        // state: i = property index; s = 1 evaluating key, 2 evaluating value
        if (t.s === 0) {
          t.a = new Obj(OBJECT_PROTO);
          t.s = 1;
          t.i = 0;
        }
        const obj = t.a as Obj;
        if (t.s === 2) {
          // a value (and maybe a computed key below it) is on the stack
          const p = node.props[t.i];
          const v = vals.pop() as Value;
          if (p.kind === 'spread') {
            this.spreadInto(obj, v, node);
          } else {
            const key = typeof p.key === 'string' ? p.key : this.key(vals.pop() as Value, node);
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
          t.s = 2;
          this.tasks.push(t);
          this.push((p as { v: Expr }).v, t.env);
          if (p.kind === 'init' && typeof p.key !== 'string') this.push(p.key, t.env);
          return;
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
        const v = vals.pop() as Value;
        let msg = typeof v === 'string' ? v : this.typeName(v);
        if (v instanceof Obj) {
          const m = v.props.get('message');
          if (typeof m === 'string') msg = m;
        }
        throw this.error('runtime', `The program throws at ${pos(node.r)}: ${msg}`, node.r);
      }
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
  steer(v: number): void {
    this.steered[v] = 1;
    if (v > this.steeredMax) this.steeredMax = v;
  }

  truthy(v: Value): boolean {
    if (typeof v === 'number') {
      this.steer(v);
      const x = this.value[v];
      return x !== 0 && x === x;
    }
    if (v instanceof Poison) throw v.error;
    if (v instanceof ImportV) throw this.importError(v);
    return !!v;
  }

  private typeOf(v: Value): string {
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
    return v instanceof Obj ? '[object Object]' : 'function';
  }

  key(v: Value, site: SiteNode): string | number {
    if (typeof v === 'number') {
      this.steer(v);
      return this.value[v];
    }
    if (typeof v === 'string') return v;
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
        return this.strictEq(a, b);
      case '!==':
        return !this.strictEq(a, b);
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
        if (Array.isArray(b)) return k === 'length' || (typeof k === 'number' ? k in b : String(k) in b);
        if (b instanceof Obj) {
          for (let o: Obj | undefined = b; o; o = o.proto)
            if (o.props.has(String(k)) || o.acc?.has(String(k))) return true;
          return false;
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
        throw this.error('unsupported', `'instanceof' of ${this.typeName(b)} at ${pos(node.r)}`, node.r);
      }
    }
    throw this.error('unsupported', `Unsupported operator '${op}' at ${pos(node.r)}`, node.r);
  }

  /** The error for a non-number operand, located at that operand when the IR node has it. */
  private operandError(a: Value, b: Value, node: { r: SourceRange; t: string }, op: string): GradientLensError {
    const bad = typeof a === 'number' ? b : a;
    const side = (node as { a?: Expr; b?: Expr })[typeof a === 'number' ? 'b' : 'a'];
    const e = this.notNumber(bad, node, `an operand of '${op}'`);
    if (side && e.code === 'unsupported' && !(bad instanceof ImportV)) {
      const r = side.r;
      return new GradientLensError(e.code, e.message.replace(/ at \d+:\d+/, ` at ${pos(r)}`), where(r), e.details);
    }
    return e;
  }

  private checkConcat(v: Value, _site: SiteNode): void {
    if (v instanceof Poison) throw v.error;
    if (v instanceof ImportV) throw this.importError(v);
  }

  // ---- this / super ----

  private lookupThis(env: Env, _site: SiteNode): Value {
    for (let e: Env | undefined = env; e; e = e.parent) {
      if (e.has('this')) return e.get('this') as Value;
    }
    return undefined;
  }

  private lookupHome(env: Env, site: SiteNode): ClassV {
    for (let e: Env | undefined = env; e; e = e.parent) {
      const h = e.get('#home');
      if (h instanceof ClassV) return h;
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
      throw this.error(
        'unsupported',
        `Unsupported array property '${key}' in "${site.t ?? ''}" at ${pos(site.r)}`,
        site.r,
      );
    }
    if (o instanceof Obj) return this.getFromObj(o, String(key), o, site);
    if (typeof o === 'string') {
      if (key === 'length') return this.constNode(o.length, site);
      if (typeof key === 'number') return o[key];
      const m = STRING_METHODS[key];
      if (m) return m;
      throw this.error('unsupported', `Unsupported string property '${key}' at ${pos(site.r)}`, site.r);
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
      throw this.error('unsupported', `Unsupported function property '${key}' at ${pos(site.r)}`, site.r);
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
    return undefined;
  }

  setProp(o: Value, key: string | number, v: Value, site: SiteNode): void {
    this.mutations++;
    if (Array.isArray(o)) {
      const idx = typeof key === 'number' ? key : canonicalIndex(key);
      if (Number.isInteger(idx) && idx >= 0) {
        if (idx > o.length + 10_000_000)
          throw this.error('unsupported', `Array index ${idx} too large at ${pos(site.r)}`, site.r);
        while (o.length < idx) o.push(undefined);
        o[idx] = v;
        return;
      }
      if (key === 'length' && typeof v === 'number') {
        this.steer(v);
        o.length = this.value[v];
        return;
      }
      throw this.error('unsupported', `Setting array property '${key}' at ${pos(site.r)}`, site.r);
    }
    if (o instanceof Obj || o instanceof ClassV) {
      const obj = o instanceof ClassV ? o.statics : o;
      const k = String(key);
      for (let p: Obj | undefined = obj; p; p = p.proto) {
        const a = p.acc?.get(k);
        if (a) {
          if (!a.set) throw this.error('runtime', `Property '${k}' has only a getter at ${pos(site.r)}`, site.r);
          // The setter's return value is dropped (tasks run in reverse order of pushing).
          this.tasks.push(new Task(T.Discard, site, this.global));
          this.invoke(a.set, o, [v], site, false);
          return;
        }
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

  private spreadInto(obj: Obj, v: Value, site: SiteNode): void {
    if (v === undefined || v === null) return;
    if (v instanceof Obj) {
      for (const [k, x] of v.props) obj.props.set(k, x);
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => obj.props.set(String(i), x));
      return;
    }
    throw this.error('unsupported', `Spreading ${this.typeName(v)} into an object at ${pos(site.r)}`, site.r);
  }

  /** Evaluated arguments (above height h) with spreads expanded. */
  private collectArgs(items: Expr[], h: number): Value[] {
    const raw = this.vals.splice(h, this.vals.length - h);
    let spread = false;
    for (const it of items) if (it.k === K.Spread) spread = true;
    if (!spread) return raw as Value[];
    const out: Value[] = [];
    for (let i = 0; i < items.length; i++) {
      const v = raw[i] as Value;
      if (items[i].k === K.Spread) {
        if (Array.isArray(v)) for (const x of v) out.push(x);
        else if (typeof v === 'string') for (const c of v) out.push(c);
        else throw this.error('unsupported', `Spreading ${this.typeName(v)} at ${pos(items[i].r)}`, items[i].r);
      } else out.push(v);
    }
    return out;
  }

  // ---- assignment ----

  /**
   * Assign / Update. States: 0 start; for a member target: evaluate object (and key), then
   * (for compound ops) read the old value, evaluate the right side, write.
   */
  private assignStep(t: Task, node: Extract<Expr, { k: K.Assign | K.Update }>): void {
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
        const lop = op.slice(0, -1);
        if (lop === '&&' || lop === '||' || lop === '??') {
          const keep =
            lop === '&&' ? !this.truthy(old) : lop === '||' ? this.truthy(old) : old !== undefined && old !== null;
          if (keep) {
            vals.push(old);
            return;
          }
        }
        return this.then(t, 1, node.v);
      }
      const rhs = vals.pop() as Value;
      const lop = op.slice(0, -1);
      const nv = lop === '&&' || lop === '||' || lop === '??' ? rhs : this.binary(lop, t.a as Value, rhs, node);
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
      const lop = op.slice(0, -1);
      if (lop === '&&' || lop === '||' || lop === '??') {
        const keep =
          lop === '&&' ? !this.truthy(old) : lop === '||' ? this.truthy(old) : old !== undefined && old !== null;
        if (keep) {
          vals.push(old);
          return;
        }
      }
      return this.then(t, 5, node.v);
    }
    if (t.s === 4) {
      const v = vals[vals.length - 1];
      this.setProp(t.a as Value, t.b as string | number, v, e);
      return;
    }
    // s === 5: compound
    const rhs = vals.pop() as Value;
    const lop = op.slice(0, -1);
    const nv = lop === '&&' || lop === '||' || lop === '??' ? rhs : this.binary(lop, t.c as Value, rhs, node);
    vals.push(nv);
    this.setProp(t.a as Value, t.b as string | number, nv, e);
  }

  updateValue(node: Extract<Expr, { k: K.Update }>, old: Value): number {
    const a = this.num(old, node, `the operand of '${node.op}'`);
    const one = this.constNode(1, node);
    return this.apply2(node.op === '++' ? ADD : SUB, a, one, node);
  }

  private assignRefStep(t: Task): void {
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

  private initBinding(env: Env, name: string, v: Value): void {
    env.set(name, v);
    this.nameValue(v, name);
  }

  private varStep(t: Task, node: Extract<Stmt, { k: K.Var }>): void {
    // t.i = declarator index; s = 0 before init, 1 after init evaluated
    if (t.s === 1) {
      const d = node.decls[t.i];
      const v = this.vals.pop() as Value;
      if (v instanceof Fun && v.fn.name === '(anonymous)' && d.p.k === K.PId) v.fn.name = d.p.name;
      t.i++;
      t.s = 0;
      this.tasks.push(t);
      this.bind(d.p, v, t.env, node.kind);
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
  private setBinding(env: Env, name: string, v: Value, mode: string): void {
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

  private bindStep(t: Task): void {
    const p = t.n as Pattern;
    const mode = t.b as string;
    const vals = this.vals;
    // A single element with a default: s = 1 after the default was evaluated.
    if (t.c === 'elem') {
      const sub = p;
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
      if (!Array.isArray(v))
        throw this.error('unsupported', `Array destructuring of ${this.typeName(v)} at ${pos(p.r)}`, p.r);
      p.elems.forEach((el, i) => {
        if (el) subs.push([el.p, v[i], el.d]);
      });
      if (p.rest) subs.push([p.rest, this.newArray(v.slice(p.elems.length), p), undefined]);
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
        if (v instanceof Obj) for (const [k, x] of v.props) if (!used.has(k)) rest.props.set(k, x);
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
        st.s = 1;
        this.tasks.push(st);
        this.push(d, t.env);
      } else {
        this.tasks.push(st);
      }
    }
  }

  // ---- loops ----

  private loopIndex(node: { r: SourceRange; t?: string }, label: string): number {
    let id = this.loopIds.get(node);
    if (id === undefined) {
      id = this.loops.length;
      this.loops.push({ label, range: node.r, parent: this.curLoop, iterations: 0 });
      this.loopIds.set(node, id);
    }
    return id;
  }

  /** Enter loop: saves the enclosing loop state in the task (a = [loop, iter]). */
  private enterLoop(t: Task, node: { r: SourceRange; t: string }): void {
    const id = this.loopIndex(node, node.t);
    t.a = this.curLoop;
    t.b = this.curIter;
    t.c = id;
    t.h = this.vals.length;
    this.curLoop = id;
    this.curIter = 0;
  }

  private nextIteration(t: Task): void {
    const id = t.c as number;
    this.loops[id].iterations++;
    this.curLoop = id;
    this.curIter++;
  }

  private exitLoop(t: Task): void {
    this.curLoop = t.a as number;
    this.curIter = t.b as number;
  }

  private forStep(t: Task, node: Extract<Stmt, { k: K.For }>): void {
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
      if (node.init) return this.then(t, 1, node.init);
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
    if (node.perIter) {
      const e = new Env(t.env.parent);
      e.consts = t.env.consts;
      for (const nm of node.perIter) e.set(nm, t.env.get(nm)!);
      t.env = e;
    }
    this.curIter++;
    if (node.update) return this.then(t, 4, node.update);
    t.s = 1;
    this.tasks.push(t);
  }

  private forOfStep(t: Task, node: Extract<Stmt, { k: K.ForOf | K.ForIn }>): void {
    const vals = this.vals;
    if (t.s === 0) return this.then(t, 1, node.iter);
    if (t.s === 1) {
      const it = vals.pop() as Value;
      let items: Value[];
      if (node.k === K.ForIn) {
        if (Array.isArray(it)) items = it.map((_, i) => String(i));
        else if (it instanceof Obj) items = [...it.props.keys()];
        else throw this.error('unsupported', `for…in over ${this.typeName(it)} at ${pos(node.r)}`, node.r);
      } else if (Array.isArray(it)) items = it;
      else if (typeof it === 'string') items = [...it];
      else throw this.notNumber(it, node, 'an array in for…of (only arrays and strings are iterable here)');
      this.enterLoop(t, node);
      t.i = 0;
      t.c = [t.c, items];
      t.s = 2;
    }
    const [id, items] = t.c as [number, Value[]];
    if (t.s === 3) this.curIter++;
    this.curLoop = id;
    if (t.i >= items.length) {
      this.exitLoop(t);
      return;
    }
    const v = items[t.i++];
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

  private whileStep(t: Task, node: Extract<Stmt, { k: K.While | K.DoWhile }>): void {
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

  private switchStep(t: Task, node: Extract<Stmt, { k: K.Switch }>): void {
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

  /** break / continue: unwinds to the loop (or labeled statement / switch). */
  private jump(isBreak: boolean, label: string | undefined, site: SiteNode): void {
    const tasks = this.tasks;
    while (tasks.length) {
      const t = tasks.pop()!;
      if (t.t === T.CallExit || t.t === T.Hof) break;
      if (t.t !== T.Eval) continue;
      const n = t.n as Stmt;
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

  private doReturn(v: Value): void {
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
        if (k === K.For || k === K.ForOf || k === K.ForIn || k === K.While || k === K.DoWhile) this.exitLoop(t);
      }
    }
    throw new Error('internal: return outside a call');
  }

  // ---- calls ----

  private callStep(t: Task, node: Extract<Expr, { k: K.Call }>): void {
    const vals = this.vals;
    const f = node.f;
    // s0: evaluate callee (object + method for member calls); s1: args; s2: invoke
    if (t.s === 0) {
      t.h = vals.length;
      if (f.k === K.Member || f.k === K.Index) return this.then(t, 10, f.o);
      if (f.k === K.SuperMember) {
        const home = this.lookupHome(t.env, f);
        const thisV = this.lookupThis(t.env, f);
        const m = this.getFromObj(home.parent!.proto, f.name, thisV, f);
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
      if (f.k === K.Index) return this.then(t, 11, f.i);
      t.s = 11;
    }
    if (t.s === 11) {
      const key = f.k === K.Index ? this.key(vals.pop() as Value, f) : (f as { name: string }).name;
      const o = vals.pop() as Value;
      if ((f as { opt?: boolean }).opt && (o === undefined || o === null)) {
        vals.push(undefined);
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
      if (t.i < node.args.length) {
        const a = node.args[t.i++];
        return this.then(t, 1, a.k === K.Spread ? a.a : a);
      }
      const args = this.collectArgs(node.args, t.h);
      const callee = t.b as Value;
      if (node.opt && (callee === undefined || callee === null)) {
        vals.push(undefined);
        return;
      }
      this.invoke(callee, t.a as Value, args, node, false);
    }
  }

  private newStep(t: Task, node: Extract<Expr, { k: K.New }>): void {
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
    if (c instanceof Builtin && c.name === 'Array') {
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
  private constructInto(c: ClassV, obj: Obj, args: Value[], site: SiteNode): void {
    const task = new Task(T.Construct, site, c.env);
    task.a = c;
    task.b = obj;
    task.c = args;
    this.tasks.push(task);
  }

  private constructStep(t: Task): void {
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

  private fieldsStep(t: Task): void {
    const c = t.a as ClassV;
    const obj = t.b as Obj;
    const members = c.cls.members;
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
    // parameter properties: constructor(public w: number)
  }

  private setOwn(obj: Obj, key: string, v: Value): void {
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
    throw this.error(
      'unknown-call',
      `Unknown function: "${text}" at ${pos(site.r)} calls ${this.typeName(f)}, not a function`,
      site.r,
    );
  }

  private callUser(f: Fun, thisV: Value, args: Value[], site: SiteNode, isCtor: boolean, entry: boolean): void {
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

  private paramsStep(t: Task): void {
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
    if (pp) {
      const thisV = t.env.get('this');
      if (thisV instanceof Obj) for (const name of pp) this.setOwn(thisV, name, t.env.get(name) as Value);
    }
    void f;
  }

  /** The innermost active call's exit task. */
  private findExit(): Task | undefined {
    for (let k = this.tasks.length - 1; k >= 0; k--) if (this.tasks[k].t === T.CallExit) return this.tasks[k];
    return undefined;
  }

  private callExit(t: Task): void {
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

  private *entryCall(fun: Fun, env: Env): Generator<void, void> {
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
  private freeParam(p: IrFunction['params'][number], i: number): Value {
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

  private fromHint(hint: unknown, name: string, r: SourceRange): Value {
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

  private freeFromPattern(pat: Pattern): Value {
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
    if (st.kind === 'reduce' && !st.hasAcc) {
      if (st.arr.length === 0)
        throw this.error('runtime', `reduce of an empty array with no initial value at ${pos(st.site.r)}`, st.site.r);
      st.acc = st.arr[0];
      st.hasAcc = true;
      t.i = 1;
    }
    this.tasks.push(t);
    return PENDING;
  }

  private hofStep(t: Task): void {
    const st = t.a as HofState;
    const vals = this.vals;
    if (t.s === 1) {
      // a callback returned
      const r = vals.pop() as Value;
      const i = t.i - 1;
      const el = st.from === 'length' ? undefined : st.arr[i];
      switch (st.kind) {
        case 'map':
        case 'from':
          st.out![i] = r; // in order: i is the array's length or within its presized length
          break;
        case 'filter':
          if (this.truthy(r)) st.out!.push(el);
          break;
        case 'reduce':
          st.acc = r;
          break;
        case 'some':
          if (this.truthy(r)) return this.hofDone(st, true);
          break;
        case 'every':
          if (!this.truthy(r)) return this.hofDone(st, false);
          break;
        case 'find':
          if (this.truthy(r)) return this.hofDone(st, el);
          break;
        case 'findIndex':
          if (this.truthy(r)) return this.hofDone(st, this.constNode(i, st.site));
          break;
        case 'flatMap':
          if (Array.isArray(r)) for (const x of r) st.out!.push(x);
          else st.out!.push(r);
          break;
      }
    }
    if (t.i >= st.n) {
      switch (st.kind) {
        case 'map':
        case 'filter':
        case 'from':
        case 'flatMap':
          return this.hofDone(st, this.newArray(st.out!, st.site));
        case 'reduce':
          return this.hofDone(st, st.acc);
        case 'some':
          return this.hofDone(st, false);
        case 'every':
          return this.hofDone(st, true);
        case 'find':
          return this.hofDone(st, undefined);
        case 'findIndex':
          return this.hofDone(st, this.constNode(-1, st.site));
        default:
          return this.hofDone(st, undefined);
      }
    }
    const i = t.i++;
    this.curLoop = st.loop;
    this.curIter = i;
    this.loops[st.loop].iterations++;
    const idx = this.constNode(i, st.site);
    const el = st.from === 'length' ? undefined : st.arr[i];
    const args = st.kind === 'reduce' ? [st.acc, el, idx, st.arr] : [el, idx, st.arr];
    t.s = 1;
    this.tasks.push(t);
    if (st.fn instanceof Fun && this.callInline(st.fn, args, st.site)) return;
    this.invoke(st.fn, st.thisArg, args, st.site, false);
  }

  /**
   * Calls a user arrow function whose body is one expression that compiles (the usual `map` /
   * `reduce` callback, `(x) => 2 * x + 1`) at once, without tasks: the same scope, call frame
   * and result as callUser followed by its return. False, with nothing recorded that the
   * program can reach, when it cannot: the task machine then makes the call.
   */
  private callInline(f: Fun, args: Value[], site: SiteNode): boolean {
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

  private hofDone(st: HofState, v: Value): void {
    this.curLoop = st.savedLoop;
    this.curIter = st.savedIter;
    this.vals.push(v);
  }

  // ---- classes ----

  private startClass(ci: number, env: Env, bindName: string | undefined): void {
    const cls = this.ir.classes[ci];
    const t = new Task(T.ClassDef, cls, env);
    t.a = bindName;
    this.tasks.push(t);
    if (cls.ext) this.push(cls.ext, env);
  }

  private classStep(t: Task): void {
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

  // =========================================================================================
  // The ExprProgram

  private finish(target: IrTarget): ExprProgram {
    const rootV = this.targetValue;
    if (rootV === TDZ) {
      throw new GradientLensError(
        'no-expression',
        `The target "${target.text}" at ${pos(target.range)} is never evaluated when the program runs (a branch or loop that does not run it?)`,
        where(target.range),
      );
    }
    if (typeof rootV !== 'number') {
      if (rootV instanceof Poison) throw rootV.error;
      throw new GradientLensError(
        'no-expression',
        `The target "${target.text}" at ${pos(target.range)} is ${this.typeName(rootV)}, not a number: select a numeric expression`,
        where(target.range),
      );
    }
    return this.build(rootV, target);
  }

  /**
   * The nodes of the built program that the selected expression recorded: the values it took
   * that the root depends on, and the nodes of its sub-expressions (source range inside the
   * selection; every pass of a loop or call).
   */
  private selectionOf(
    sel: NonNullable<IrTarget['selection']>,
    nodes: ExprNode[],
    newId: Int32Array,
    root: number,
  ): TargetSelection {
    const ids = new Set<number>();
    for (const v of this.selectionHits) if (v <= root && newId[v] >= 0) ids.add(newId[v]);
    const reaches = ids.size > 0;
    const { start, end } = sel.range;
    for (let i = 0; i < nodes.length; i++) {
      const r = nodes[i].range;
      if (nodes[i].kind !== 'input' && r.start >= start && r.end <= end && r.end > r.start) ids.add(i);
    }
    return {
      text: sel.text,
      range: sel.range,
      ...(sel.fn !== undefined ? { fn: sel.fn } : {}),
      nodes: [...ids].sort((a, b) => a - b),
      // Shown on its own: it is the root, but it does not reach the function's result.
      reaches: reaches && !sel.alone,
      evaluated: this.selectionHits.length > 0,
      ...(sel.alone ? { alone: true } : {}),
    };
  }

  /** The recorded tape as it is (every node, no ExprProgram objects): for the benchmark. */
  rawTape(target: IrTarget): { tape: Tape; root: number } {
    const root = this.targetValue;
    if (typeof root !== 'number') throw this.finishError(target);
    return { root, tape: this.tb.take() };
  }

  private finishError(target: IrTarget): GradientLensError {
    try {
      this.finish(target);
    } catch (e) {
      if (e instanceof GradientLensError) return e;
      throw e;
    }
    return new GradientLensError('no-expression', 'no target');
  }

  private build(root: number, target: IrTarget): ExprProgram {
    const { op, argStart, args, value } = this.tb;
    const keep = new Uint8Array(this.n);
    keep[root] = 1;
    for (let i = root; i >= 0; i--) {
      if (!keep[i] || op[i] === LEAF) continue;
      for (let k = argStart[i]; k < argStart[i + 1]; k++) keep[args[k]] = 1;
    }
    // Frames whose result is kept; others are folded into their parent.
    const frameMap = new Int32Array(this.frames.length).fill(-1);
    const frames: CallFrame[] = [];
    for (let f = 0; f < this.frames.length; f++) {
      const fr = this.frames[f];
      if (fr.result >= 0 && fr.result <= root && keep[fr.result]) {
        frameMap[f] = frames.length;
        frames.push(fr);
      }
    }
    const mapFrame = (f: number): number => {
      while (f >= 0 && frameMap[f] < 0) f = this.frames[f].parent;
      return f < 0 ? -1 : frameMap[f];
    };
    const extraIds = new Map<number, number>();
    // Renumber in post-order from the root (arguments left to right): the order in which the
    // expression reads, and topological.
    const newId = new Int32Array(root + 1).fill(-1);
    let order = new Int32Array(root + 1);
    let count = 0;
    {
      const stack = [root];
      const next = [argStart[root]];
      newId[root] = -2;
      while (stack.length) {
        const top = stack.length - 1;
        const i = stack[top];
        const k = next[top];
        if (op[i] !== LEAF && k < argStart[i + 1]) {
          next[top] = k + 1;
          const a = args[k];
          if (newId[a] === -1) {
            newId[a] = -2;
            stack.push(a);
            next.push(argStart[a]);
          }
        } else {
          newId[i] = count;
          order[count++] = i;
          stack.pop();
          next.pop();
        }
      }
    }
    // Inputs that steered the run without reaching the target (a loop bound, an index): kept as
    // inputs (gradient 0), so that changing them re-traces.
    /** Tape ids of inputs that steered the run (reach a steering node): only their changes can change its course. */
    const steeringIds = new Set<number>();
    if (this.steeredMax >= 0) {
      const hi = this.steeredMax;
      const mark = this.steered.slice(0, hi + 1);
      const extra: number[] = [];
      for (let i = hi; i >= 0; i--) {
        if (!mark[i]) continue;
        if (op[i] === LEAF) {
          if (this.inputIx[i] !== 0) steeringIds.add(i);
          if (this.inputIx[i] !== 0 && (i > root || newId[i] === -1)) extra.push(i);
          continue;
        }
        for (let k = argStart[i]; k < argStart[i + 1]; k++) mark[args[k]] = 1;
      }
      if (extra.length) {
        extra.reverse();
        const shift = extra.length;
        for (let k = 0; k < count; k++) newId[order[k]] += shift;
        extra.forEach((id, k) => {
          if (id <= root) newId[id] = k;
          else extraIds.set(id, k);
        });
        const all = new Int32Array(shift + count);
        all.set(extra);
        all.set(order.subarray(0, count), shift);
        order = all;
        count += shift;
      }
    }
    // The nodes, and the same graph as a tape (what compileProgram would build from the nodes,
    // kept so that evaluate copies it instead of rebuilding it). Objects are made with all their
    // fields at once where possible (one allocation of the final size: a program of a million
    // nodes holds a million of them).
    const nodes: ExprNode[] = new Array<ExprNode>(count);
    let edges = 0;
    for (let j = 0; j < count; j++) {
      const i = order[j];
      if (op[i] !== LEAF && this.inputIx[i] === 0) edges += argStart[i + 1] - argStart[i];
    }
    const tape = new TapeBuilder(count, edges);
    const inputs: Array<{ node: InputNode; raw: string; id: number }> = [];
    for (let j = 0; j < count; j++) {
      const i = order[j];
      const site = this.sites[this.siteIx[i]];
      let node: ExprNode;
      const info = this.inputIx[i] !== 0 ? this.inputInfos[this.inputIx[i] - 1] : undefined;
      const name = this.nameIx[i] !== 0 ? this.nameList[this.nameIx[i] - 1] : undefined;
      const fr = mapFrame(this.frameOf[i]);
      const loop = this.loopOf[i];
      const plain = name === undefined && fr < 0; // no optional field before loop/iteration
      if (info) {
        const inp: InputNode = { kind: 'input', name: info.raw, label: info.raw, range: info.r, free: info.free };
        if (!info.free) inp.value = info.srcValue;
        if (info.lit) inp.literal = info.lit;
        if (info.suggested !== undefined) inp.suggested = info.suggested;
        node = inp;
        inputs.push({ node: inp, raw: info.raw, id: i });
        tape.node0(LEAF, inp.value ?? NaN);
      } else if (op[i] === LEAF) {
        const v = value[i];
        const label = site.t ?? String(v);
        if (plain && loop >= 0)
          node = { kind: 'const', value: v, label, range: site.r, loop, iteration: this.iterOf[i] };
        else node = { kind: 'const', value: v, label, range: site.r };
        tape.node0(LEAF, v);
      } else {
        const s = argStart[i];
        const count = argStart[i + 1] - s;
        let a: number[];
        if (count === 2) a = [newId[args[s]], newId[args[s + 1]]];
        else if (count === 1) a = [newId[args[s]]];
        else {
          a = new Array<number>(count);
          for (let k = 0; k < count; k++) a[k] = newId[args[s + k]];
        }
        const spec = OP_LIST[op[i]];
        const label = site.t ?? spec.symbol;
        if (plain && loop >= 0)
          node = { kind: 'op', op: spec.name, args: a, label, range: site.r, loop, iteration: this.iterOf[i] };
        else node = { kind: 'op', op: spec.name, args: a, label, range: site.r };
        tape.nodeN(op[i], a, 0);
      }
      if (!(plain && node.loop !== undefined)) {
        if (name !== undefined) node.name = name;
        if (fr >= 0) node.frame = fr;
        if (loop >= 0) {
          node.loop = loop;
          node.iteration = this.iterOf[i];
        }
      }
      nodes[j] = node;
    }
    for (const fr of frames) {
      fr.parent = mapFrame(fr.parent);
      fr.result = newId[fr.result];
      const fa = fr.args; // the frame's own array (numbersOf): renumbered in place
      let w = 0;
      for (let k = 0; k < fa.length; k++) if (fa[k] <= root && keep[fa[k]]) fa[w++] = newId[fa[k]];
      fa.length = w;
    }
    // Unique input names: the first declared (by position) keeps the plain name.
    const byName = new Map<string, typeof inputs>();
    for (const x of inputs) {
      const g = byName.get(x.raw);
      if (g) g.push(x);
      else byName.set(x.raw, [x]);
    }
    const traced: Record<string, number> = Object.create(null) as Record<string, number>;
    const conflicts: string[] = [];
    for (const [, g] of byName) {
      g.sort((a, b) => a.node.range.start - b.node.range.start);
      for (let k = 0; k < g.length; k++) {
        const x = g[k];
        if (k > 0) {
          x.node.name = `${x.raw}@${x.node.range.line}:${x.node.range.column}`;
          if (this.usedPlain.has(x.node.name)) conflicts.push(x.node.name);
        }
        traced[x.node.name] = this.value[x.id];
      }
    }
    if (conflicts.length) throw new RetraceNeeded(conflicts);
    const steering = inputs.filter((x) => steeringIds.has(x.id)).map((x) => x.node.name);
    // Arrays of numbers, as they are now.
    const arrays: ArrayGroup[] = [];
    const rows = new Set<Value[]>();
    for (const [arr, info] of this.arrays) {
      if (arr.length === 0) continue;
      const shape: number[] = [];
      const elements: number[] = [];
      if (!numericShape(arr, shape, elements, rows)) continue;
      let ok = true;
      for (let k = 0; k < elements.length; k++) {
        const id = elements[k];
        if (id > root || !keep[id]) {
          ok = false;
          break;
        }
        elements[k] = newId[id];
      }
      if (!ok) continue;
      arrays.push({ label: info.label, range: info.r, shape, elements, ...(info.bound ? {} : {}) });
      (arrays[arrays.length - 1] as ArrayGroup & { _arr?: Value[] })._arr = arr;
    }
    const groups = arrays.filter((g) => {
      const arr = (g as ArrayGroup & { _arr?: Value[] })._arr!;
      delete (g as ArrayGroup & { _arr?: Value[] })._arr;
      return !rows.has(arr) || this.arrays.get(arr)!.bound;
    });
    const program: ExprProgram = {
      nodes,
      root: newId[root],
      frames,
      target: { text: target.text, range: target.range, ...(target.name !== undefined ? { name: target.name } : {}) },
      arrays: groups,
      loops: this.loops,
    };
    if (target.selection) program.target.selection = this.selectionOf(target.selection, nodes, newId, root);
    (program as ExprProgram & { source?: ProgramSource }).source = { ir: this.ir, target, traced, steering };
    rememberCompiled(program, tape.take());
    return program;
  }
}

// =============================================================================================
// Simple expressions compiled to closures (the fast path)
//
// Arithmetic on names, literals, array/object reads and Math calls, the bulk of a loop body,
// is compiled once per IR node into a closure over (interpreter, env): no task objects. The
// compiler and the closures nest at most MAX_COMPILE_DEPTH deep (deeper expressions, calls of
// user functions, getters and setters take the task machine). A closure that meets something
// it cannot do without the machine (a getter, a user function) throws BAIL before any side
// effect; the node is then marked and always takes the slow path.

const COMPILED: unique symbol = Symbol('compiled');
const PARAM_NAMES: unique symbol = Symbol('paramNames');
/** On an IrProgram: [nodes, edges] of its last complete run (a capacity hint). */
const SIZE_HINT: unique symbol = Symbol('sizeHint');
const BODY: unique symbol = Symbol('body');
const CONSTS: unique symbol = Symbol('consts');
type Compiled = (it: Interp, env: Env) => Value;
type CompiledHolder = { [COMPILED]?: Compiled | null };
const BAIL = { bail: true };
const MAX_COMPILE_DEPTH = 16;

function hasAccessor(o: Obj, key: string): boolean {
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
function firstOperandsTooDeep(n: Expr): boolean {
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
function compileSimple(n: Expr, depth = 0): Compiled | null {
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
          return it.truthy(x) ? x : b(it, env);
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
      return (it, env) => (it.truthy(c(it, env)) ? a(it, env) : b(it, env));
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

/** An array for n results written in order (presized when not huge: budgets stop a run long before). */
function presized(n: number): Value[] {
  return n <= 1 << 20 ? new Array<Value>(n) : [];
}

/** The numbers among the first `n` values, in an array of exactly their count. */
function numbersOf(vs: Value[], n: number): number[] {
  const m = Math.min(n, vs.length);
  let count = 0;
  for (let i = 0; i < m; i++) if (typeof vs[i] === 'number') count++;
  // Literals of the right length are the cheapest arrays to make (one or two numbers: the usual case).
  if (count === 0) return [];
  if (count === 1) {
    for (let i = 0; i < m; i++) {
      const v = vs[i];
      if (typeof v === 'number') return [v];
    }
  }
  if (count === 2 && m === 2) return [vs[0] as number, vs[1] as number];
  const out = new Array<number>(count);
  for (let i = 0, j = 0; i < m; i++) {
    const v = vs[i];
    if (typeof v === 'number') out[j++] = v;
  }
  return out;
}

export class RetraceNeeded extends Error {
  constructor(readonly names: string[]) {
    super('retrace');
  }
}

/** Rectangular array of numbers: fills shape and elements (row-major); marks sub-arrays as rows. */
function numericShape(arr: Value[], shape: number[], elements: number[], rows: Set<Value[]>): boolean {
  // Level by level, iteratively.
  let level: Value[][] = [arr];
  for (;;) {
    const len = level[0].length;
    if (len === 0) return false;
    for (const a of level) if (a.length !== len) return false;
    shape.push(len);
    const first = level[0][0];
    if (typeof first === 'number') {
      for (const a of level) for (const x of a) if (typeof x !== 'number') return false;
      for (const a of level) for (const x of a) elements.push(x as number);
      return true;
    }
    if (!Array.isArray(first)) return false;
    const next: Value[][] = [];
    for (const a of level) {
      for (const x of a) {
        if (!Array.isArray(x)) return false;
        next.push(x);
      }
    }
    for (const r of next) rows.add(r);
    level = next;
  }
}

function canonicalIndex(key: string): number {
  if (key.length === 0 || key.length > 15) return -1;
  const n = Number(key);
  return Number.isInteger(n) && n >= 0 && String(n) === key ? n : -1;
}

/** `[0][1].x` → [0, 1, 'x']; undefined when malformed. */
function parsePath(s: string): Array<number | string> | undefined {
  const out: Array<number | string> = [];
  const re = /\[(\d+)\]|\.([A-Za-z_$][\w$]*)/y;
  let i = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) return undefined;
    out.push(m[1] !== undefined ? Number(m[1]) : m[2]);
    i = re.lastIndex;
  }
  return out;
}

export function patternNames(p: Pattern, out: string[]): void {
  const stack: Pattern[] = [p];
  while (stack.length) {
    const q = stack.pop()!;
    if (q.k === K.PId) out.push(q.name);
    else if (q.k === K.PArr) {
      if (q.rest) stack.push(q.rest);
      for (let i = q.elems.length - 1; i >= 0; i--) {
        const e = q.elems[i];
        if (e) stack.push(e.p);
      }
    } else if (q.k === K.PObj) {
      if (q.rest) stack.push(q.rest);
      for (let i = q.props.length - 1; i >= 0; i--) stack.push(q.props[i].p);
    }
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const ZERO_RANGE: SourceRange = { start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };

// =============================================================================================
// Builtins

const OBJECT_PROTO: Obj | undefined = undefined;

const REFUSED_GLOBALS: Record<string, string> = {
  eval: 'dynamic code is never run; compute the value in the file',
  Function: 'dynamic code is never run; write the function in the file',
  Date: 'the clock is not available; use a number',
  performance: 'the clock is not available; use a number',
  require: 'modules are not loaded; declare the value in this file',
  process: 'I/O is not available; put the data in the file',
  fetch: 'I/O is not available; put the data in the file as a literal',
  setTimeout: 'timers are not run; call the function directly',
  setInterval: 'timers are not run; use a loop',
  globalThis: 'globals are not available',
  window: 'globals are not available',
  document: 'the DOM is not available',
  crypto: 'randomness is not available; use fixed numbers',
  Promise: 'async code is not run; write synchronous code',
  JSON: 'JSON is not available; write the data as a literal',
  String: 'strings are inert here; use a template literal',
  parseFloat: 'strings are never converted to numbers here; write the number',
  parseInt: 'strings are never converted to numbers here; write the number',
  Symbol: 'symbols are not supported',
  Map: 'Map is not supported; use an object or an array',
  Set: 'Set is not supported; use an array',
  Float64Array: 'typed arrays are not supported; use an array',
  Float32Array: 'typed arrays are not supported; use an array',
};

function fn(name: string, impl: BuiltinImpl): Builtin {
  return new Builtin(name, impl);
}

function mathFn(name: string): Builtin | undefined {
  const code = OP_CODE[name as keyof typeof OP_CODE];
  switch (name) {
    case 'max':
    case 'min':
      return fn(`Math.${name}`, (it, _t, args, site) => {
        if (args.length === 0) return it.constNode(name === 'max' ? -Infinity : Infinity, site);
        const ids = args.map((a) => it.num(a, site, `an argument of Math.${name}`));
        if (ids.length === 1) return ids[0];
        let v = it.value[ids[0]];
        for (let k = 1; k < ids.length; k++)
          v = name === 'max' ? Math.max(v, it.value[ids[k]]) : Math.min(v, it.value[ids[k]]);
        return it.nodeN(code, ids, v, site);
      });
    case 'pow':
    case 'atan2':
      return fn(`Math.${name}`, (it, _t, args, site) => {
        if (args.length !== 2)
          throw it.error(
            'unsupported',
            `Math.${name} with ${args.length} argument${args.length === 1 ? '' : 's'} in "${site.t}" at ${pos(site.r)}`,
            site.r,
          );
        return it.apply2(code, it.num(args[0], site), it.num(args[1], site), site);
      });
    case 'hypot':
      return fn('Math.hypot', (it, _t, args, site) => {
        if (args.length === 0) return it.constNode(0, site);
        const ids = args.map((a) => it.num(a, site, 'an argument of Math.hypot'));
        let s = -1;
        for (const id of ids) {
          const sq = it.apply2(MUL, id, id, site);
          s = s < 0 ? sq : it.apply2(ADD, s, sq, site);
        }
        return it.apply1(OP_CODE.sqrt, s, site);
      });
    case 'random':
      return fn('Math.random', (it, _t, _a, site) => {
        throw it.error(
          'unsupported',
          `Unsupported: Math.random at ${pos(site.r)}: randomness is not available; use fixed numbers`,
          site.r,
        );
      });
    default:
      if (code === undefined || OP_LIST[code].arity !== 1 || !(name in MATH_UNARY)) return undefined;
      return fn(`Math.${name}`, (it, _t, args, site) => {
        if (args.length !== 1)
          throw it.error(
            'unsupported',
            `Math.${name} with ${args.length} arguments in "${site.t}" at ${pos(site.r)}`,
            site.r,
          );
        return it.apply1(code, it.num(args[0], site), site);
      });
  }
}

const MATH_UNARY: Record<string, true> = Object.fromEntries(
  [
    'exp',
    'expm1',
    'log',
    'log1p',
    'log2',
    'log10',
    'sqrt',
    'cbrt',
    'abs',
    'sign',
    'sin',
    'cos',
    'tan',
    'asin',
    'acos',
    'atan',
    'sinh',
    'cosh',
    'tanh',
    'round',
    'floor',
    'ceil',
    'trunc',
  ].map((n) => [n, true]),
);

class MathObj extends Obj {}

function makeMath(): Obj {
  const m = new MathObj(undefined);
  for (const name of [...Object.keys(MATH_UNARY), 'max', 'min', 'pow', 'atan2', 'hypot', 'random']) {
    const b = mathFn(name);
    if (b) m.props.set(name, b);
  }
  m.label = 'Math';
  return m;
}

const ARRAY_CTOR = fn('Array', (it, _t, args, site) => {
  if (args.length === 1 && typeof args[0] === 'number') {
    it.steer(args[0]);
    const n = it.value[args[0]];
    if (!Number.isInteger(n) || n < 0 || n > 1e8)
      throw it.error('runtime', `Invalid array length ${n} at ${pos(site.r)}`, site.r);
    return it.newArray(new Array(n).fill(undefined), site);
  }
  return it.newArray([...args], site);
});

const MUTATING = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'fill', 'reverse']);

function thisArray(it: Interp, t: Value, site: SiteNode, name: string): Value[] {
  if (MUTATING.has(name)) it.mutations++;
  if (!Array.isArray(t))
    throw it.error(
      'unsupported',
      `.${name} on ${t === undefined ? 'undefined' : 'a non-array'} at ${pos(site.r)}`,
      site.r,
    );
  return t;
}

function hof(kind: string): Builtin {
  return fn(kind, (it, t, args, site) => {
    const arr = thisArray(it, t, site, kind);
    const f = args[0];
    if (!(f instanceof Fun || f instanceof Builtin))
      throw it.error('unsupported', `.${kind} needs a function at ${pos(site.r)}`, site.r);
    const st: HofState = {
      kind,
      arr,
      fn: f,
      out: kind === 'map' ? presized(arr.length) : kind === 'filter' || kind === 'flatMap' ? [] : undefined,
      acc: kind === 'reduce' ? args[1] : undefined,
      hasAcc: kind === 'reduce' && args.length >= 2,
      n: arr.length,
      loop: -1,
      savedLoop: -1,
      savedIter: 0,
      site,
      from: 'arr',
    };
    return it.startHof(st);
  });
}

function intArg(it: Interp, v: Value, site: SiteNode, dflt: number): number {
  if (v === undefined) return dflt;
  const id = it.num(v, site, 'an index');
  it.steer(id);
  const x = it.value[id];
  return Math.trunc(x);
}

function relIndex(i: number, len: number): number {
  return i < 0 ? Math.max(0, len + i) : Math.min(i, len);
}

const ARRAY_METHODS: Record<string, Builtin> = {
  map: hof('map'),
  filter: hof('filter'),
  reduce: hof('reduce'),
  forEach: hof('forEach'),
  some: hof('some'),
  every: hof('every'),
  find: hof('find'),
  findIndex: hof('findIndex'),
  flatMap: hof('flatMap'),
  push: fn('push', (it, t, args, site) => {
    const a = thisArray(it, t, site, 'push');
    for (const x of args) a.push(x);
    return it.constNode(a.length, site);
  }),
  pop: fn('pop', (it, t, _args, site) => thisArray(it, t, site, 'pop').pop()),
  shift: fn('shift', (it, t, _args, site) => thisArray(it, t, site, 'shift').shift()),
  unshift: fn('unshift', (it, t, args, site) => {
    const a = thisArray(it, t, site, 'unshift');
    a.unshift(...args);
    return it.constNode(a.length, site);
  }),
  slice: fn('slice', (it, t, args, site) => {
    const a = thisArray(it, t, site, 'slice');
    const s = relIndex(intArg(it, args[0], site, 0), a.length);
    const e = relIndex(intArg(it, args[1], site, a.length), a.length);
    return it.newArray(a.slice(s, e), site);
  }),
  splice: fn('splice', (it, t, args, site) => {
    const a = thisArray(it, t, site, 'splice');
    const s = relIndex(intArg(it, args[0], site, 0), a.length);
    const n = args.length < 2 ? a.length - s : Math.max(0, intArg(it, args[1], site, 0));
    return it.newArray(a.splice(s, n, ...args.slice(2)), site);
  }),
  concat: fn('concat', (it, t, args, site) => {
    const a = thisArray(it, t, site, 'concat');
    const out = [...a];
    for (const x of args) {
      if (Array.isArray(x)) out.push(...x);
      else out.push(x);
    }
    return it.newArray(out, site);
  }),
  fill: fn('fill', (it, t, args, site) => {
    const a = thisArray(it, t, site, 'fill');
    const s = relIndex(intArg(it, args[1], site, 0), a.length);
    const e = relIndex(intArg(it, args[2], site, a.length), a.length);
    for (let i = s; i < e; i++) a[i] = args[0];
    return a;
  }),
  indexOf: fn('indexOf', (it, t, args, site) => {
    const a = thisArray(it, t, site, 'indexOf');
    for (let i = 0; i < a.length; i++) if (it.strictEq(a[i], args[0])) return it.constNode(i, site);
    return it.constNode(-1, site);
  }),
  includes: fn('includes', (it, t, args, site) => {
    const a = thisArray(it, t, site, 'includes');
    const x = args[0];
    for (const y of a) {
      if (it.strictEq(y, x)) return true;
      if (typeof x === 'number' && typeof y === 'number') {
        it.steer(x);
        it.steer(y);
        if (Number.isNaN(it.value[x]) && Number.isNaN(it.value[y])) return true;
      }
    }
    return false;
  }),
  reverse: fn('reverse', (it, t, _args, site) => thisArray(it, t, site, 'reverse').reverse()),
  at: fn('at', (it, t, args, site) => {
    const a = thisArray(it, t, site, 'at');
    let i = intArg(it, args[0], site, 0);
    if (i < 0) i += a.length;
    return a[i];
  }),
  flat: fn('flat', (it, t, args, site) => {
    const a = thisArray(it, t, site, 'flat');
    let depth = intArg(it, args[0], site, 1);
    let cur: Value[] = a;
    while (depth-- > 0) {
      const next: Value[] = [];
      let any = false;
      for (const x of cur) {
        if (Array.isArray(x)) {
          next.push(...x);
          any = true;
        } else next.push(x);
      }
      cur = next;
      if (!any) break;
    }
    return it.newArray(cur === a ? [...a] : cur, site);
  }),
  join: fn('join', (it, t, args, site) => {
    const a = thisArray(it, t, site, 'join');
    const sep = typeof args[0] === 'string' ? args[0] : ',';
    return a.map((x) => (x === undefined || x === null ? '' : it.toStr(x, site))).join(sep);
  }),
  keys: fn('keys', (it, t, _args, site) => {
    const a = thisArray(it, t, site, 'keys');
    return it.newArray(
      a.map((_, i) => it.constNode(i, site)),
      site,
    );
  }),
  entries: fn('entries', (it, t, _args, site) => {
    const a = thisArray(it, t, site, 'entries');
    return it.newArray(
      a.map((x, i) => it.newArray([it.constNode(i, site), x], site)),
      site,
    );
  }),
  sort: fn('sort', (it, _t, _args, site) => {
    throw it.error(
      'unsupported',
      `Unsupported: .sort at ${pos(site.r)}: sort the data in the file, or write the loop`,
      site.r,
    );
  }),
};

const STRING_METHODS: Record<string, Builtin> = {
  toUpperCase: fn('toUpperCase', (_it, t) => String(t).toUpperCase()),
  toLowerCase: fn('toLowerCase', (_it, t) => String(t).toLowerCase()),
  trim: fn('trim', (_it, t) => String(t).trim()),
  padStart: fn('padStart', (it, t, args, site) =>
    String(t).padStart(intArg(it, args[0], site, 0), typeof args[1] === 'string' ? args[1] : ' '),
  ),
  padEnd: fn('padEnd', (it, t, args, site) =>
    String(t).padEnd(intArg(it, args[0], site, 0), typeof args[1] === 'string' ? args[1] : ' '),
  ),
  includes: fn('includes', (_it, t, args) => typeof args[0] === 'string' && String(t).includes(args[0])),
  startsWith: fn('startsWith', (_it, t, args) => typeof args[0] === 'string' && String(t).startsWith(args[0])),
  repeat: fn('repeat', (it, t, args, site) => String(t).repeat(Math.min(1e6, intArg(it, args[0], site, 0)))),
};

const NUMBER_METHODS: Record<string, Builtin> = {
  // A number turned into text leaves the tape: it steers what follows (steer).
  toFixed: fn('toFixed', (it, t, args, site) => {
    it.steer(t as number);
    return it.value[t as number].toFixed(intArg(it, args[0], site, 0));
  }),
  toPrecision: fn('toPrecision', (it, t, args, site) => {
    it.steer(t as number);
    return args[0] === undefined
      ? String(it.value[t as number])
      : it.value[t as number].toPrecision(intArg(it, args[0], site, 1));
  }),
  toString: fn('toString', (it, t) => {
    it.steer(t as number);
    return String(it.value[t as number]);
  }),
};

const FUNCTION_METHODS: Record<string, Builtin> = {
  call: fn('call', (it, t, args, site) => {
    it.invoke(t, args[0], args.slice(1), site, false);
    return PENDING;
  }),
  apply: fn('apply', (it, t, args, site) => {
    const a = args[1];
    it.invoke(t, args[0], Array.isArray(a) ? [...a] : [], site, false);
    return PENDING;
  }),
};

const NUMBER_CONSTANTS: Record<string, number> = {
  EPSILON: Number.EPSILON,
  MAX_VALUE: Number.MAX_VALUE,
  MIN_VALUE: Number.MIN_VALUE,
  MAX_SAFE_INTEGER: Number.MAX_SAFE_INTEGER,
  MIN_SAFE_INTEGER: Number.MIN_SAFE_INTEGER,
  POSITIVE_INFINITY: Infinity,
  NEGATIVE_INFINITY: -Infinity,
  NaN: NaN,
};

/** An object whose properties are computed on access (Math.PI, Number.EPSILON: fresh const nodes). */
class ConstNamespace extends Obj {
  constructor(
    readonly prefix: string,
    readonly consts: Record<string, number>,
  ) {
    super(undefined);
    this.label = prefix;
  }
}

/** The global Math (compiled calls check for it). */
class MathNs extends ConstNamespace {}

function makeGlobals(it: Interp): Env {
  const g = new Env(undefined);
  const math = makeMath();
  const mathNs = new MathNs('Math', MATH_CONSTANTS);
  for (const [k, v] of math.props) mathNs.props.set(k, v);
  g.set('Math', mathNs);
  const num = new ConstNamespace('Number', NUMBER_CONSTANTS);
  const numPred = (name: string, f: (x: number) => boolean) =>
    fn(`Number.${name}`, (it2, _t, args) => {
      if (typeof args[0] !== 'number') return false;
      it2.steer(args[0]);
      return f(it2.value[args[0]]);
    });
  num.props.set('isFinite', numPred('isFinite', Number.isFinite));
  num.props.set('isNaN', numPred('isNaN', Number.isNaN));
  num.props.set('isInteger', numPred('isInteger', Number.isInteger));
  num.props.set('isSafeInteger', numPred('isSafeInteger', Number.isSafeInteger));
  g.set('Number', num);
  g.set(
    'isFinite',
    fn('isFinite', (it2, _t, args, site) => {
      const id = it2.num(args[0], site);
      it2.steer(id);
      return Number.isFinite(it2.value[id]);
    }),
  );
  g.set(
    'isNaN',
    fn('isNaN', (it2, _t, args, site) => {
      const id = it2.num(args[0], site);
      it2.steer(id);
      return Number.isNaN(it2.value[id]);
    }),
  );
  const arrayNs = new Obj(undefined);
  arrayNs.props.set(
    'isArray',
    fn('Array.isArray', (_i, _t, args) => Array.isArray(args[0])),
  );
  arrayNs.props.set(
    'of',
    fn('Array.of', (i2, _t, args, site) => i2.newArray([...args], site)),
  );
  arrayNs.props.set(
    'from',
    fn('Array.from', (i2, _t, args, site) => {
      const src = args[0];
      const f = args[1];
      let arr: Value[];
      let from: 'arr' | 'length' = 'arr';
      let n: number;
      if (Array.isArray(src)) {
        arr = src;
        n = src.length;
      } else if (typeof src === 'string') {
        arr = [...src];
        n = arr.length;
      } else if (src instanceof Obj) {
        const len = src.props.get('length');
        if (typeof len !== 'number')
          throw i2.error('unsupported', `Array.from needs an array or {length: n} at ${pos(site.r)}`, site.r);
        i2.steer(len);
        n = i2.value[len];
        if (!Number.isInteger(n) || n < 0 || n > 1e8)
          throw i2.error('runtime', `Invalid array length ${n} at ${pos(site.r)}`, site.r);
        arr = [];
        from = 'length';
      } else
        throw i2.error(
          'unsupported',
          `Array.from of ${src === undefined ? 'undefined' : 'this value'} at ${pos(site.r)}`,
          site.r,
        );
      if (f === undefined) return i2.newArray(from === 'length' ? new Array(n).fill(undefined) : [...arr], site);
      return i2.startHof({
        kind: 'from',
        arr,
        fn: f,
        out: presized(n),
        acc: undefined,
        hasAcc: false,
        n,
        loop: -1,
        savedLoop: -1,
        savedIter: 0,
        site,
        from,
      });
    }),
  );
  // Array is both a constructor and a namespace.
  g.set('Array', ARRAY_CTOR);
  (ARRAY_CTOR as Builtin & { ns?: Obj }).ns = arrayNs;
  const consoleObj = new Obj(undefined);
  for (const k of [
    'log',
    'warn',
    'error',
    'info',
    'debug',
    'table',
    'dir',
    'assert',
    'trace',
    'group',
    'groupEnd',
    'time',
    'timeEnd',
  ])
    consoleObj.props.set(
      k,
      fn(`console.${k}`, () => undefined),
    );
  g.set('console', consoleObj);
  const objectNs = new Obj(undefined);
  objectNs.props.set(
    'keys',
    fn('Object.keys', (i2, _t, args, site) => {
      const o = args[0];
      if (o instanceof Obj) return i2.newArray([...o.props.keys()], site);
      if (Array.isArray(o))
        return i2.newArray(
          o.map((_, k) => String(k)),
          site,
        );
      throw i2.error(
        'unsupported',
        `Object.keys of ${o === undefined ? 'undefined' : 'this value'} at ${pos(site.r)}`,
        site.r,
      );
    }),
  );
  objectNs.props.set(
    'values',
    fn('Object.values', (i2, _t, args, site) => {
      const o = args[0];
      if (o instanceof Obj) return i2.newArray([...o.props.values()], site);
      if (Array.isArray(o)) return i2.newArray([...o], site);
      throw i2.error('unsupported', `Object.values of this value at ${pos(site.r)}`, site.r);
    }),
  );
  objectNs.props.set(
    'entries',
    fn('Object.entries', (i2, _t, args, site) => {
      const o = args[0];
      if (o instanceof Obj)
        return i2.newArray(
          [...o.props].map(([k, v]) => i2.newArray([k, v], site)),
          site,
        );
      throw i2.error('unsupported', `Object.entries of this value at ${pos(site.r)}`, site.r);
    }),
  );
  objectNs.props.set(
    'freeze',
    fn('Object.freeze', (_i, _t, args) => args[0]),
  );
  objectNs.props.set(
    'assign',
    fn('Object.assign', (i2, _t, args, site) => {
      const target = args[0];
      if (!(target instanceof Obj))
        throw i2.error('unsupported', `Object.assign to this value at ${pos(site.r)}`, site.r);
      for (const s of args.slice(1)) if (s instanceof Obj) for (const [k, v] of s.props) target.props.set(k, v);
      return target;
    }),
  );
  g.set('Object', objectNs);
  g.set('undefined', undefined);
  g.set('NaN', NAN_MARK);
  g.set('Infinity', INF_MARK);
  void it;
  return g;
}

/** Global NaN / Infinity: a fresh const node per use (the lookup below replaces the marks). */
const NAN_MARK = new Builtin('NaN', () => undefined);
const INF_MARK = new Builtin('Infinity', () => undefined);

// Late binding of marks and namespaces in lookups / property reads.
const origLookup = Interp.prototype.lookup;
Interp.prototype.lookup = function (this: Interp, env: Env, name: string, site: SiteNode): Value {
  const v = origLookup.call(this, env, name, site);
  if (v === NAN_MARK) return this.constNode(NaN, { r: site.r, t: 'NaN' });
  if (v === INF_MARK) return this.constNode(Infinity, { r: site.r, t: 'Infinity' });
  return v;
};
const origGetProp = Interp.prototype.getProp;
Interp.prototype.getProp = function (this: Interp, o: Value, key: string | number, site: SiteNode) {
  if (o instanceof ConstNamespace && typeof key === 'string') {
    const c = o.consts[key];
    if (c !== undefined && Object.prototype.hasOwnProperty.call(o.consts, key)) return this.constNode(c, site);
    if (!o.props.has(key)) {
      const what = `${o.prefix}.${key}`;
      throw this.error(
        'unsupported',
        `Unsupported: ${what} in "${site.t ?? what}" at ${pos(site.r)}${o.prefix === 'Math' ? ': not differentiated; write it with supported Math functions' : ''}`,
        site.r,
      );
    }
  }
  if (o === ARRAY_CTOR && typeof key === 'string') {
    const ns = (ARRAY_CTOR as Builtin & { ns?: Obj }).ns!;
    const v = ns.props.get(key);
    if (v !== undefined) return v;
    throw this.error('unsupported', `Unsupported: Array.${key} at ${pos(site.r)}`, site.r);
  }
  return origGetProp.call(this, o, key, site);
};

// =============================================================================================
// Entry points

export interface TraceResult {
  program: ExprProgram;
}

/** Interprets `ir` for `target` with the given input values; returns the traced program. */
export function interpret(ir: IrProgram, target: IrTarget, options: InterpretOptions = {}): ExprProgram {
  const run = interpretSlices(ir, target, options);
  for (;;) {
    const r = run.next(); // without a slice length: one go, never pauses
    if (r.done) return r.value;
  }
}

/** How far a run in slices is: run time (ms, pauses not counted), interpreter steps, tape nodes. */
export interface RunProgress {
  millis: number;
  steps: number;
  nodes: number;
}

/**
 * `interpret` in slices of about `sliceMillis` of running each: yields the progress after each
 * slice, and goes on when resumed (`next()`); the result is the same program as `interpret`'s.
 * The time between slices does not count against the time budget. Stop a run by not resuming
 * it (or `return()`).
 */
export function* interpretSlices(
  ir: IrProgram,
  target: IrTarget,
  options: InterpretOptions = {},
  sliceMillis = Infinity,
): Generator<RunProgress, ExprProgram, void> {
  let noPlain: Set<string> | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const it = new Interp(ir, options);
    if (noPlain) it.noPlain = noPlain;
    try {
      const run = it.runSliced(target);
      let r: IteratorResult<void, ExprProgram>;
      for (;;) {
        it.sliceEnd = Date.now() + sliceMillis;
        r = run.next();
        if (r.done) break;
        const pausedAt = Date.now();
        yield it.progress();
        it.resumeAfter(Date.now() - pausedAt);
      }
      const p = r.value;
      const src = (p as ExprProgram & { source?: ProgramSource }).source!;
      const budgets: Budgets = {};
      if (options.maxSteps !== undefined) budgets.maxSteps = options.maxSteps;
      if (options.maxNodes !== undefined) budgets.maxNodes = options.maxNodes;
      if (options.maxDepth !== undefined) budgets.maxDepth = options.maxDepth;
      if (options.maxMillis !== undefined) budgets.maxMillis = options.maxMillis;
      if (Object.keys(budgets).length) src.budgets = budgets;
      if (target.fn !== undefined) {
        const fnIr = ir.functions[target.fn];
        const names: string[] = [];
        for (const prm of fnIr.params) patternNames(prm.p, names);
        src.params = names;
      }
      return p;
    } catch (e) {
      if (e instanceof RetraceNeeded) {
        noPlain = new Set([...(noPlain ?? []), ...e.names]);
        continue;
      }
      if (e instanceof RangeError && /call stack|Invalid array length/i.test(e.message)) {
        throw new GradientLensError('budget', `The program is too large to run: ${e.message}`);
      }
      throw e;
    }
  }
  throw new GradientLensError('runtime', 'Input names are ambiguous; qualify them as name@line:column');
}

/**
 * Runs the program and returns the raw tape (all recorded nodes, forward values filled in) and
 * the root, without building the ExprProgram: what the benchmark measures as "interpretation".
 */
export function traceTape(
  ir: IrProgram,
  target: IrTarget,
  options: InterpretOptions = {},
): { tape: Tape; root: number } {
  const it = new Interp(ir, options);
  it.runOnly(target);
  return it.rawTape(target);
}

/** Runs the whole top level, tolerating failing statements; returns the Tgt nodes that gave a number. */
export function probeTargets(ir: IrProgram, options: Budgets = {}): Set<object> {
  const it = new Interp(ir, options);
  it.keepGoing = true;
  try {
    it.run({ text: '', range: ZERO_RANGE, stmt: ir.body.length - 1 });
  } catch {
    // the target check at the end fails: only the hits matter
  }
  return it.hitTargets;
}
