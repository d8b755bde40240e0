/**
 * The allowlisted globals: refused names and their messages, Math, Number constants, the Array,
 * String, Number and Function methods, the Array and Object namespaces, the NaN/Infinity marks,
 * and makeGlobals (the global scope of a run). Nothing here reaches a real global.
 */
import { MATH_CONSTANTS, OP_CODE, OP_LIST } from '../ops';
import { presized, ZERO_RANGE } from './paths';
import {
  ADD,
  Builtin,
  type BuiltinImpl,
  Env,
  FROZEN,
  Fun,
  GONE,
  type HofState,
  HOLEY,
  type Interp,
  MUL,
  Obj,
  isPrivate,
  ownKeys,
  PENDING,
  pos,
  ErrorObj,
  IterMode,
  IterObj,
  MapObj,
  SetObj,
  type SiteNode,
  type Value,
} from './values';

// =============================================================================================
// Builtins

export const OBJECT_PROTO: Obj | undefined = undefined;

/**
 * The names every JavaScript object inherits from Object.prototype: reading one that is not an
 * own field gives a function (or, for `__proto__`, the prototype), never undefined, so such a read
 * is refused rather than run as undefined.
 */
export const OBJECT_PROTO_NAMES: ReadonlySet<string> = new Set([
  'constructor',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toString',
  'toLocaleString',
  'valueOf',
  '__proto__',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

/**
 * A table looked up by a name from the program, without a prototype: `ARRAY_METHODS['constructor']`
 * is undefined, not Object.
 */
export function ownOnly<T>(table: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, table);
}

export const REFUSED_GLOBALS: Record<string, string> = ownOnly({
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
  Float64Array: 'typed arrays are not supported; use an array',
  Float32Array: 'typed arrays are not supported; use an array',
  Int32Array: 'typed arrays are not supported; use an array (Math.trunc or | 0 for integers)',
  Uint8Array: 'typed arrays are not supported; use an array',
  structuredClone: 'copy with spread or map instead ({ ...o }, a.map((row) => [...row]))',
  WeakMap: 'use a Map (new Map<object, number>()): its keys compare the same way',
  WeakSet: 'use a Set: its members compare the same way',
});

export function fn(name: string, impl: BuiltinImpl, arity?: number): Builtin {
  return new Builtin(name, impl, arity);
}

export function mathFn(name: string): Builtin | undefined {
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
    case 'imul':
      return fn(
        `Math.${name}`,
        (it, _t, args, site) => {
          if (args.length !== 2)
            throw it.error(
              'unsupported',
              `Math.${name} with ${args.length} argument${args.length === 1 ? '' : 's'} in "${site.t}" at ${pos(site.r)}`,
              site.r,
            );
          return it.apply2(code, it.num(args[0], site), it.num(args[1], site), site);
        },
        2,
      );
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
      return fn(
        `Math.${name}`,
        (it, _t, args, site) => {
          if (args.length !== 1)
            throw it.error(
              'unsupported',
              `Math.${name} with ${args.length} arguments in "${site.t}" at ${pos(site.r)}`,
              site.r,
            );
          return it.apply1(code, it.num(args[0], site), site);
        },
        1,
      );
  }
}

