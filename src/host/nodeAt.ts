/** Editor position → graph node (pure: no vscode), for the cursor → panel selection link. */
import type { ExprProgram } from '../core/expr';

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
