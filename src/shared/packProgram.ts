/**
 * A program's nodes and call frames as columns of typed arrays, for the `show` message (the
 * speed of issue 11's vector view: an MLP on a minibatch is ~24,000 nodes and ~9,000 frames).
 *
 * Posted as plain objects, that program is 6.6 MB of JSON: VS Code's `postMessage` stringifies it
 * with a replacer (a JS call per value), the workbench parses it and structured-clones it twice
 * into the webview's frames, and our wire codec scans it on both sides: seconds on a loaded
 * machine. Typed arrays travel as binary buffers (VS Code's webview messaging transfers every
 * ArrayBuffer view as bytes, engines.vscode ≥ 1.57) and the rest is small: labels, names and
 * operators once each in a string table, each distinct source range once.
 *
 * Lossless: a node or frame with a field or a value the columns do not describe goes as it is
 * (`extraNodes` / `extraFrames`), and every other key of the program travels unchanged (`rest`).
 * `unpackProgram` builds the same plain objects (same keys, same key order as the interpreter
 * makes them: V8 gives them the same shapes), nodes that shared a range object share one again.
 */
import type { CallFrame, ExprNode, ExprProgram, SourceRange } from '../core/expr';

export const PACKED = '$packedProgram';

/**
 * An index column as sent: the narrowest signed integer type that holds its values (−1 included),
 * 8 or 16 bits for most programs, so the message is smaller (issue 11: ~0.5 of the MLP's 1.9 MB).
 */
export type IntColumn = Int8Array | Int16Array | Int32Array;

/** `col` in the narrowest of Int8Array, Int16Array, Int32Array its values fit (the same numbers). */
export function narrowColumn(col: Int32Array): IntColumn {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo >= -0x80 && hi <= 0x7f) return new Int8Array(col);
  if (lo >= -0x8000 && hi <= 0x7fff) return new Int16Array(col);
  // A view of a longer buffer would post the whole buffer.
  return col.byteLength === col.buffer.byteLength ? col : col.slice();
}

export interface PackedProgram {
  [PACKED]: 1;
  /** Every key of the program but `nodes` and `frames`, as it is. */
  rest: Record<string, unknown>;
  /** The program's keys in their order. */
  keys: string[];
  strings: string[];
  /** Six numbers per distinct range: start, end, line, column, endLine, endColumn. */
  ranges: Float64Array;
  n: number;
  /** 0 const, 1 input, 2 op, 3 in extraNodes. */
  kind: Uint8Array;
  /** Bits: FREE, HAS_VALUE, HAS_SUGGESTED. */
  flags: Uint8Array;
  /** String index (−1: absent) of the label, the op, the name. */
  label: IntColumn;
  op: IntColumn;
  name: IntColumn;
  /** Range index of the node, of the input's literal (−1: absent). */
  range: IntColumn;
  literal: IntColumn;
  /** −1: absent. */
  frame: IntColumn;
  loop: IntColumn;
  iteration: IntColumn;
  value: Float64Array;
  suggested: Float64Array;
  /** args of node i: args[argStart[i] .. argStart[i+1]). */
  argStart: IntColumn;
  args: IntColumn;
  extraNodes: Record<number, ExprNode>;
  /** Frames: fn (string index), parent, range index, args (fArgStart/fArgs), result; −2 in fn: in extraFrames. */
  f: number;
  fFn: IntColumn;
  fParent: IntColumn;
  fRange: IntColumn;
  fResult: IntColumn;
  fArgStart: IntColumn;
  fArgs: IntColumn;
  extraFrames: Record<number, CallFrame>;
}

const FREE = 1;
const HAS_VALUE = 2;
const HAS_SUGGESTED = 4;
const EXTRA = 3;
const RANGE_KEYS = ['start', 'end', 'line', 'column', 'endLine', 'endColumn'] as const;

const isInt32 = (x: unknown): x is number => typeof x === 'number' && (x | 0) === x && !Object.is(x, -0);
const isIndex = (x: unknown): x is number => isInt32(x) && x >= 0;

/**
 * The object has exactly `count` own enumerable keys: with the keys checked one by one before, no
 * key the columns do not hold (a key present with the value undefined counts, and then fails).
 */
function exactly(o: object, count: number): boolean {
  let c = 0;
  for (const key in o) if (Object.prototype.hasOwnProperty.call(o, key)) c++;
  return c === count;
}

function isRange(r: unknown): r is SourceRange {
  if (typeof r !== 'object' || r === null || Object.getPrototypeOf(r) !== Object.prototype) return false;
  const keys = Object.keys(r);
  return (
    keys.length === RANGE_KEYS.length &&
    RANGE_KEYS.every((k, i) => keys[i] === k && isInt32((r as unknown as Record<string, unknown>)[k]))
  );
}