export const MATH_UNARY: Record<string, true> = Object.fromEntries(
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

export class MathObj extends Obj {}

export function makeMath(): Obj {
  const m = new MathObj(undefined);
  for (const name of [...Object.keys(MATH_UNARY), 'max', 'min', 'pow', 'atan2', 'imul', 'hypot', 'random']) {
    const b = mathFn(name);
    if (b) m.props.set(name, b);
  }
  m.label = 'Math';
  return m;
}

// ---- Set (micrograd's backward() builds its topological order with one) ----

/**
 * Set members and Map entries share one keyed store: `slots` in insertion order (GONE where one was
 * deleted, so a running iteration keeps its places), `index` from key to slot, `count` live.
 * `keyOf` reads a slot's key (a Set member is its own key; a Map entry is a [key, value] pair).
 */
type Keyed = { readonly index: Map<unknown, number>; count: number };
type KeyOf = (slot: Value) => Value;
const MEMBER: KeyOf = (v) => v;
const ENTRY_KEY: KeyOf = (e) => (e as Value[])[0];

/**
 * The slot of key `k`, or -1. A JS Map's or Set's key equality is SameValueZero, so `index` is
 * keyed by the value itself, and a number (a tape node) by its forward value. Looking a number up
 * reads its value and, on a hit, the value of the key it matched; on a miss, the values of all
 * number keys (any of them could match after an input edit): each read steers the run.
 */
function keyIndex(it: Interp, c: Keyed, slots: Value[], keyOf: KeyOf, k: Value): number {
  if (typeof k !== 'number') return c.index.get(k) ?? -1;
  it.steer(k);
  const i = c.index.get(it.value[k]);
  if (i !== undefined) it.steer(keyOf(slots[i]) as number);
  else
    for (const x of slots) {
      if (x === GONE) continue;
      const key = keyOf(x);
      if (typeof key === 'number') it.steer(key);
    }
  return i ?? -1;
}

/** Stores `k` as a new key at the end of `slots`' index; -0 becomes +0 as in JavaScript (-0 + 0: the gradient kept). */
function newKey(it: Interp, c: Keyed, slots: Value[], k: Value, site: SiteNode): Value {
  c.index.set(typeof k === 'number' ? it.value[k] : k, slots.length);
  c.count++;
  return typeof k === 'number' && Object.is(it.value[k], -0) ? it.apply2(ADD, k, it.constNode(0, site), site) : k;
}

function keyDelete(it: Interp, c: Keyed, slots: Value[], keyOf: KeyOf, k: Value): boolean {
  const i = keyIndex(it, c, slots, keyOf, k);
  if (i < 0) return false;
  c.index.delete(typeof k === 'number' ? it.value[k] : k);
  slots[i] = GONE; // keeps the places of a running iteration
  c.count--;
  return true;
}

function keyClear(c: Keyed, slots: Value[]): undefined {
  for (let i = 0; i < slots.length; i++) slots[i] = GONE;
  c.index.clear();
  c.count = 0;
  return undefined;
}

/** The entry of `v` in the Set, or -1 (keyIndex: number members steer the run). */
function setIndex(it: Interp, s: SetObj, v: Value): number {
  return keyIndex(it, s, s.items, MEMBER, v);
}

export function setAdd(it: Interp, s: SetObj, v: Value): void {
  if (setIndex(it, s, v) >= 0) return;
  s.items.push(newKey(it, s, s.items, v, { r: ZERO_RANGE }));
}

/** The entries now (for spread and Array.from; values()/keys() are iterators in JavaScript: not offered). */
export function setEntries(s: SetObj): Value[] {
  return s.items.filter((v) => v !== GONE);
}

function thisSet(it: Interp, t: Value, site: SiteNode, name: string): SetObj {
  // (Object.freeze does not freeze a Set's entries, in JavaScript either.)
  if (t instanceof SetObj) return t;
  throw it.error('unsupported', `.${name} is called on ${typeof t} at ${pos(site.r)}: call it on a Set`, site.r);
}

export const SET_CTOR = fn('Set', (it, _t, args, site) => {
  const s = new SetObj();
  const src = args[0];
  if (src === undefined || src === null) return s;
  if (Array.isArray(src)) it.checkNoHoles(src, 'new Set', site);
  const items = iterSnapshot(it, src, site);
  if (items === undefined)
    throw it.error('unsupported', `new Set of ${typeof src} at ${pos(site.r)}: give it an array`, site.r);
  for (const v of items) setAdd(it, s, v);
  return s;
});

export const SET_METHODS: Record<string, Builtin> = ownOnly({
  add: fn('add', (it, t, args, site) => {
    setAdd(it, thisSet(it, t, site, 'add'), args[0]);
    return t;
  }),
  has: fn('has', (it, t, args, site) => setIndex(it, thisSet(it, t, site, 'has'), args[0]) >= 0),
  delete: fn('delete', (it, t, args, site) => {
    const s = thisSet(it, t, site, 'delete');
    return keyDelete(it, s, s.items, MEMBER, args[0]);
  }),
  clear: fn('clear', (it, t, _args, site) => {
    const s = thisSet(it, t, site, 'clear');
    return keyClear(s, s.items);
  }),
  forEach: fn('forEach', (it, t, args, site) => {
    const s = t instanceof SetObj ? t : thisSet(it, t, site, 'forEach');
    const f = args[0];
    if (!(f instanceof Fun || f instanceof Builtin))
      throw it.error('unsupported', `.forEach needs a function at ${pos(site.r)}`, site.r);
    const st: HofState = {
      kind: 'setForEach',
      arr: s.items, // live: entries added during the loop are visited, deleted ones skipped
      fn: f,
      out: undefined,
      acc: undefined,
      hasAcc: false,
      n: s.items.length,
      loop: -1,
      savedLoop: -1,
      savedIter: 0,
      site,
      from: 'arr',
      set: s,
    };
    if (args.length > 1) st.thisArg = args[1];
    return it.startHof(st);
  }),
});

// ---- Map (keys compared as a Set's members are) ----

/** The entry of key `k` in the Map, or -1 (keyIndex: number keys steer the run). */
function mapIndex(it: Interp, m: MapObj, k: Value): number {
  return keyIndex(it, m, m.entries, ENTRY_KEY, k);
}

export function mapSet(it: Interp, m: MapObj, k: Value, v: Value, site: SiteNode): void {
  const i = mapIndex(it, m, k);
  if (i >= 0) {
    // a new pair: one a running for…of already copied is not changed (JavaScript yields fresh arrays)
    m.entries[i] = [(m.entries[i] as Value[])[0], v];
    return;
  }
  m.entries.push([newKey(it, m, m.entries, k, site), v]);
}

function thisMap(it: Interp, t: Value, site: SiteNode, name: string): MapObj {
  if (t instanceof MapObj) return t;
  throw it.error('unsupported', `.${name} is called on ${typeof t} at ${pos(site.r)}: call it on a Map`, site.r);
}

/**
 * Marks a keys()/values()/entries() iterator as read; a second read is refused: in JavaScript
 * the first one used it up (a second for…of or spread gets nothing, or the rest after a break).
 */
export function useIter(it: Interp, v: IterObj, site: SiteNode): void {
  if (v.used)
    throw it.error(
      'unsupported',
      `Unsupported: ${v.what} at ${pos(site.r)} is read a second time: in JavaScript its first for…of, spread or Array.from used it up (the second read gets nothing, or what a break left); call ${v.what} again for each read`,
      site.r,
    );
  v.used = true;
}

/**
 * The elements an iterable gives now (spread, Array.from, new Map/Set): an array's, a string's
 * characters, a Set's members, a Map's [key, value] pairs (copies), an iterator's; undefined for
 * anything else.
 */
export function iterSnapshot(it: Interp, v: Value, site: SiteNode): Value[] | undefined {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (v instanceof SetObj) return setEntries(v);
  let list: Value[];
  let mode: IterMode;
  if (v instanceof MapObj) {
    list = v.entries;
    mode = IterMode.Pair;
  } else if (v instanceof IterObj) {
    useIter(it, v, site);
    list = v.list;
    mode = v.mode;
  } else return undefined;
  const out: Value[] = [];
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (e === GONE) continue;
    const p = e as Value[];
    switch (mode) {
      case IterMode.Index:
        out.push(it.constNode(i, site));
        break;
      case IterMode.IndexPair:
        out.push(it.newArray([it.constNode(i, site), e], site));
        break;
      case IterMode.Pair:
        out.push(it.newArray([p[0], p[1]], site));
        break;
      case IterMode.Key:
        out.push(p[0]);
        break;
      case IterMode.Val:
        out.push(p[1]);
        break;
      case IterMode.Twice:
        out.push(it.newArray([e, e], site));
        break;
      default:
        out.push(e);
    }
  }
  return out;
}

