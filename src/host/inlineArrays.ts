/**
 * Inline text, hover and CodeLens choices for programs with arrays (pure: no vscode, no DOM).
 * An array-valued line shows its shape and first values, `h 3 = [0.9, 0, 0.6]  ∂f/∂h = [0.6, −1.1, 0.4]`,
 * instead of one item per element; the hover shows the whole matrix and its gradient. CodeLens
 * "Show gradients" goes only where a user would start: a loss, a function's result, a value
 * nothing else in the file uses.
 */
import type { ExprProgram } from '../core/expr';
import type { Tape } from '../core/tape';
import { offPathTape, withOffPath } from '../core/vector';

const MINUS = '\u2212';

function num(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : `${MINUS}∞`;
  if (x === 0) return '0';
  const abs = Math.abs(x);
  const r = Number(abs.toPrecision(precision));
  const s = r >= 1e-4 && r < 1e6 ? String(r) : abs.toExponential(Math.max(0, precision - 1)).replace('e+', 'e');
  return (x < 0 ? MINUS : '') + s.replace(/-/g, MINUS);
}

/** `[0.9, 0, 0.6]`, `[0.5, −0.3, 0.2, …]`, or for a matrix its first row: `[[0.5, −0.3], …]`. */
export function formatArray(values: ArrayLike<number>, shape: readonly number[], precision = 3, max = 3): string {
  const row = (start: number, n: number) => {
    const parts: string[] = [];
    for (let i = 0; i < Math.min(n, max); i++) parts.push(num(values[start + i], precision));
    if (n > max) parts.push('…');
    return `[${parts.join(', ')}]`;
  };
  if (shape.length <= 1) return row(0, values.length);
  const cols = shape[shape.length - 1];
  const rows = values.length / cols;
  return `[${row(0, cols)}${rows > 1 ? ', …' : ''}]`;
}

/**
 * The program with its named arrays off the target's path (softmax's `p` when the loss reads
 * only `p[label]`: ExprProgram.offPath) and the tape extended to them (values forward, gradient
 * 0), so an array line and its hover show the whole array, as the vector view does.
 */
export function withOffPathArrays(program: ExprProgram, tape: Tape): { program: ExprProgram; tape: Tape } {
  const ext = withOffPath(program);
  return ext === program ? { program, tape } : { program: ext, tape: offPathTape(ext, tape) };
}

/** `3×2` or `3`. */
export function shapeLabel(shape: readonly number[]): string {
  return shape.join('×');
}

export interface ArrayInline {
  /** Index into program.arrays. */
  array: number;
  label: string;
  shape: number[];
  line: number;
  anchor: number;
  column: number;
  values: number[];
  grads: number[];
}

/**
 * One inline item per array binding outside helper bodies (the first array with a given label on a
 * line wins), and the element nodes they cover (their per-element items are dropped: the line
 * stays short, the hover has every element).
 */
export function arrayInlines(
  program: ExprProgram,
  tape: Pick<Tape, 'value' | 'grad'>,
): { items: ArrayInline[]; covered: Set<number> } {
  const items: ArrayInline[] = [];
  const covered = new Set<number>();
  const seen = new Set<string>();
  (program.arrays ?? []).forEach((a, i) => {
    if (a.elements.length === 0) return;
    // Built inside a helper (its body may run many times): not a line of the user's own code,
    // unless a top-level declaration named it (then it goes on that line).
    if (!a.bound && a.elements.every((e) => program.nodes[e].frame !== undefined)) return;
    const at = a.bound ?? a.range;
    const key = `${a.label}@${at.line}`;
    if (seen.has(key)) return;
    seen.add(key);
    for (const e of a.elements) covered.add(e);
    items.push({
      array: i,
      label: a.label,
      shape: a.shape.slice(),
      line: at.line,
      anchor: at.start,
      column: at.column,
      values: a.elements.map((e) => tape.value[e]),
      grads: a.elements.map((e) => tape.grad[e]),
    });
  });
  return { items, covered };
}