/** Does the program look like one the packer can take (nodes and frames arrays)? */
export function packable(p: unknown): p is ExprProgram {
  if (typeof p !== 'object' || p === null) return false;
  const q = p as Record<string, unknown>;
  return Array.isArray(q.nodes) && Array.isArray(q.frames);
}

export function packProgram(program: ExprProgram): PackedProgram {
  const strings: string[] = [];
  const stringIx = new Map<string, number>();
  const str = (s: string) => {
    let i = stringIx.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      stringIx.set(s, i);
    }
    return i;
  };
  const rangeList: number[] = [];
  const byObject = new Map<object, number>();
  const byText = new Map<string, number>();
  /** Range index, or −1 when it is not a plain six-integer range. */
  const range = (r: unknown): number => {
    if (typeof r !== 'object' || r === null) return -1;
    const hit = byObject.get(r);
    if (hit !== undefined) return hit;
    if (!isRange(r)) return -1;
    const key = `${r.start},${r.end},${r.line},${r.column},${r.endLine},${r.endColumn}`;
    let i = byText.get(key);
    if (i === undefined) {
      i = rangeList.length / 6;
      rangeList.push(r.start, r.end, r.line, r.column, r.endLine, r.endColumn);
      byText.set(key, i);
    }
    byObject.set(r, i);
    return i;
  };

  const nodes = program.nodes;
  const n = nodes.length;
  const kind = new Uint8Array(n);
  const flags = new Uint8Array(n);
  const label = new Int32Array(n).fill(-1);
  const op = new Int32Array(n).fill(-1);
  const name = new Int32Array(n).fill(-1);
  const rangeCol = new Int32Array(n).fill(-1);
  const literal = new Int32Array(n).fill(-1);
  const frame = new Int32Array(n).fill(-1);
  const loop = new Int32Array(n).fill(-1);
  const iteration = new Int32Array(n).fill(-1);
  const value = new Float64Array(n);
  const suggested = new Float64Array(n);
  const argStart = new Int32Array(n + 1);
  let argCount = 0;
  for (let i = 0; i < n; i++) {
    const a = (nodes[i] as { args?: unknown }).args;
    if (Array.isArray(a)) argCount += a.length;
  }
  const args = new Int32Array(argCount);
  const extraNodes: Record<number, ExprNode> = {};
  let w = 0;
  for (let i = 0; i < n; i++) {
    argStart[i] = w;
    const node = nodes[i];
    if (!packNode(node, i)) {
      kind[i] = EXTRA;
      extraNodes[i] = node;
      w = argStart[i]; // nothing kept of it in the columns
    }
  }
  argStart[n] = w;

  /** Writes node i into the columns; false (nothing kept) when it does not fit them. */
  function packNode(node: ExprNode, i: number): boolean {
    if (typeof node !== 'object' || node === null || Object.getPrototypeOf(node) !== Object.prototype) return false;
    const nd = node as unknown as Record<string, unknown>;
    const k = nd.kind === 'op' ? 2 : nd.kind === 'const' ? 0 : nd.kind === 'input' ? 1 : -1;
    if (k < 0 || typeof nd.label !== 'string') return false;
    const r = range(nd.range);
    if (r < 0) return false;
    // kind, label, range, and every other key the columns hold (then no key is left over).
    let known = 3;
    const nm = nd.name;
    if (nm !== undefined) {
      if (typeof nm !== 'string') return false;
      known++;
    }
    const fr = nd.frame;
    const lp = nd.loop;
    const it = nd.iteration;
    if (fr !== undefined) {
      if (!isIndex(fr)) return false;
      known++;
    }
    if (lp !== undefined) {
      if (!isIndex(lp)) return false;
      known++;
    }
    if (it !== undefined) {
      if (!isIndex(it)) return false;
      known++;
    }
    let fl = 0;
    if (k === 2) {
      const a = nd.args;
      if (typeof nd.op !== 'string' || !Array.isArray(a)) return false;
      for (let j = 0; j < a.length; j++) if (!isIndex(a[j])) return false;
      known += 2;
      if (!exactly(nd, known)) return false;
      for (let j = 0; j < a.length; j++) args[w++] = a[j] as number;
      op[i] = str(nd.op);
    } else if (k === 0) {
      if (typeof nd.value !== 'number') return false;
      if (!exactly(nd, known + 1)) return false;
      value[i] = nd.value;
      fl |= HAS_VALUE;
    } else {
      if (typeof nm !== 'string' || typeof nd.free !== 'boolean') return false;
      known++;
      const v = nd.value;
      const sg = nd.suggested;
      const lit = nd.literal;
      let l = -1;
      if (v !== undefined) {
        if (typeof v !== 'number') return false;
        known++;
      }
      if (sg !== undefined) {
        if (typeof sg !== 'number') return false;
        known++;
      }
      if (lit !== undefined) {
        l = range(lit);
        if (l < 0) return false;
        known++;
      }
      if (!exactly(nd, known)) return false;
      if (nd.free) fl |= FREE;
      if (v !== undefined) {
        value[i] = v as number;
        fl |= HAS_VALUE;
      }
      if (sg !== undefined) {
        suggested[i] = sg as number;
        fl |= HAS_SUGGESTED;
      }
      literal[i] = l;
    }
    kind[i] = k;
    flags[i] = fl;
    label[i] = str(nd.label);
    rangeCol[i] = r;
    if (nm !== undefined) name[i] = str(nm as string);
    if (fr !== undefined) frame[i] = fr as number;
    if (lp !== undefined) loop[i] = lp as number;
    if (it !== undefined) iteration[i] = it as number;
    return true;
  }

  // Frames.
  const frames = program.frames;
  const f = frames.length;
  const fFn = new Int32Array(f);
  const fParent = new Int32Array(f);
  const fRange = new Int32Array(f);
  const fResult = new Int32Array(f);
  const fArgStart = new Int32Array(f + 1);
  let fArgCount = 0;
  for (const fr of frames) if (Array.isArray(fr?.args)) fArgCount += fr.args.length;
  const fArgs = new Int32Array(fArgCount);
  const extraFrames: Record<number, CallFrame> = {};
  let fw = 0;
  for (let i = 0; i < f; i++) {
    fArgStart[i] = fw;
    const fr = frames[i];
    let ok =
      typeof fr === 'object' &&
      fr !== null &&
      Object.getPrototypeOf(fr) === Object.prototype &&
      typeof fr.fn === 'string' &&
      isInt32(fr.parent) &&
      isInt32(fr.result) &&
      Array.isArray(fr.args) &&
      exactly(fr, 5) &&
      range(fr.range) >= 0;
    if (ok) for (let j = 0; j < fr.args.length && ok; j++) ok = isIndex(fr.args[j]);
    if (!ok) {
      fFn[i] = -2;
      extraFrames[i] = fr;
      continue;
    }
    fFn[i] = str(fr.fn);
    fParent[i] = fr.parent;
    fRange[i] = range(fr.range);
    fResult[i] = fr.result;
    for (const a of fr.args) fArgs[fw++] = a;
  }
  fArgStart[f] = fw;

  const rest: Record<string, unknown> = {};
  for (const key of Object.keys(program)) if (key !== 'nodes' && key !== 'frames') rest[key] = (program as never)[key];
  return {
    [PACKED]: 1,
    rest,
    keys: Object.keys(program),
    strings,
    ranges: Float64Array.from(rangeList),
    n,
    kind,
    flags,
    label: narrowColumn(label),
    op: narrowColumn(op),
    name: narrowColumn(name),
    range: narrowColumn(rangeCol),
    literal: narrowColumn(literal),
    frame: narrowColumn(frame),
    loop: narrowColumn(loop),
    iteration: narrowColumn(iteration),
    value,
    suggested,
    argStart: narrowColumn(argStart),
    args: narrowColumn(w === args.length ? args : args.subarray(0, w)),
    extraNodes,
    f,
    fFn: narrowColumn(fFn),
    fParent: narrowColumn(fParent),
    fRange: narrowColumn(fRange),
    fResult: narrowColumn(fResult),
    fArgStart: narrowColumn(fArgStart),
    fArgs: narrowColumn(fw === fArgs.length ? fArgs : fArgs.subarray(0, fw)),
    extraFrames,
  };
}