export const MAP_CTOR = fn('Map', (it, _t, args, site) => {
  const m = new MapObj();
  const src = args[0];
  if (src === undefined || src === null) return m;
  if (Array.isArray(src)) it.checkNoHoles(src, 'new Map', site);
  const items = iterSnapshot(it, src, site);
  if (items === undefined || typeof src === 'string')
    throw it.error(
      'unsupported',
      `new Map of ${typeof src} at ${pos(site.r)}: give it an array of [key, value] pairs`,
      site.r,
    );
  for (const e of items) {
    if (!Array.isArray(e))
      throw it.error(
        'unsupported',
        `new Map at ${pos(site.r)}: an entry is ${e === undefined ? 'undefined' : typeof e}, not a [key, value] array`,
        site.r,
      );
    mapSet(it, m, e[0], e[1], site);
  }
  return m;
});

function iterFn(name: 'keys' | 'values' | 'entries', isMap: boolean): Builtin {
  return fn(name, (it, t, _args, site) => {
    if (isMap) {
      const m = thisMap(it, t, site, name);
      const mode = name === 'keys' ? IterMode.Key : name === 'values' ? IterMode.Val : IterMode.Pair;
      return new IterObj(m.entries, mode, `Map.${name}()`);
    }
    const s = thisSet(it, t, site, name);
    return new IterObj(s.items, name === 'entries' ? IterMode.Twice : IterMode.Item, `Set.${name}()`);
  });
}

