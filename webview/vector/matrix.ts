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

/**
 * What each table was last painted with, for updates: its scale and numbers (a cell whose number
 * and scale stay is left alone), its cells with their flat indices, and each cell's background
 * (written only when it changes: a new inline style costs the cell a style recalculation).
 */
interface Painted {
  scale: number;
  values: Float64Array;
  cells: HTMLElement[];
  index: Int32Array;
  fills: Array<string | undefined>;
}
const painted = new WeakMap<HTMLElement, Painted>();

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
  const cells: HTMLElement[] = [];
  const index = new Int32Array(shownRows * shownCols);
  const fills: Array<string | undefined> = [];
  for (let r = 0; r < shownRows; r++) {
    const tr = h('tr');
    for (let c = 0; c < shownCols; c++) {
      const i = r * cols + c;
      const cell = h('td', { 'data-i': i });
      index[cells.length] = i;
      fills.push(paintCell(cell, values[i], o, maxAbs, textless, undefined));
      cells.push(cell);
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
  painted.set(table, { scale: maxAbs, values: Float64Array.from(values), cells, index, fills });
  // A cell's tooltip (`∂L/∂W1[1][0] = …`) is written when the pointer reaches it, not with every number.
  table.addEventListener('pointerover', (e) => {
    const cell = (e.target as Element).closest?.('td[data-i]') as HTMLElement | null;
    if (cell) cell.title = `${o.label}[${indexText(shape, Number(cell.dataset.i))}] = ${cell.dataset.v}`;
  });
  return table;
}

/** Text of a cell: the existing text node's data when there is one (no node replaced). */
function setText(cell: HTMLElement, text: string): void {
  const t = cell.firstChild;
  if (t && t.nodeType === 3 && !t.nextSibling) {
    if ((t as Text).data !== text) (t as Text).data = text;
  } else cell.textContent = text;
}

/**
 * One cell's number, colour and sign class (the same for a new table and an update); returns its
 * background (`fill`: the one it has, written only when it differs).
 */
function paintCell(
  cell: HTMLElement,
  v: number,
  o: MatrixOptions,
  maxAbs: number,
  textless: boolean,
  fill: string | undefined,
): string | undefined {
  cell.dataset.v = full(v);
  if (cell.title) cell.title = ''; // written again on hover (renderMatrix)
  if (o.kind !== 'value') {
    const st = gradStyle(v, maxAbs);
    if (st.fill !== fill) cell.style.background = st.fill;
    for (const sign of ['pos', 'neg', 'zero', 'nonfinite']) cell.classList.toggle(`s-${sign}`, sign === st.sign);
    if (!textless) setText(cell, `${o.kind === 'grad' ? st.glyph : ''}${short(v, o.precision)}`);
    return st.fill;
  }
  if (!textless) {
    setText(cell, short(v, o.precision));
    return fill;
  }
  const st = gradStyle(v, maxAbs); // a heat strip of values: colour carries the sign and size
  if (st.fill !== fill) cell.style.background = st.fill;
  return st.fill;
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
  let before = painted.get(table);
  if (!before) {
    // Not one of renderMatrix's tables (never, today): paint every cell.
    const cells = [...table.querySelectorAll<HTMLElement>('td[data-i]')];
    const index = Int32Array.from(cells, (c) => Number(c.dataset.i));
    before = { scale: NaN, values: new Float64Array(0), cells, index, fills: [] };
    painted.set(table, before);
  }
  const sameScale = Object.is(before.scale, maxAbs) && before.values.length === values.length;
  const { cells, index, fills } = before;
  for (let k = 0; k < cells.length; k++) {
    const i = index[k];
    const v = values[i];
    if (sameScale && Object.is(before.values[i], v)) continue;
    fills[k] = paintCell(cells[k], v, o, maxAbs, textless, fills[k]);
  }
  before.scale = maxAbs;
  before.values = Float64Array.from(values);
}

/** A matrix with a caption above it (`∂L/∂W1  3×2`). */
export function captioned(caption: string, matrix: HTMLElement, cls = ''): HTMLElement {
  return h('figure', { class: `vfig ${cls}`.trim() }, [h('figcaption', {}, [caption]), matrix]);
}
