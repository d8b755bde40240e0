/**
 * The interpreter's runtime values: scopes (Env), objects, functions, builtins, classes, imports,
 * poisoned names, the Value union, TDZ and PENDING; the task record the machine runs (T, Task,
 * HofState); operator codes and source positions; and `Interp`, the interface through which
 * builtins and compiled closures call the interpreter (so they need not import the class).
 */
import { GradientLensError } from '../errors';
import type { SourceRange } from '../expr';
import { type Expr, type IrClass, type IrFunction, K } from '../ir';
import { OP_CODE } from '../ops';

// ---------------------------------------------------------------------------------------------
// Runtime values. A number is a tape node id (a JS number); everything else is inert.

export const TDZ: unique symbol = Symbol('tdz');

/**
 * A scope's bindings: parallel arrays searched linearly while small (most scopes hold a few
 * names; interned strings compare by pointer), a Map index once large (the file's top level).
 */
export class Env {
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

export class Obj {
  readonly props = new Map<string, Value>();
  acc: Map<string, { get?: Fun; set?: Fun }> | undefined;
  label: string | undefined;
  constructor(public proto: Obj | undefined) {}
}

/**
 * Objects and arrays passed to Object.freeze: a write to them is refused (JavaScript throws a
 * TypeError in strict code and silently ignores it elsewhere; either way the value is not the one
 * written).
 */
export const FROZEN = new WeakSet<object>();

/**
 * Arrays that may have empty slots (holes): `new Array(n)`, a literal `[a, , b]`, an assignment
 * past the end, a longer `length`, and slices/concatenations of such arrays. Elements are stored
 * as undefined; an undefined element of such an array is taken for a hole. JavaScript's
 * map/forEach/filter/reduce/some/every/flatMap, for…in, indexOf and flat skip holes (so
 * `new Array(3).map((_, i) => i)` is still empty): those are refused on a hole rather than run
 * over it as undefined (which gave other numbers).
 */
export const HOLEY = new WeakSet<Value[]>();

/** Index of the first hole of a holey array, or -1. */
export function firstHole(a: Value[]): number {
  if (!HOLEY.has(a)) return -1;
  for (let i = 0; i < a.length; i++) if (a[i] === undefined) return i;
  return -1;
}

/** A #private field's key (`#p`): not a property JavaScript lists (Object.keys, spread, for…in). */
export function isPrivate(key: string): boolean {
  return key.startsWith('#');
}

/**
 * An object's own keys in JavaScript's order (for…in, Object.keys/values/entries): array-index
 * keys ("0", "2", ... up to 2³² − 2) ascending, then the other keys in insertion order.
 */
export function ownKeys(o: Obj): string[] {
  let ints: string[] | undefined;
  const rest: string[] = [];
  for (const k of o.props.keys()) {
    if (isPrivate(k)) continue;
    const n = k.length <= 10 ? Number(k) : NaN;
    if (Number.isInteger(n) && n >= 0 && n <= 4294967294 && String(n) === k) (ints ??= []).push(k);
    else rest.push(k);
  }
  if (!ints) return rest;
  ints.sort((a, b) => Number(a) - Number(b));
  return ints.concat(rest);
}

export class Fun {
  /** The class a method or constructor belongs to (for `super`). */
  home: ClassV | undefined;
  isCtor = false;
  /** A static method: its `super.m` is the parent class's static m. */
  isStatic = false;
  constructor(
    readonly fi: number,
    readonly fn: IrFunction,
    readonly env: Env,
  ) {}
}

export type BuiltinImpl = (it: Interp, thisV: Value, args: Value[], site: SiteNode) => Value | typeof PENDING;

export class Builtin {
  constructor(
    readonly name: string,
    readonly impl: BuiltinImpl,
    /** Math functions of fixed arity: as a callback (`xs.map(Math.exp)`) the extra arguments are dropped, as JavaScript ignores them. */
    readonly arity?: number,
  ) {}
}

export class ClassV {
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

export class ImportV {
  constructor(
    readonly name: string,
    readonly from: string,
    readonly r: SourceRange,
  ) {}
}

export class Poison {
  constructor(readonly error: GradientLensError) {}
}

/**
 * A deleted Set entry: the entry list keeps its place, so a running for…of / forEach skips it
 * and visits entries added later, as JavaScript's Set iteration does. Never a value a program sees
 * (if it leaked, using it would throw).
 */
export const GONE = new Poison(new GradientLensError('runtime', 'a deleted Set entry was used'));

/** An optional chain that short-circuited, on its way to the end of the chain (never seen by the program). */
export const SHORT = new Poison(
  new GradientLensError('runtime', 'internal: a short-circuited optional chain was used'),
);

/**
 * A Set: its entries in insertion order (GONE where one was deleted), indexed, and their count. Membership
 * is JavaScript's SameValueZero: numbers by value (a read of their values: it steers the run),
 * strings and booleans by value, objects by identity.
 */
export class SetObj extends Obj {
  readonly items: Value[] = [];
  /** Entry position by key: the value, or a number's forward value (see setIndex in builtins.ts). */
  readonly index = new Map<unknown, number>();
  count = 0;
  constructor() {
    super(undefined);
  }
}

/**
 * A Map: its entries in insertion order, each a [key, value] pair (GONE where one was deleted,
 * so a running iteration skips it and visits entries added later, as JavaScript does), indexed
 * by key as SetObj is (SameValueZero; a number by its forward value, which steers the run).
 * for…of and spread yield copies of the pairs, as JavaScript yields fresh arrays.
 */
export class MapObj extends Obj {
  readonly entries: Value[] = [];
  readonly index = new Map<unknown, number>();
  count = 0;
  constructor() {
    super(undefined);
  }
}

/**
 * What a Map's or Set's keys() / values() / entries() return: an iterator in JavaScript. It is
 * offered where an iterator and an array behave alike (for…of, spread, Array.from, new Map/Set),
 * and refused elsewhere (`.length`, `.map`, `.next()`: they differ).
 */
export class IterObj extends Obj {
  constructor(
    /** A MapObj's entries, a SetObj's items or an array (keys(), entries()): the live list. */
    readonly list: Value[],
    readonly mode: IterMode,
    readonly what: string,
  ) {
    super(undefined);
  }
  /** Read once already: JavaScript's iterator is then used up (or resumes where a break left it); refused. */
  used = false;
}

/** How a live entry list yields: the element itself, a copy of the pair, its key, its value, [v, v]. */
export const enum IterMode {
  Item = 0,
  Pair = 1,
  Key = 2,
  Val = 3,
  Twice = 4,
  /** An array's keys(): the index. */
  Index = 5,
  /** An array's entries(): [index, element], the element read when the iteration reaches it. */
  IndexPair = 6,
}

/** An object made by `new Error(message)` (or TypeError, RangeError): `instanceof` knows it. */
export class ErrorObj extends Obj {
  constructor(readonly kind: string) {
    super(undefined);
  }
}

export type Value =
  number | string | boolean | undefined | null | Value[] | Obj | Fun | Builtin | ClassV | ImportV | Poison;

export const PENDING: unique symbol = Symbol('pending');

export type SiteNode = { r: SourceRange; t?: string };

// ---------------------------------------------------------------------------------------------
// The interpreter as builtins (./builtins) and compiled closures (./compile) use it. The class is
// Interp (./interp, built up in layers: ./machine, ./step, ./statements, ./calls); this interface
// lists the members they call, so that those modules need not import the class (no import cycle).

export interface Interp {
  mutations: number;
  readonly n: number;
  readonly value: Float64Array;
  constNode(v: number, site: SiteNode): number;
  nodeN(code: number, ids: number[], v: number, site: SiteNode): number;
  branchValue(v: Value, before: number, site: SiteNode): Value;
  apply1(code: number, a: number, site: SiteNode): number;
  apply2(code: number, a: number, b: number, site: SiteNode): number;
  error(
    code: 'unsupported' | 'runtime' | 'unknown-name' | 'unknown-call',
    message: string,
    r: SourceRange,
    details?: string[],
  ): GradientLensError;
  num(v: Value, site: SiteNode, what?: string): number;
  lookup(env: Env, name: string, site: SiteNode): Value;
  assignVar(env: Env, name: string, v: Value, site: SiteNode): void;
  newArray(items: Value[], site: SiteNode, label?: string): Value[];
  steer(v: number): void;
  truthy(v: Value): boolean;
  /** The value of `a || b` when `a` was falsy and `b` is its right side's value (see orFalsy). */
  orFalsy(a: Value, b: Value, site: SiteNode): Value;
  toStr(v: Value, site: SiteNode): string;
  key(v: Value, site: SiteNode): string | number;
  strictEq(a: Value, b: Value): boolean;
  binary(op: string, a: Value, b: Value, node: { r: SourceRange; t: string }): Value;
  getProp(o: Value, key: string | number, site: SiteNode): Value | typeof PENDING;
  frozenWrite(what: string, site: SiteNode): GradientLensError;
  checkNoAccessors(o: Obj, what: string, site: SiteNode): void;
  checkNoHoles(a: Value[], what: string, site: SiteNode): void;
  updateValue(node: Extract<Expr, { k: K.Update }>, old: Value): number;
  invoke(f: Value, thisV: Value, args: Value[], site: SiteNode, isCtor: boolean): void;
  startHof(st: HofState): typeof PENDING;
}

// ---------------------------------------------------------------------------------------------
// Tasks

export const enum T {
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

export class Task {
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

export interface HofState {
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
  /** Set.prototype.forEach: the Set (arr is its live entry list; GONE entries are skipped). */
  set?: Value;
  /** The element the running callback was given (filter and find return it, not a re-read). */
  cur?: Value;
  /** reduceRight, findLast, findLastIndex: visit index n − 1 − i at step i. */
  rev?: boolean;
  /** .sort(cmp) / .toSorted(cmp): the state of the sort (see Calls.sortStep). */
  sort?: SortState;
}

/**
 * A sort with a comparator in the task machine: node's TimSort (timsort.ts) at every length, so
 * the comparator is called on the same pairs in the same order as node does.
 */
export interface SortState {
  /** The elements being sorted (undefined ones set aside: they go last, never compared). */
  work: Value[];
  undefs: number;
  /** The array written back (sort) or undefined (toSorted: a new array). */
  target: Value[] | undefined;
  /** node's TimSort over work, yielding each comparison (timsort.ts); made at the first step. */
  gen?: Generator<[Value, Value], void, number>;
  /** A comparator result that was not a number, or NaN (refused from 64 elements up: see compareResult). */
  odd: string | undefined;
}

// ---------------------------------------------------------------------------------------------

export const LEAF = -1;
export const ADD = OP_CODE.add,
  SUB = OP_CODE.sub,
  MUL = OP_CODE.mul,
  DIV = OP_CODE.div,
  MOD = OP_CODE.mod,
  POW = OP_CODE.pow,
  NEG = OP_CODE.neg,
  POS = OP_CODE.pos,
  BRANCH = OP_CODE.branch;

/** Off-path arrays (Interp.offPath): at most this many nodes per element, and in all. */
export const OFF_PATH_PER_ELEMENT = 16;
export const OFF_PATH_MAX = 50_000;

export const BIN_OPS: Record<string, number> = {
  '+': ADD,
  '-': SUB,
  '*': MUL,
  '/': DIV,
  '%': MOD,
  '**': POW,
  // 32-bit integer operators: derivative 0 (ops.ts)
  '&': OP_CODE.bitand,
  '|': OP_CODE.bitor,
  '^': OP_CODE.bitxor,
  '<<': OP_CODE.shl,
  '>>': OP_CODE.shr,
  '>>>': OP_CODE.ushr,
};

export function pos(r: SourceRange): string {
  return `${r.line}:${r.column}`;
}

export function where(r: SourceRange): { line: number; column: number; start: number; end: number } {
  return { line: r.line, column: r.column, start: r.start, end: r.end };
}