export const SET_ITER_METHODS: Record<string, Builtin> = ownOnly({
  keys: iterFn('keys', false),
  values: iterFn('values', false),
  entries: iterFn('entries', false),
});

export const MAP_METHODS: Record<string, Builtin> = ownOnly({
  get: fn('get', (it, t, args, site) => {
    const m = thisMap(it, t, site, 'get');
    const i = mapIndex(it, m, args[0]);
    return i < 0 ? undefined : (m.entries[i] as Value[])[1];
  }),
  set: fn('set', (it, t, args, site) => {
    mapSet(it, thisMap(it, t, site, 'set'), args[0], args[1], site);
    return t;
  }),
  has: fn('has', (it, t, args, site) => mapIndex(it, thisMap(it, t, site, 'has'), args[0]) >= 0),
  delete: fn('delete', (it, t, args, site) => {
    const m = thisMap(it, t, site, 'delete');
    return keyDelete(it, m, m.entries, ENTRY_KEY, args[0]);
  }),
  clear: fn('clear', (it, t, _args, site) => {
    const m = thisMap(it, t, site, 'clear');
    return keyClear(m, m.entries);
  }),
  forEach: fn('forEach', (it, t, args, site) => {
    const m = thisMap(it, t, site, 'forEach');
    const f = args[0];
    if (!(f instanceof Fun || f instanceof Builtin))
      throw it.error('unsupported', `.forEach needs a function at ${pos(site.r)}`, site.r);
    const st: HofState = {
      kind: 'mapForEach',
      arr: m.entries, // live, as Set.forEach
      fn: f,
      out: undefined,
      acc: undefined,
      hasAcc: false,
      n: m.entries.length,
      loop: -1,
      savedLoop: -1,
      savedIter: 0,
      site,
      from: 'arr',
      set: m,
    };
    if (args.length > 1) st.thisArg = args[1];
    return it.startHof(st);
  }),
  keys: iterFn('keys', true),
  values: iterFn('values', true),
  entries: iterFn('entries', true),
});

// ---- Error, TypeError, RangeError: what `throw new Error(…)` throws ----

export const ERROR_KINDS = ['Error', 'TypeError', 'RangeError'];

function errorCtor(kind: string): Builtin {
  return fn(kind, (it, _t, args, site) => {
    const e = new ErrorObj(kind);
    const m = args[0];
    e.props.set('message', m === undefined ? '' : typeof m === 'string' ? m : it.toStr(m, site));
    e.props.set('name', kind);
    return e;
  });
}

export const ARRAY_CTOR = fn('Array', (it, _t, args, site) => {
  if (args.length === 1 && typeof args[0] === 'number') {
    it.steer(args[0]);
    const n = it.value[args[0]];
    if (!Number.isInteger(n) || n < 0 || n > 1e8)
      throw it.error('runtime', `Invalid array length ${n} at ${pos(site.r)}`, site.r);
    const a = it.newArray(new Array(n).fill(undefined), site);
    if (n > 0) HOLEY.add(a);
    return a;
  }
  return it.newArray([...args], site);
});

export const MUTATING = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'fill', 'reverse', 'sort']);

export function thisArray(it: Interp, t: Value, site: SiteNode, name: string): Value[] {
  if (MUTATING.has(name)) {
    it.mutations++;
    if (Array.isArray(t) && FROZEN.has(t)) throw it.frozenWrite(`call .${name}() on a frozen array`, site);
  }
  if (!Array.isArray(t))
    throw it.error(
      'unsupported',
      `.${name} on ${t === undefined ? 'undefined' : 'a non-array'} at ${pos(site.r)}`,
      site.r,
    );
  return t;
}