/** The array a hover is about: the word is its label and the offset is on its declaration or a use in the target. */
export function hoverArray(program: ExprProgram, offset: number, word?: { text: string }): number | undefined {
  const arrays = program.arrays ?? [];
  if (!word) {
    const i = arrays.findIndex((a) => a.range.start <= offset && offset <= a.range.end);
    return i >= 0 ? i : undefined;
  }
  let best: number | undefined;
  arrays.forEach((a, i) => {
    if (a.label !== word.text || a.elements.length === 0) return;
    // The binding that holds at the offset: the last one declared before it (else the first).
    const start = (a.bound ?? a.range).start;
    if (best === undefined || (start <= offset && (arrays[best].bound ?? arrays[best].range).start <= start)) best = i;
  });
  return best;
}

function mdTable(values: ArrayLike<number>, shape: readonly number[], precision: number): string[] {
  const cols = shape.length <= 1 ? values.length : shape[shape.length - 1];
  const rows = shape.length <= 1 ? 1 : values.length / cols;
  const maxRows = 12;
  const maxCols = 8;
  const lines: string[] = [];
  const shownCols = Math.min(cols, maxCols);
  lines.push(`|${Array.from({ length: shownCols }, (_, j) => ` ${j} `).join('|')}${cols > maxCols ? '| … ' : ''}|`);
  lines.push(`|${Array.from({ length: shownCols }, () => '---:').join('|')}${cols > maxCols ? '|---' : ''}|`);
  for (let r = 0; r < Math.min(rows, maxRows); r++) {
    const cells = Array.from({ length: shownCols }, (_, j) => num(values[r * cols + j], precision));
    lines.push(`| ${cells.join(' | ')} ${cols > maxCols ? '| … ' : ''}|`);
  }
  if (rows > maxRows) lines.push(`| … ${rows - maxRows} more rows |`);
  return lines;
}

/** Markdown for the hover of an array: its shape, the whole matrix of values and of ∂out/∂array (same shape). */
export function arrayHoverMarkdown(
  program: ExprProgram,
  tape: Pick<Tape, 'value' | 'grad'>,
  array: number,
  opts: { out: string; stale?: boolean; precision?: number } = { out: 'out' },
): string {
  const a = program.arrays![array];
  const p = opts.precision ?? 6;
  const values = a.elements.map((e) => tape.value[e]);
  const grads = a.elements.map((e) => tape.grad[e]);
  const lines = [
    `*Gradient Lens* · **${a.label.replace(/[*_`[\]]/g, '\\$&')}** — array ${shapeLabel(a.shape)}${opts.stale ? ' · *stale: the file changed since this was computed*' : ''}`,
    '',
    '**value**',
    '',
    ...mdTable(values, a.shape, p),
    '',
    `**∂${opts.out}/∂${a.label}** (same shape: one gradient per element)`,
    '',
    ...mdTable(grads, a.shape, p),
  ];
  return lines.join('\n');
}

const START_NAME = /(loss|cost|error|objective|risk|mse|nll|^out(put)?$|^result$)/i;

/**
 * CodeLens lines where a user would start: a declaration named like a loss or output, a `return`
 * (a function's result), or a value no later line of the file uses (the end of a computation).
 * `lines` are 0-based; the analysed target's line is added by the caller.
 */
export function startLines(text: string, lines: readonly number[]): Set<number> {
  const src = text.split('\n');
  const keep = new Set<number>();
  for (const line of lines) {
    const t = src[line] ?? '';
    if (/^\s*return\b/.test(t)) {
      keep.add(line);
      continue;
    }
    const m = /^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)/.exec(t);
    if (!m) {
      keep.add(line); // a target we cannot name (an expression statement): keep it
      continue;
    }
    const name = m[1];
    if (START_NAME.test(name)) {
      keep.add(line);
      continue;
    }
    const use = new RegExp(`(^|[^\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`);
    let used = false;
    for (let l = line + 1; l < src.length && !used; l++) used = use.test(src[l].replace(/\/\/.*$/, ''));
    if (!used) keep.add(line);
  }
  return keep;
}