export function isPacked(x: unknown): x is PackedProgram {
  return typeof x === 'object' && x !== null && (x as Record<string, unknown>)[PACKED] === 1;
}

const typed = <T>(x: unknown, ctor: abstract new (...a: never[]) => T, length?: number): x is T =>
  x instanceof ctor && (length === undefined || (x as unknown as ArrayLike<number>).length === length);
const intColumn = (x: unknown, length?: number): x is IntColumn =>
  typed(x, Int32Array, length) || typed(x, Int16Array, length) || typed(x, Int8Array, length);

/**
 * The program again, as plain objects; undefined when the columns do not fit together (a
 * malformed message: the caller's validation then rejects it).
 */
export function unpackProgram(p: PackedProgram): ExprProgram | undefined {
  const { n, f, strings } = p;
  if (!isIndex(n) || !isIndex(f) || !Array.isArray(strings) || typeof p.rest !== 'object' || p.rest === null)
    return undefined;
  const columnsOk =
    typed(p.kind, Uint8Array, n) &&
    typed(p.flags, Uint8Array, n) &&
    [p.label, p.op, p.name, p.range, p.literal, p.frame, p.loop, p.iteration].every((c) => intColumn(c, n)) &&
    typed(p.value, Float64Array, n) &&
    typed(p.suggested, Float64Array, n) &&
    intColumn(p.argStart, n + 1) &&
    intColumn(p.args) &&
    typed(p.ranges, Float64Array) &&
    p.ranges.length % 6 === 0 &&
    [p.fFn, p.fParent, p.fRange, p.fResult].every((c) => intColumn(c, f)) &&
    intColumn(p.fArgStart, f + 1) &&
    intColumn(p.fArgs) &&
    typeof p.extraNodes === 'object' &&
    p.extraNodes !== null &&
    typeof p.extraFrames === 'object' &&
    p.extraFrames !== null;
  if (!columnsOk) return undefined;
  const rangeCount = p.ranges.length / 6;
  const ranges: SourceRange[] = new Array(rangeCount);
  for (let i = 0; i < rangeCount; i++) {
    const b = i * 6;
    const R = p.ranges;
    ranges[i] = {
      start: R[b],
      end: R[b + 1],
      line: R[b + 2],
      column: R[b + 3],
      endLine: R[b + 4],
      endColumn: R[b + 5],
    };
  }
  const S = (i: number): string | undefined => (i >= 0 && i < strings.length ? strings[i] : undefined);
  const { kind, flags, label, op, name, range, literal, frame, loop, iteration, value, suggested, argStart, args } = p;
  if (argStart[n] > args.length) return undefined;

  const nodes: ExprNode[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const k = kind[i];
    if (k === EXTRA) {
      const e = p.extraNodes[i];
      if (typeof e !== 'object' || e === null) return undefined;
      nodes[i] = e;
      continue;
    }
    const lab = S(label[i]);
    const r = ranges[range[i]];
    if (lab === undefined || r === undefined) return undefined;
    const nm = name[i] >= 0 ? S(name[i]) : undefined;
    const fr = frame[i];
    const lp = loop[i];
    const fl = flags[i];
    let node: ExprNode;
    // The interpreter's key order: kind, what the kind has, label, range; then name, frame, loop, iteration.
    if (k === 2) {
      const o = S(op[i]);
      const s = argStart[i];
      const e = argStart[i + 1];
      if (o === undefined || e < s) return undefined;
      const a = new Array<number>(e - s);
      for (let j = s; j < e; j++) a[j - s] = args[j];
      node = { kind: 'op', op: o as never, args: a, label: lab, range: r };
    } else if (k === 0) {
      node = { kind: 'const', value: value[i], label: lab, range: r };
    } else if (k === 1) {
      if (nm === undefined) return undefined;
      const inp: ExprNode = { kind: 'input', name: nm, label: lab, range: r, free: (fl & FREE) !== 0 };
      if (fl & HAS_VALUE) inp.value = value[i];
      if (literal[i] >= 0) {
        const l = ranges[literal[i]];
        if (l === undefined) return undefined;
        inp.literal = l;
      }
      if (fl & HAS_SUGGESTED) inp.suggested = suggested[i];
      node = inp;
    } else return undefined;
    if (nm !== undefined && k !== 1) node.name = nm;
    if (fr >= 0) node.frame = fr;
    if (lp >= 0) node.loop = lp;
    if (iteration[i] >= 0) node.iteration = iteration[i];
    nodes[i] = node;
  }

  const frames: CallFrame[] = new Array(f);
  const { fFn, fParent, fRange, fResult, fArgStart, fArgs } = p;
  if (fArgStart[f] > fArgs.length) return undefined;
  for (let i = 0; i < f; i++) {
    if (fFn[i] === -2) {
      const e = p.extraFrames[i];
      if (typeof e !== 'object' || e === null) return undefined;
      frames[i] = e;
      continue;
    }
    const fn = S(fFn[i]);
    const r = ranges[fRange[i]];
    const s = fArgStart[i];
    const e = fArgStart[i + 1];
    if (fn === undefined || r === undefined || e < s) return undefined;
    const a = new Array<number>(e - s);
    for (let j = s; j < e; j++) a[j - s] = fArgs[j];
    frames[i] = { fn, parent: fParent[i], range: r, args: a, result: fResult[i] };
  }
  if (!Array.isArray(p.keys)) return undefined;
  const program: Record<string, unknown> = {};
  for (const key of p.keys)
    if (typeof key === 'string' && key !== '__proto__')
      program[key] = key === 'nodes' ? nodes : key === 'frames' ? frames : p.rest[key];
  return program as unknown as ExprProgram;
}