export function hof(kind: string): Builtin {
  return fn(kind, (it, t, args, site) => {
    const arr = thisArray(it, t, site, kind);
    if (!kind.startsWith('find')) it.checkNoHoles(arr, `.${kind}`, site); // find, findLast… visit holes as undefined
    const f = args[0];
    if (!(f instanceof Fun || f instanceof Builtin))
      throw it.error('unsupported', `.${kind} needs a function at ${pos(site.r)}`, site.r);
    const st: HofState = {
      kind,
      arr,
      fn: f,
      out: kind === 'map' ? presized(arr.length) : kind === 'filter' || kind === 'flatMap' ? [] : undefined,
      acc: kind === 'reduce' || kind === 'reduceRight' ? args[1] : undefined,
      hasAcc: (kind === 'reduce' || kind === 'reduceRight') && args.length >= 2,
      n: arr.length,
      loop: -1,
      savedLoop: -1,
      savedIter: 0,
      site,
      from: 'arr',
    };
    if (kind === 'reduceRight' || kind === 'findLast' || kind === 'findLastIndex') st.rev = true;
    // map(f, thisArg) and the like call f with this = thisArg (reduce's second argument is its start)
    if (kind !== 'reduce' && kind !== 'reduceRight' && args.length > 1) st.thisArg = args[1];
    return it.startHof(st);
  });
}

/**
 * `.sort(cmp)` (in place) and `.toSorted(cmp)` (a copy). With a comparator: the task machine
 * calls it (Calls.sortStep), reading its results. Without one JavaScript compares the elements
 * as strings: done for strings; refused for numbers (10 sorts before 9 in JavaScript, rarely what
 * was meant) and other values.
 */
function sorter(kind: 'sort' | 'toSorted'): Builtin {
  return fn(kind, (it, t, args, site) => {
    const arr = thisArray(it, t, site, kind);
    it.checkNoHoles(arr, `.${kind}`, site);
    const work: Value[] = [];
    let undefs = 0;
    for (const x of arr) {
      if (x === undefined) undefs++;
      else work.push(x);
    }
    const f = args[0];
    if (f === undefined) {
      for (const x of work)
        if (typeof x !== 'string')
          throw it.error(
            'unsupported',
            `.${kind}() without a comparator at ${pos(site.r)} on ${typeof x === 'number' ? 'numbers' : 'non-strings'}: JavaScript compares them as strings (10 before 9); give a comparator, e.g. .${kind}((a, b) => a - b)`,
            site.r,
          );
      const sorted = (work as string[]).slice().sort();
      const out: Value[] = sorted;
      for (let k = 0; k < undefs; k++) out.push(undefined);
      if (kind === 'toSorted') return it.newArray(out, site);
      for (let k = 0; k < out.length; k++) arr[k] = out[k];
      return arr;
    }
    if (!(f instanceof Fun || f instanceof Builtin))
      throw it.error('unsupported', `.${kind} needs a comparator function at ${pos(site.r)}`, site.r);
    const st: HofState = {
      kind,
      arr,
      fn: f,
      out: undefined,
      acc: undefined,
      hasAcc: false,
      n: arr.length,
      loop: -1,
      savedLoop: -1,
      savedIter: 0,
      site,
      from: 'arr',
      sort: {
        work,
        undefs,
        target: kind === 'sort' ? arr : undefined,
        odd: undefined,
      },
    };
    return it.startHof(st);
  });
}

export function intArg(it: Interp, v: Value, site: SiteNode, dflt: number): number {
  if (v === undefined) return dflt;
  const id = it.num(v, site, 'an index');
  it.steer(id);
  const x = it.value[id];
  return Number.isNaN(x) ? 0 : Math.trunc(x); // JavaScript's ToIntegerOrInfinity
}

export function relIndex(i: number, len: number): number {
  return i < 0 ? Math.max(0, len + i) : Math.min(i, len);
}

