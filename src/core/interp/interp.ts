/**
 * The interpreter, layer 5 of 5: class Interp, the complete interpreter. Builds the ExprProgram
 * from the tape (finish, build, selection), and binds the NaN/Infinity marks and the namespaces'
 * constants late in lookup/getProp (the patches after the class).
 */
import { GradientLensError } from '../errors';
import type { ArrayGroup, CallFrame, ExprNode, ExprProgram, InputNode, TargetSelection, TieDecision } from '../expr';
import type { IrTarget } from '../ir';
import { OP_LIST } from '../ops';
import { rememberCompiled, type Tape, TapeBuilder } from '../tape';
import { ARRAY_CTOR, ConstNamespace, INF_MARK, NAN_MARK } from './builtins';
import { Calls } from './calls';
import type { ProgramSource } from './options';
import { numericShape, RetraceNeeded } from './paths';
import {
  Builtin,
  Env,
  LEAF,
  Obj,
  OFF_PATH_MAX,
  OFF_PATH_PER_ELEMENT,
  Poison,
  pos,
  type SiteNode,
  TDZ,
  type Value,
  where,
} from './values';

export class Interp extends Calls {
  // =========================================================================================
  // The ExprProgram

  protected finish(target: IrTarget): ExprProgram {
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
  protected selectionOf(
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

  /**
   * Named arrays off the target's path (softmax's `p` when the loss reads only `p[label]`, or none
   * of it), for the vector view only (ExprProgram.offPath): their elements not in the program and
   * the nodes those need beyond it, numbered from `count` on in tape order (topological). An array
   * is left out when that needs an input the program does not have, an element computed after the
   * target, or more than OFF_PATH_PER_ELEMENT nodes per element (OFF_PATH_MAX in all).
   */
  protected offPath(
    candidates: Value[][],
    root: number,
    newId: Int32Array,
    count: number,
    mapFrame: (f: number) => number,
  ): ExprProgram['offPath'] {
    if (candidates.length === 0) return undefined;
    const { op, argStart, args, value } = this.tb;
    const offId = new Map<number, number>();
    const order: number[] = [];
    const picked: Array<{ arr: Value[]; shape: number[]; elements: number[] }> = [];
    for (const arr of candidates) {
      const shape: number[] = [];
      const elements: number[] = [];
      if (!numericShape(arr, shape, elements, new Set())) continue;
      if (elements.some((id) => id > root)) continue;
      const limit = Math.min(OFF_PATH_MAX - order.length, OFF_PATH_PER_ELEMENT * elements.length);
      const found = new Set<number>();
      const stack = elements.filter((id) => newId[id] < 0 && !offId.has(id));
      let fits = true;
      while (stack.length > 0 && fits) {
        const i = stack.pop()!;
        if (found.has(i)) continue;
        found.add(i);
        if (found.size > limit || this.inputIx[i] !== 0) fits = false;
        else if (op[i] !== LEAF) {
          for (let k = argStart[i]; k < argStart[i + 1]; k++) {
            const a = args[k];
            if (newId[a] < 0 && !offId.has(a) && !found.has(a)) stack.push(a);
          }
        }
      }
      if (!fits) continue;
      for (const i of found) {
        offId.set(i, -1);
        order.push(i);
      }
      picked.push({ arr, shape, elements });
    }
    if (picked.length === 0) return undefined;
    order.sort((a, b) => a - b);
    order.forEach((i, k) => offId.set(i, count + k));
    const idOf = (i: number) => (newId[i] >= 0 ? newId[i] : offId.get(i)!);
    const nodes: ExprNode[] = order.map((i) => {
      const site = this.sites[this.siteIx[i]];
      let node: ExprNode;
      if (op[i] === LEAF) node = { kind: 'const', value: value[i], label: site.t ?? String(value[i]), range: site.r };
      else {
        const spec = OP_LIST[op[i]];
        const a: number[] = [];
        for (let k = argStart[i]; k < argStart[i + 1]; k++) a.push(idOf(args[k]));
        node = { kind: 'op', op: spec.name, args: a, label: site.t ?? spec.symbol, range: site.r };
      }
      if (this.nameIx[i] !== 0) node.name = this.nameList[this.nameIx[i] - 1];
      const fr = mapFrame(this.frameOf[i]);
      if (fr >= 0) node.frame = fr;
      if (this.loopOf[i] >= 0) {
        node.loop = this.loopOf[i];
        node.iteration = this.iterOf[i];
      }
      return node;
    });
    const arrays = picked.map(({ arr, shape, elements }): ArrayGroup => {
      const info = this.arrays.get(arr)!;
      return { label: info.label, range: info.r, shape, elements: elements.map(idOf) };
    });
    return { nodes, arrays };
  }

  /**
   * The decisions taken at a tie (see TieDecision) that matter for the target: on a number computed
   * (not a literal or an input itself: a loop's `i < n` ends at i = n) from an input the target
   * depends on. One per source place, the first the run took.
   */
  protected ties(keep: Uint8Array, root: number, newId: Int32Array): TieDecision[] {
    if (this.tieCandidates.length === 0) return [];
    const { op, argStart, args } = this.tb;
    // Does the node depend on an input the target depends on? (The tape is in topological order.)
    const dep = new Uint8Array(this.n);
    for (let i = 0; i < this.n; i++) {
      if (op[i] === LEAF) dep[i] = this.inputIx[i] !== 0 && i <= root && keep[i] ? 1 : 0;
      else for (let k = argStart[i]; k < argStart[i + 1] && !dep[i]; k++) dep[i] = dep[args[k]];
    }
    const computed = (v: number) => v >= 0 && op[v] !== LEAF && dep[v] === 1;
    const out: TieDecision[] = [];
    const seen = new Set<SiteNode>();
    for (const c of this.tieCandidates) {
      if (seen.has(c.site)) continue;
      const hit = computed(c.a) ? c.a : computed(c.b) ? c.b : -1;
      if (hit < 0) continue;
      seen.add(c.site);
      // A number tested for truth is named by its variable where it has one (`z`, not `w * x`).
      const name = c.test === 'truth' && this.nameIx[c.a] !== 0 ? this.nameList[this.nameIx[c.a] - 1] : undefined;
      const tie: TieDecision = {
        text: name ?? c.site.t ?? '(expression)',
        range: c.site.r,
        test: c.test,
        value: c.test === 'truth' ? 0 : this.value[c.a],
      };
      if (hit <= root && newId[hit] >= 0) tie.node = newId[hit];
      out.push(tie);
    }
    return out;
  }

  /** The recorded tape as it is (every node, no ExprProgram objects): for the benchmark. */
  rawTape(target: IrTarget): { tape: Tape; root: number } {
    const root = this.targetValue;
    if (typeof root !== 'number') throw this.finishError(target);
    return { root, tape: this.tb.take() };
  }

  protected finishError(target: IrTarget): GradientLensError {
    try {
      this.finish(target);
    } catch (e) {
      if (e instanceof GradientLensError) return e;
      throw e;
    }
    return new GradientLensError('no-expression', 'no target');
  }

  protected build(root: number, target: IrTarget): ExprProgram {
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
      // Each node is on the stack at most once (marked -2 when pushed): typed arrays of the
      // tape's size, not arrays growing by push (a 20,000-deep chain is 20,000 deep here).
      const stack = new Int32Array(root + 1);
      const next = new Int32Array(root + 1);
      let depth = 1;
      stack[0] = root;
      next[0] = argStart[root];
      newId[root] = -2;
      while (depth > 0) {
        const top = depth - 1;
        const i = stack[top];
        const k = next[top];
        if (op[i] !== LEAF && k < argStart[i + 1]) {
          next[top] = k + 1;
          const a = args[k];
          if (newId[a] === -1) {
            newId[a] = -2;
            stack[depth] = a;
            next[depth] = argStart[a];
            depth++;
          }
        } else {
          newId[i] = count;
          order[count++] = i;
          depth--;
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
    const offCandidates: Value[][] = [];
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
      if (!ok) {
        if (info.bound) offCandidates.push(arr);
        continue;
      }
      arrays.push({ label: info.label, range: info.r, shape, elements, ...(info.at ? { bound: info.at } : {}) });
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
    const ties = this.ties(keep, root, newId);
    if (ties.length) program.ties = ties;
    const offPath = this.offPath(offCandidates, root, newId, count, mapFrame);
    if (offPath) program.offPath = offPath;
    if (target.selection) program.target.selection = this.selectionOf(target.selection, nodes, newId, root);
    (program as ExprProgram & { source?: ProgramSource }).source = { ir: this.ir, target, traced, steering };
    rememberCompiled(program, tape.take());
    return program;
  }
}

/** What to write instead of a refused namespace member. */
const NAMESPACE_HINT: Record<string, string> = {
  'Number.parseFloat': ': strings are never converted to numbers here; write the number',
  'Number.parseInt': ': strings are never converted to numbers here; write the number (Math.trunc for a number)',
};

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
        `Unsupported: ${what} in "${site.t ?? what}" at ${pos(site.r)}${NAMESPACE_HINT[what] ?? (o.prefix === 'Math' ? ': not differentiated; write it with supported Math functions' : '')}`,
        site.r,
      );
    }
  }
  if (o === ARRAY_CTOR && typeof key === 'string') {
    const ns = (ARRAY_CTOR as Builtin & { ns?: Obj }).ns!;
    const v = ns.props.get(key);
    if (v !== undefined) return v;
    const hint =
      key === 'prototype'
        ? ': call the method on the array itself (a.slice(1), a.map(f)); Array.prototype.m.call(a, ...) is a.m(...)'
        : `: Array has ${[...ns.props.keys()].join(', ')}`;
    throw this.error('unsupported', `Unsupported: Array.${key} at ${pos(site.r)}${hint}`, site.r);
  }
  return origGetProp.call(this, o, key, site);
};
