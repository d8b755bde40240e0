/**
 * Queries on a program and its tape that the host (hover, inline values, cursor link) and the
 * webview (graph, stepper) both ask: the node at a source offset, the top-level call a node is
 * the result of, the chain-rule terms of a node, the local derivatives of a whole call, and
 * whether a helper is a sigmoid. Pure: no DOM, no vscode.
 */
import type { ExprProgram } from './expr';
import { LEAF, type Tape } from './tape';

/** A helper named like a sigmoid (sigmoid, sigm, logistic): drawn as σ, local gradient σ(1−σ). */
export function isSigmoidName(fn: string | undefined): boolean {
  return /sigm|logistic/i.test(fn ?? '');
}

/** The top-level call (frame with parent −1) whose result is `node`, if any. */
export function topLevelFrameOf(program: ExprProgram, node: number): number | undefined {
  for (let f = 0; f < program.frames.length; f++) {
    const fr = program.frames[f];
    if (fr.parent === -1 && fr.result === node) return f;
  }
  return undefined;
}

/**
 * The innermost (smallest) node whose source range contains the offset, or null. A top-level
 * helper call (`sigmoid(...)`) counts as its result node (the folded σ gate); nodes inside
 * inlined helpers are skipped, since their ranges point into the helper's body.
 */
export function nodeAtOffset(program: ExprProgram, offset: number): number | null {
  let best: number | null = null;
  let bestLen = Infinity;
  const consider = (id: number, start: number, end: number) => {
    if (start <= offset && offset <= end && end - start < bestLen) {
      best = id;
      bestLen = end - start;
    }
  };
  program.nodes.forEach((n, id) => {
    if (n.frame === undefined) consider(id, n.range.start, n.range.end);
  });
  for (const f of program.frames) if (f.parent === -1) consider(f.result, f.range.start, f.range.end);
  return best;
}

export interface ChainTerm {
  /** The consuming gate. */
  gate: number;
  /** Edge index in tape.args. */
  edge: number;
  upstream: number;
  local: number;
  contribution: number;
}

/** Every edge from `id` into a gate: upstream ∂out/∂gate × local ∂gate/∂id = contribution (they sum to ∂out/∂id). */
export function chainTerms(ev: { tape: Tape; root: number }, id: number): ChainTerm[] {
  const { tape } = ev;
  const terms: ChainTerm[] = [];
  for (let g = id + 1; g < tape.size && g <= ev.root; g++) {
    if (tape.op[g] === LEAF) continue;
    for (let k = tape.argStart[g]; k < tape.argStart[g + 1]; k++) {
      if (tape.args[k] !== id) continue;
      const upstream = tape.grad[g];
      const local = tape.local[k];
      terms.push({ gate: g, edge: k, upstream, local, contribution: upstream * local });
    }
  }
  return terms;
}

/** Tape ids inside call `f` (nested calls included), ascending. */
export function frameMembers(program: ExprProgram, f: number): number[] {
  const out: number[] = [];
  program.nodes.forEach((n, id) => {
    for (let fr = n.frame ?? -1; fr >= 0; fr = program.frames[fr].parent) {
      if (fr === f) {
        out.push(id);
        return;
      }
    }
  });
  return out;
}

/**
 * Local derivatives of a whole inlined call: ∂result/∂input for every node outside the call that
 * its gates read (its arguments, and any outer constants it uses), by a backward pass restricted
 * to the call's own gates, seeded with 1 at the result (exact even where grad(result) = 0).
 * E.g. σ(1 − σ) for sigmoid(a). `members`: the call's tape ids, ascending (frameMembers).
 * Sorted by node id.
 */
export function callLocals(
  tape: Tape,
  result: number,
  members: ArrayLike<number>,
): Array<{ node: number; local: number }> {
  const inside = new Set<number>(Array.from(members));
  if (!inside.has(result)) return [{ node: result, local: 1 }];
  const seed = new Map<number, number>([[result, 1]]);
  const outside = new Map<number, number>();
  for (let idx = members.length - 1; idx >= 0; idx--) {
    const i = members[idx];
    const up = seed.get(i);
    if (up === undefined || tape.op[i] === LEAF) continue;
    for (let k = tape.argStart[i]; k < tape.argStart[i + 1]; k++) {
      const a = tape.args[k];
      const target = inside.has(a) ? seed : outside;
      target.set(a, (target.get(a) ?? 0) + up * tape.local[k]);
    }
  }
  return [...outside].sort((x, y) => x[0] - y[0]).map(([node, local]) => ({ node, local }));
}