export const ARRAY_METHODS: Record<string, Builtin> = ownOnly({
  map: hof('map'),
  filter: hof('filter'),
  reduce: hof('reduce'),
  forEach: hof('forEach'),
  some: hof('some'),
  every: hof('every'),
  find: hof('find'),
  findIndex: hof('findIndex'),
  flatMap: hof('flatMap'),
  reduceRight: hof('reduceRight'),
  findLast: hof('findLast'),
  findLastIndex: hof('findLastIndex'),
  sort: sorter('sort'),
  toSorted: sorter('toSorted'),
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
    const out = it.newArray(a.slice(s, e), site);
    if (HOLEY.has(a)) HOLEY.add(out);
    return out;
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
    let holey = HOLEY.has(a);
    for (const x of args) {
      if (Array.isArray(x)) {
        out.push(...x);
        holey ||= HOLEY.has(x);
      } else out.push(x);
    }
    const r = it.newArray(out, site);
    if (holey) HOLEY.add(r);
    return r;
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
    it.checkNoHoles(a, '.indexOf', site);
    const from = relIndex(intArg(it, args[1], site, 0), a.length);
    for (let i = from; i < a.length; i++) if (it.strictEq(a[i], args[0])) return it.constNode(i, site);
    return it.constNode(-1, site);
  }),
  includes: fn('includes', (it, t, args, site) => {
    const a = thisArray(it, t, site, 'includes');
    const x = args[0];
    for (let i = relIndex(intArg(it, args[1], site, 0), a.length); i < a.length; i++) {
      const y = a[i];
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
    it.checkNoHoles(a, '.flat()', site);
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
  // Iterators over the live array, as in JavaScript: an element written or pushed by an earlier
  // pass of the for…of is the one yielded (they were copied when called, so a later pass saw the
  // old element).
  keys: fn('keys', (it, t, _args, site) => new IterObj(thisArray(it, t, site, 'keys'), IterMode.Index, 'keys()')),
  entries: fn(
    'entries',
    (it, t, _args, site) => new IterObj(thisArray(it, t, site, 'entries'), IterMode.IndexPair, 'entries()'),
  ),
});

export const STRING_METHODS: Record<string, Builtin> = ownOnly({
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
});

export const NUMBER_METHODS: Record<string, Builtin> = ownOnly({
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
});

export const FUNCTION_METHODS: Record<string, Builtin> = ownOnly({
  call: fn('call', (it, t, args, site) => {
    it.invoke(t, args[0], args.slice(1), site, false);
    return PENDING;
  }),
  apply: fn('apply', (it, t, args, site) => {
    const a = args[1];
    it.invoke(t, args[0], Array.isArray(a) ? [...a] : [], site, false);
    return PENDING;
  }),
  // f.bind(obj, a): a function calling f with this = obj and a before its own arguments.
  bind: fn('bind', (_it, t, args) => {
    const name = t instanceof Fun ? t.fn.name : (t as Builtin).name;
    const [self, ...first] = args;
    const arity = t instanceof Builtin && t.arity !== undefined ? Math.max(0, t.arity - first.length) : undefined;
    return fn(
      `bound ${name}`,
      (it, _this, rest, site) => {
        it.invoke(t, self, [...first, ...rest], site, false);
        return PENDING;
      },
      arity,
    );
  }),
});

export const NUMBER_CONSTANTS: Record<string, number> = {
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
export class ConstNamespace extends Obj {
  constructor(
    readonly prefix: string,
    readonly consts: Record<string, number>,
  ) {
    super(undefined);
    this.label = prefix;
  }
}

/** The global Math (compiled calls check for it). */
export class MathNs extends ConstNamespace {}

export function makeGlobals(it: Interp): Env {
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
  // Boolean(v): JavaScript's truthiness (xs.filter(Boolean) keeps the non-zero, non-NaN numbers)
  g.set(
    'Boolean',
    fn('Boolean', (it2, _t, args) => it2.truthy(args[0]), 1),
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
      } else if (src instanceof SetObj || src instanceof MapObj || src instanceof IterObj) {
        arr = iterSnapshot(i2, src, site)!;
        n = arr.length;
      } else if (src instanceof Obj) {
        const len = src.props.get('length');
        if (typeof len !== 'number')
          throw i2.error('unsupported', `Array.from needs an array or {length: n} at ${pos(site.r)}`, site.r);
        i2.steer(len);
        // JavaScript's ToLength: 2.7 → 2; NaN and negatives → 0 (only `new Array(2.7)` throws)
        const raw = i2.value[len];
        n = Number.isNaN(raw) || raw <= 0 ? 0 : Math.trunc(raw);
        if (n > 1e8)
          throw i2.error(
            'unsupported',
            `Array.from of length ${raw} at ${pos(site.r)}: too long (at most 1e8 elements)`,
            site.r,
          );
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
        thisArg: args[2], // Array.from(src, f, thisArg)
      });
    }),
  );
  // Array is both a constructor and a namespace.
  g.set('Array', ARRAY_CTOR);
  g.set('Set', SET_CTOR);
  g.set('Map', MAP_CTOR);
  for (const kind of ERROR_KINDS) g.set(kind, errorCtor(kind));
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
      if (o instanceof Obj) {
        i2.checkNoAccessors(o, 'Object.keys', site);
        return i2.newArray(ownKeys(o), site);
      }
      if (Array.isArray(o)) {
        i2.checkNoHoles(o, 'Object.keys', site);
        return i2.newArray(
          o.map((_, k) => String(k)),
          site,
        );
      }
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
      if (o instanceof Obj) {
        i2.checkNoAccessors(o, 'Object.values', site);
        return i2.newArray(
          ownKeys(o).map((k) => o.props.get(k) as Value),
          site,
        );
      }
      if (Array.isArray(o)) {
        i2.checkNoHoles(o, 'Object.values', site);
        return i2.newArray([...o], site);
      }
      throw i2.error('unsupported', `Object.values of this value at ${pos(site.r)}`, site.r);
    }),
  );
  objectNs.props.set(
    'entries',
    fn('Object.entries', (i2, _t, args, site) => {
      const o = args[0];
      if (o instanceof Obj) {
        i2.checkNoAccessors(o, 'Object.entries', site);
        return i2.newArray(
          ownKeys(o).map((k) => i2.newArray([k, o.props.get(k) as Value], site)),
          site,
        );
      }
      throw i2.error('unsupported', `Object.entries of this value at ${pos(site.r)}`, site.r);
    }),
  );
  objectNs.props.set(
    'fromEntries',
    fn('Object.fromEntries', (i2, _t, args, site) => {
      const src = args[0];
      if (Array.isArray(src)) i2.checkNoHoles(src, 'Object.fromEntries', site);
      const items =
        src instanceof Obj && !(src instanceof MapObj || src instanceof IterObj)
          ? undefined
          : iterSnapshot(i2, src, site);
      if (items === undefined || typeof src === 'string')
        throw i2.error(
          'unsupported',
          `Object.fromEntries of this value at ${pos(site.r)}: give it an array of [key, value] pairs or a Map`,
          site.r,
        );
      const o = new Obj(OBJECT_PROTO);
      for (const e of items) {
        if (!Array.isArray(e))
          throw i2.error(
            'unsupported',
            `Object.fromEntries at ${pos(site.r)}: an entry is not a [key, value] array`,
            site.r,
          );
        const k = i2.key(e[0], site);
        if (k === '__proto__')
          throw i2.error(
            'unsupported',
            `Object.fromEntries at ${pos(site.r)}: the key '__proto__' is not supported`,
            site.r,
          );
        o.props.set(String(k), e[1]);
      }
      return o;
    }),
  );
  objectNs.props.set(
    'freeze',
    fn('Object.freeze', (_i, _t, args) => {
      const o = args[0];
      if (Array.isArray(o) || o instanceof Obj) FROZEN.add(o);
      return o;
    }),
  );
  objectNs.props.set(
    'assign',
    fn('Object.assign', (i2, _t, args, site) => {
      const target = args[0];
      if (!(target instanceof Obj))
        throw i2.error('unsupported', `Object.assign to this value at ${pos(site.r)}`, site.r);
      if (FROZEN.has(target)) throw i2.frozenWrite('Object.assign into a frozen object', site);
      for (const s of args.slice(1)) {
        if (!(s instanceof Obj)) continue;
        i2.checkNoAccessors(s, 'Object.assign', site);
        for (const [k, v] of s.props) {
          if (isPrivate(k)) continue;
          for (let o: Obj | undefined = target; o; o = o.proto)
            if (o.acc?.has(k))
              throw i2.error(
                'unsupported',
                `Object.assign onto an object with a setter or getter ('${k}') at ${pos(site.r)}: JavaScript would call its setter; assign the field yourself (target.${k} = ...)`,
                site.r,
              );
          target.props.set(k, v);
        }
      }
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
export const NAN_MARK = new Builtin('NaN', () => undefined);
export const INF_MARK = new Builtin('Infinity', () => undefined);
