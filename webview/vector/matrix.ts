/**
 * Small matrices and heatmaps (HTML tables): a value matrix, a gradient matrix coloured by sign
 * and size (the panel's colour scale, with its glyphs so colour is never the only cue), and a
 * Jacobian heatmap. Large ones show the top-left corner with a note; cells carry the full number
 * in `title` and `data-v`.
 */
import { full, short } from '../format';
import { gradStyle, maxAbsFinite } from '../graph/color';
import { h } from '../views/dom';
import { drawShape, indexText } from './model';

export interface MatrixOptions {
  /** 'grad' colours by sign with glyphs; 'value' shows plain numbers; 'heat' colours without text. */
  kind: 'value' | 'grad' | 'heat';
  precision: number;
  /** Label for screen readers and the caption (`∂L/∂W1`). */
  label: string;
  /** Rows and columns drawn at most (the rest is summarized). */
  maxRows?: number;
  maxCols?: number;
  /** Flat indices to outline (the current sample, the selected element). */
  marked?: ReadonlySet<number>;
  /** Flat indices not owned by the group (shared with another array): dimmed. */
  dim?: ReadonlySet<number>;
  /** Scale for colours (default: the largest |x| of this matrix). */
  maxAbs?: number;
  /** Text-free cells above this many cells (a heatmap). */
  textLimit?: number;
  attrs?: Record<string, string>;
}

/** What each table was last painted with (an update keeps cells whose number and scale stay). */
const painted = new WeakMap<HTMLElement, { scale: number; values: Float64Array }>();

export function renderMatrix(values: ArrayLike<number>, shape: readonly number[], o: MatrixOptions): HTMLElement {
  let [rows, cols] = drawShape(shape);
  const maxRows = o.maxRows ?? 12;
  let maxCols = o.maxCols ?? 8;
  // A long vector: one heat strip (every entry visible) instead of a column cut after maxRows.
  if (cols === 1 && rows > Math.min(maxRows, 12)) {
    [rows, cols] = [1, rows];
    maxCols = Math.max(maxCols, 64);
  }
  const shownRows = Math.min(rows, maxRows);
  const shownCols = Math.min(cols, maxCols);
  const maxAbs = o.maxAbs ?? maxAbsFinite(values);
  const textless = o.kind === 'heat' || shownCols > 10 || shownRows * shownCols > (o.textLimit ?? 96);
  const table = h('table', {
    class: `vmat vmat-${o.kind}${textless ? ' vmat-textless' : ''}`,
    'aria-label': `${o.label}: ${rows}×${cols}`,
    ...o.attrs,
  });
  const body = h('tbody');
  for (let r = 0; r < shownRows; r++) {
    const tr = h('tr');
    for (let c = 0; c < shownCols; c++) {
      const i = r * cols + c;
      const cell = h('td', { 'data-i': i });
      paintCell(cell, values[i], i, shape, o, maxAbs, textless);
      if (o.marked?.has(i)) cell.classList.add('marked');
      if (o.dim?.has(i)) cell.classList.add('dim');
      tr.append(cell);
    }
    if (shownCols < cols) tr.append(h('td', { class: 'more' }, ['…']));
    body.append(tr);
  }
  if (shownRows < rows) {
    body.append(h('tr', {}, [h('td', { class: 'more', colspan: shownCols + 1 }, [`… ${rows - shownRows} more rows`])]));
  }
  table.append(body);
  painted.set(table, { scale: maxAbs, values: Float64Array.from(values) });
  return table;
}

/** One cell's number, title, colour and sign class (the same for a new table and an update). */
function paintCell(
  cell: HTMLElement,
  v: number,
  i: number,
  shape: readonly number[],
  o: MatrixOptions,
  maxAbs: number,
  textless: boolean,
): void {
  cell.dataset.v = full(v);
  cell.title = `${o.label}[${indexText(shape, i)}] = ${full(v)}`;
  if (o.kind !== 'value') {
    const st = gradStyle(v, maxAbs);
    cell.style.background = st.fill;
    for (const sign of ['pos', 'neg', 'zero', 'nonfinite']) cell.classList.toggle(`s-${sign}`, sign === st.sign);
    if (!textless) cell.textContent = `${o.kind === 'grad' ? st.glyph : ''}${short(v, o.precision)}`;
  } else if (!textless) cell.textContent = short(v, o.precision);
  else {
    const st = gradStyle(v, maxAbs); // a heat strip of values: colour carries the sign and size
    cell.style.background = st.fill;
  }
}

/**
 * New numbers in a table renderMatrix made with the same shape and options (an input edit): the
 * cells are repainted in place, no elements are created.
 */
export function updateMatrix(
  table: HTMLElement,
  values: ArrayLike<number>,
  shape: readonly number[],
  o: MatrixOptions,
): void {
  const maxAbs = o.maxAbs ?? maxAbsFinite(values);
  const textless = table.classList.contains('vmat-textless');
  // A cell whose number and colour scale are unchanged is left alone (an edit of the last layer's
  // bias changes no value before it): no style or layout work for it.
  const before = painted.get(table);
  const sameScale = before !== undefined && Object.is(before.scale, maxAbs) && before.values.length === values.length;
  painted.set(table, { scale: maxAbs, values: Float64Array.from(values) });
  for (const cell of table.querySelectorAll<HTMLElement>('td[data-i]')) {
    const i = Number(cell.dataset.i);
    const v = values[i];
    if (sameScale && Object.is(before.values[i], v)) continue;
    paintCell(cell, v, i, shape, o, maxAbs, textless);
  }
}

/** A matrix with a caption above it (`∂L/∂W1  3×2`). */
export function captioned(caption: string, matrix: HTMLElement, cls = ''): HTMLElement {
  return h('figure', { class: `vfig ${cls}`.trim() }, [h('figcaption', {}, [caption]), matrix]);
}
