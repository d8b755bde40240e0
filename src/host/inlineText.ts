/**
 * Pure logic behind the inline values, hovers and CodeLens (no vscode, no DOM): which nodes
 * decorate which line, how numbers are written, which node a hover is about and what its
 * markdown says (value, gradient, local derivatives, chain-rule terms), and how edits move
 * offsets. Unit-tested in test/unit/inline*.test.ts.
 */
import type { ExprNode, ExprProgram } from '../core/expr';
import type { Evaluation } from '../core/evaluate';
import { OP_LIST } from '../core/ops';
import { LEAF } from '../core/tape';
import {
  callLocals as coreCallLocals,
  chainTerms,
  frameMembers,
  topLevelFrameOf,
  type ChainTerm,
} from '../core/program';
import { arrayInlines, formatArray, shapeLabel, withOffPathArrays } from './inlineArrays';

export type InlineShow = 'both' | 'value' | 'gradient' | 'off';

export interface InlineOptions {
  show: InlineShow;
  /** Significant digits. */
  precision: number;
}

/** One annotated node. */
export interface InlineItem {
  node: number;
  /** 1-based line (in the analysed text) the item is shown on. */
  line: number;
  /** Offset (in the analysed text) that anchors the item; edits move it. */
  anchor: number;
  /** Sorting key within the line. */
  column: number;
  label: string;
  value: number;
  grad: number;
  kind: 'target' | 'named' | 'input' | 'call' | 'expr' | 'array';
  /** kind 'array': the whole array (value/grad above are its first element's). */
  array?: { shape: number[]; values: number[]; grads: number[] };
}

export type SegmentRole = 'value' | 'positive' | 'negative' | 'zero';

export interface InlineSegment {
  text: string;
  role: SegmentRole;
  /** First segment of an item (gets a separator / margin before it). */
  itemStart: boolean;
}

export interface InlineLine {
  line: number;
  anchor: number;
  items: InlineItem[];
  segments: InlineSegment[];
  /** All segments joined as rendered. */
  text: string;
}

/** Between two items on the same line. */
export const ITEM_SEPARATOR = '   ';
/** Between an item's value and its gradient. */
export const PART_SEPARATOR = '  ';
/** Appended to a line's text while the document changed since the analysis. */
export const STALE_SUFFIX = ' (stale)';
const CALL_LABEL_MAX = 24;
const EXPR_LABEL_MAX = 24;

/** The inline and hover number texts: the rules live in src/core/format.ts. */
import { significant as formatNumber, fullMinus as formatFull } from '../core/format';
export { formatNumber, formatFull };

/** Collapse whitespace and cut to `max` characters with '…'. */
export function shorten(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  return t.slice(0, Math.max(1, max - 1)).trimEnd() + '…';
}

function isIdentifierLike(label: string): boolean {
  return (
    /^[A-Za-z_$][\w$]*(\[\d+\])*$/.test(label) ||
    /^[A-Za-z_$][\w$.]*\([^()]*(\([^()]*\))*[^()]*\)$/.test(label) ||
    /^[A-Za-z_$][\w$]*\(…\)$/.test(label)
  );
}

/** `∂loss/∂h1`, or `∂loss/∂(a + b)` for a non-name label. */
export function partial(out: string, label: string): string {
  return `∂${out}/∂${isIdentifierLike(label) ? label : `(${label})`}`;
}

/** Name used for the output in `∂out/∂x`. */
export function outputName(program: ExprProgram): string {
  return program.target.name ?? 'out';
}

/**
 * The items to show: the target (its output value, ∂ = 1) on the target's line; every named
 * node (`const h1 = ...`) and named input (`const x = -2`) on its declaration's line; every
 * top-level helper call's result on the call's line (nodes inside helper bodies never decorate
 * the body: it may run many times); and, for lines of a multi-line target or declaration that
 * got nothing else, the largest sub-expressions lying on that line.
 * `text` (the analysed source) only improves call labels.
 */
export function inlineItems(ev: Pick<Evaluation, 'program' | 'tape'>, text?: string): InlineItem[] {
  const { program, tape } = ev;
  const items = new Map<number, InlineItem>();
  // Arrays (programs): one short item per array line instead of one per element (see inlineArrays.ts).
  const all = withOffPathArrays(program, tape);
  const arrays = arrayInlines(all.program, all.tape);
  const add = (node: number, item: Omit<InlineItem, 'node' | 'value' | 'grad'>) => {
    if (items.has(node) || (node !== program.root && arrays.covered.has(node))) return;
    items.set(node, { node, value: tape.value[node], grad: tape.grad[node], ...item });
  };
  const root = program.root;
  const t = program.target;
  for (const a of arrays.items) {
    items.set(-1 - a.array, {
      node: all.program.arrays![a.array].elements[0],
      line: a.line,
      anchor: a.anchor,
      column: a.column - 0.25,
      label: a.label,
      value: a.values[0],
      grad: a.grads[0],
      kind: 'array',
      array: { shape: a.shape, values: a.values, grads: a.grads },
    });
  }
  add(root, {
    line: t.range.line,
    anchor: t.range.start,
    column: -1,
    label: t.name ?? shorten(t.text, EXPR_LABEL_MAX),
    kind: 'target',
  });

  // A named node computed in a loop (`loss += ...` in a `for`) exists once per iteration: only
  // the last iteration's decorates the line (the hover lists them all, see loopSeries).
  const lastOfSeries = new Map<string, number>();
  program.nodes.forEach((n, id) => {
    if (n.kind !== 'input' && n.name !== undefined && n.loop !== undefined && n.frame === undefined)
      lastOfSeries.set(seriesKey(n), id);
  });

  program.nodes.forEach((n, id) => {
    if (n.kind !== 'input' && n.name !== undefined && n.loop !== undefined && n.frame === undefined) {
      if (lastOfSeries.get(seriesKey(n)) !== id) return;
    }
    if (n.kind === 'input') {
      if (n.frame !== undefined) return;
      add(id, { line: n.range.line, anchor: n.range.start, column: n.range.column, label: n.name, kind: 'input' });
      return;
    }
    if (n.name === undefined) return;
    if (n.frame === undefined) {
      add(id, {
        line: n.range.line,
        anchor: n.range.start,
        column: n.range.column - 0.5,
        label: n.name,
        kind: 'named',
      });
      return;
    }
    const f = topLevelFrameOf(program, id);
    if (f === undefined) return; // a const inside a helper body: ambiguous
    const r = program.frames[f].range;
    add(id, { line: r.line, anchor: r.start, column: r.column - 0.5, label: n.name, kind: 'named' });
  });

  // A call in a loop (or a map/reduce callback) makes one frame per iteration at the same range:
  // only the last one decorates, and none where the line already shows a named value.
  const lastFrame = new Map<string, number>();
  program.frames.forEach((fr, f) => {
    if (fr.parent === -1 && fr.result >= 0) lastFrame.set(`${fr.range.start}:${fr.range.end}`, f);
  });
  const namedLines = new Set<number>();
  for (const it of items.values()) namedLines.add(it.line);
  program.frames.forEach((fr, f) => {
    if (fr.parent !== -1 || fr.result < 0) return;
    if (lastFrame.get(`${fr.range.start}:${fr.range.end}`) !== f) return;
    if (program.nodes[fr.result]?.loop !== undefined && namedLines.has(fr.range.line)) return;
    const r = fr.range;
    let label = `${fr.fn}(…)`;
    if (text !== undefined && r.end <= text.length) label = shorten(text.slice(r.start, r.end), CALL_LABEL_MAX);
    add(fr.result, { line: r.line, anchor: r.start, column: r.column + f * 1e-6, label, kind: 'call' });
  });

  // Lines of multi-line targets / declarations that got nothing: their largest sub-expressions.
  const covered = new Set<number>();
  for (const it of items.values()) covered.add(it.line);
  const spans: Array<[number, number]> = [[t.range.line, t.range.endLine]];
  program.nodes.forEach((n) => {
    if (n.kind === 'op' && n.name !== undefined && n.frame === undefined && n.range.endLine > n.range.line) {
      spans.push([n.range.line, n.range.endLine]);
    }
  });
  const wanted = new Set<number>();
  for (const [a, b] of spans) for (let l = a; l <= b; l++) if (!covered.has(l)) wanted.add(l);
  if (wanted.size > 0) {
    const perLine = new Map<number, Array<{ id: number; n: ExprNode }>>();
    program.nodes.forEach((n, id) => {
      if (n.kind !== 'op' || n.frame !== undefined) return;
      const l = n.range.line;
      if (l !== n.range.endLine || !wanted.has(l)) return;
      const list = perLine.get(l) ?? [];
      list.push({ id, n });
      perLine.set(l, list);
    });
    for (const [l, list] of perLine) {
      // Maximal: not contained in another candidate on the same line.
      const maximal = list.filter(
        (a) =>
          !list.some(
            (b) =>
              b !== a &&
              b.n.range.start <= a.n.range.start &&
              a.n.range.end <= b.n.range.end &&
              b.n.range.end - b.n.range.start > a.n.range.end - a.n.range.start,
          ),
      );
      maximal.sort((a, b) => a.n.range.start - b.n.range.start);
      for (const { id, n } of maximal.slice(0, 3)) {
        add(id, {
          line: l,
          anchor: n.range.start,
          column: n.range.column,
          label: shorten(n.label, EXPR_LABEL_MAX),
          kind: 'expr',
        });
      }
    }
  }
  return [...items.values()];
}

function seriesKey(n: ExprNode): string {
  return `${n.range.start}:${n.range.end}:${n.name ?? ''}`;
}

/**
 * The nodes one named statement in a loop computed, one per iteration, in order (tape order is
 * execution order): `[id]` for a node outside loops or without a name.
 */
export function loopSeries(program: ExprProgram, id: number): number[] {
  const n = program.nodes[id];
  if (n.kind === 'input' || n.name === undefined || n.loop === undefined || n.frame !== undefined) return [id];
  const key = seriesKey(n);
  const out: number[] = [];
  program.nodes.forEach((m, j) => {
    if (
      m.kind !== 'input' &&
      m.name !== undefined &&
      m.loop !== undefined &&
      m.frame === undefined &&
      seriesKey(m) === key
    )
      out.push(j);
  });
  return out;
}

/**
 * How compact an item is written (a long line runs past the editor's edge; the hover of the
 * shortened text has the full one):
 * 0 `w11 = 0.1  ∂loss/∂w11 = −0.01298`; 1 the same with at most 3 digits; 2 `w11 = 0.1  ∂ −0.013`;
 * 3 `0.1  ∂ −0.013` (value and gradient only, 2 digits; an input, whose value the code on that line
 * shows: `∂w11 = −0.013`); 4 `∂ −0.013` (the gradient only).
 * Arrays: 0 `h 3 = [0.9, 0, 0.6]  ∂f/∂h = [0.6, −1.1, 0.4]` (3 digits); 1 two digits;
 * 2 `h 3 = [0.9, 0, …]  ∂ [0.6, −1.1, …]`; 3 `[0.9, …]  ∂ [0.6, …]`; 4 `∂ [0.6, …]`.
 */
export const COMPACT_LEVELS = 5;

/** The segments of one item for the `show` setting, at compactness `level` (see COMPACT_LEVELS). */
export function itemSegments(item: InlineItem, out: string, opts: InlineOptions, level = 0): InlineSegment[] {
  if (item.array) return arraySegments(item, item.array, out, opts, level);
  const segs: InlineSegment[] = [];
  const role: SegmentRole = item.grad > 0 ? 'positive' : item.grad < 0 ? 'negative' : 'zero';
  const p = level === 0 ? opts.precision : Math.min(opts.precision, level <= 2 ? 3 : 2);
  const both = opts.show === 'both';
  // ∂f/∂f = 1 says nothing new: compact forms of the target show its value only.
  const trivial = item.kind === 'target' && item.grad === 1;
  // An input's value is written in the code on that line: compact forms give its gradient, named.
  const input = item.kind === 'input' && both && level === 3;
  const withValue = (both || opts.show === 'value') && !(both && level >= 4 && !trivial) && !input;
  const withGrad = (both || opts.show === 'gradient') && !(both && level >= 2 && trivial);
  if (withValue) {
    const v = formatNumber(item.value, p);
    segs.push({ text: level >= 3 && !trivial ? v : `${item.label} = ${v}`, role: 'value', itemStart: true });
  }
  if (withGrad) {
    const g = trivial ? '1' : formatNumber(item.grad, p);
    const text = input
      ? `∂${item.label} = ${g}`
      : level >= 2 && (both || level >= 3)
        ? `∂ ${g}`
        : `${partial(out, item.label)} = ${g}`;
    segs.push({ text, role, itemStart: segs.length === 0 });
  }
  return segs;
}

/** `h 3 = [0.9, 0, 0.6]  ∂f/∂h = [0.6, −1.1, 0.4]` (first values; the hover has them all). */
function arraySegments(
  item: InlineItem,
  a: NonNullable<InlineItem['array']>,
  out: string,
  opts: InlineOptions,
  level: number,
): InlineSegment[] {
  const p = Math.min(opts.precision, level === 0 ? 3 : 2);
  const max = level <= 1 ? 3 : level === 2 ? 2 : 1;
  let big = 0;
  for (const g of a.grads) if (Math.abs(g) > Math.abs(big)) big = g;
  const role: SegmentRole = big > 0 ? 'positive' : big < 0 ? 'negative' : 'zero';
  const both = opts.show === 'both';
  const segs: InlineSegment[] = [];
  if ((both || opts.show === 'value') && !(both && level >= 4)) {
    const v = formatArray(a.values, a.shape, p, max);
    segs.push({ text: level >= 3 ? v : `${item.label} ${shapeLabel(a.shape)} = ${v}`, role: 'value', itemStart: true });
  }
  if (both || opts.show === 'gradient') {
    const g = formatArray(a.grads, a.shape, p, max);
    const text = level >= 2 && (both || level >= 3) ? `∂ ${g}` : `${partial(out, item.label)} = ${g}`;
    segs.push({ text, role, itemStart: segs.length === 0 });
  }
  return segs;
}

/**
 * The segments for `items` (one editor line's, in order) at the least compact level whose text
 * fits in `room` characters; else the leading items that fit and `…` (`truncated`); else the most
 * compact form. `room` ≤ 0 or Infinity: unshortened.
 */
export function fitSegments(
  items: readonly InlineItem[],
  out: string,
  opts: InlineOptions,
  room: number,
): { segments: InlineSegment[]; level: number; truncated?: boolean } {
  let segments: InlineSegment[] = [];
  for (let level = 0; level < COMPACT_LEVELS; level++) {
    segments = items.flatMap((it) => itemSegments(it, out, opts, level));
    if (!(room > 0) || room === Infinity || joinSegments(segments).length <= room) return { segments, level };
  }
  // No form of every item fits: the leading items that fit, then `…` (the hover has them all), at
  // the least compact level that shows the most items. None fits: the most compact form, whole.
  let best: { segments: InlineSegment[]; level: number; count: number } | undefined;
  for (let level = 0; level < COMPACT_LEVELS; level++) {
    let shown: InlineSegment[] = [];
    let count = 0;
    for (const it of items) {
      const next = shown.concat(itemSegments(it, out, opts, level));
      if (joinSegments([...next, ELLIPSIS]).length > room) break;
      shown = next;
      count++;
    }
    if (count > 0 && (!best || count > best.count)) best = { segments: [...shown, ELLIPSIS], level, count };
  }
  if (best) return { segments: best.segments, level: best.level, truncated: true };
  return { segments, level: COMPACT_LEVELS - 1 };
}

/** Ends a line shortened to its leading items (fitSegments). */
const ELLIPSIS: InlineSegment = { text: '…', role: 'value', itemStart: true };

/** Items grouped per line (sorted by line, then by column), with their segments and joined text. */
export function inlineLines(
  ev: Pick<Evaluation, 'program' | 'tape'>,
  opts: InlineOptions,
  text?: string,
): InlineLine[] {
  if (opts.show === 'off') return [];
  const out = outputName(ev.program);
  const byLine = new Map<number, InlineItem[]>();
  for (const it of inlineItems(ev, text)) {
    const list = byLine.get(it.line) ?? [];
    list.push(it);
    byLine.set(it.line, list);
  }
  const lines: InlineLine[] = [];
  for (const [line, items] of [...byLine].sort((a, b) => a[0] - b[0])) {
    items.sort((a, b) => a.column - b.column || a.node - b.node);
    lines.push(buildLine(line, items, out, opts));
  }
  return lines;
}

function buildLine(line: number, items: InlineItem[], out: string, opts: InlineOptions): InlineLine {
  const segments = items.flatMap((it) => itemSegments(it, out, opts));
  return { line, anchor: Math.min(...items.map((i) => i.anchor)), items, segments, text: joinSegments(segments) };
}

/** How the segments of a line read when rendered (separators are margins in the editor). */
export function joinSegments(segments: readonly InlineSegment[]): string {
  let s = '';
  segments.forEach((seg, i) => {
    if (i > 0) s += seg.itemStart ? ITEM_SEPARATOR : PART_SEPARATOR;
    s += seg.text;
  });
  return s;
}

/**
 * The items of `lines` grouped by the line their anchors fall on now (after edits joined lines),
 * in order: `lineOf(anchor)` gives each line's current line.
 */
export function itemsByCurrentLine(
  lines: readonly InlineLine[],
  lineOf: (anchor: number) => number,
): Map<number, InlineItem[]> {
  const out = new Map<number, InlineItem[]>();
  for (const l of lines) {
    const cur = lineOf(l.anchor);
    const list = out.get(cur) ?? [];
    list.push(...l.items);
    out.set(cur, list);
  }
  return out;
}

/**
 * Regroups lines whose anchors now fall on the same line (after edits joined lines):
 * `lineOf(anchor)` gives each line's current line; returns current line → segments in order.
 */
export function mergeByCurrentLine(
  lines: readonly InlineLine[],
  lineOf: (anchor: number) => number,
): Map<number, InlineSegment[]> {
  const out = new Map<number, InlineSegment[]>();
  for (const l of lines) {
    const cur = lineOf(l.anchor);
    const list = out.get(cur) ?? [];
    list.push(...l.segments.map((s, i) => (i === 0 ? { ...s, itemStart: true } : s)));
    out.set(cur, list);
  }
  return out;
}

// ---- edits ------------------------------------------------------------------------------

export interface TextEdit {
  /** Offset where the replaced range starts (in the text before this edit). */
  offset: number;
  /** Length of the replaced range. */
  length: number;
  /** Length of the inserted text. */
  inserted: number;
}

/**
 * The edit that turns `before` into `after`, as one replaced range (common prefix and suffix kept).
 * Deriving it from the texts, rather than accumulating change events, cannot drift: whatever
 * events arrived, the mapping is exact outside the changed region.
 */
export function diffEdit(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < max - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  )
    suffix++;
  return [{ offset: prefix, length: before.length - prefix - suffix, inserted: after.length - prefix - suffix }];
}

/** Where an offset of the old text lies after the edits (applied in order). Offsets inside a replaced range move to its end. */
export function mapOffset(offset: number, edits: readonly TextEdit[]): number {
  let o = offset;
  for (const e of edits) {
    if (o >= e.offset + e.length) o += e.inserted - e.length;
    else if (o > e.offset) o = e.offset + e.inserted;
  }
  return o;
}

// ---- hover ------------------------------------------------------------------------------

/** The node a hover at `offset` is about; `word` is the identifier under the mouse (with a `[i]` suffix when present). */
export function hoverNode(
  program: ExprProgram,
  offset: number,
  word?: { text: string; start: number; end: number },
): number | undefined {
  const { nodes, frames, target } = program;
  const inTarget = target.range.start <= offset && offset <= target.range.end;
  const coveredTop = (o: number) =>
    nodes.some((n) => n.kind === 'op' && n.frame === undefined && n.range.start <= o && o <= n.range.end);
  if (word) {
    // The assigned name of `loss += ...` / `s = s + a0` (the node's range starts with it): that
    // assignment's node (the last iteration's, in a loop), not the variable's first value.
    for (let id = nodes.length - 1; id >= 0; id--) {
      const n = nodes[id];
      if (n.kind !== 'input' && n.frame === undefined && n.name === word.text && n.range.start === word.start)
        return id;
    }
    // A use (or the declaration) of a named input or named gate.
    for (let id = 0; id < nodes.length; id++) {
      const n = nodes[id];
      const name = n.name;
      if (name === undefined || name !== word.text) continue;
      if (n.kind !== 'input' && n.frame !== undefined && topLevelFrameOf(program, id) === undefined) continue;
      if (n.kind === 'input' && n.frame !== undefined) continue;
      const onDecl = n.kind === 'input' ? n.range.start <= word.start && word.end <= n.range.end : false;
      if (onDecl || inTarget || coveredTop(offset) || isDeclarationOf(program, id, word)) {
        const series = loopSeries(program, id);
        return series[series.length - 1];
      }
    }
  }
  // The innermost top-level node or top-level call containing the offset.
  let best: number | undefined;
  let bestLen = Infinity;
  nodes.forEach((n, id) => {
    if (n.frame !== undefined || n.kind === 'const') return;
    const { start, end } = n.range;
    if (start <= offset && offset <= end && end - start < bestLen) {
      best = id;
      bestLen = end - start;
    }
  });
  frames.forEach((fr) => {
    if (fr.parent !== -1) return;
    const { start, end } = fr.range;
    if (start <= offset && offset <= end && end - start < bestLen) {
      best = fr.result;
      bestLen = end - start;
    }
  });
  if (best === undefined && inTarget) best = program.root;
  return best;
}

/** Is `word` the name in `const NAME = ...` of named node `id` (its initializer follows on the same line)? */
function isDeclarationOf(program: ExprProgram, id: number, word: { start: number; end: number }): boolean {
  const n = program.nodes[id];
  if (n.kind === 'input') return false;
  const f = n.frame === undefined ? undefined : topLevelFrameOf(program, id);
  const init = f === undefined ? n.range : program.frames[f].range;
  return word.end <= init.start && init.start - word.end <= 40;
}

function describe(ev: Evaluation, id: number): string {
  const n = ev.program.nodes[id];
  if (n.kind === 'input') {
    const inp = ev.inputs.find((i) => i.node === id);
    const src =
      inp?.source === 'given'
        ? 'value set in the panel'
        : inp?.source === 'default'
          ? 'default value (set it in the panel)'
          : 'value from the source';
    return `input${n.free ? ' (free)' : ''}, ${src}`;
  }
  if (n.kind === 'const') return 'constant';
  const spec = OP_LIST[ev.tape.op[id]];
  const f = n.frame === undefined ? undefined : topLevelFrameOf(ev.program, id);
  if (f !== undefined) return `result of a call of ${ev.program.frames[f].fn} (inlined helper)`;
  return `${spec.symbol} gate (${spec.role})`;
}

function code(s: string): string {
  const t = s.replace(/`/g, "'").replace(/\|/g, '¦');
  return `\`${t}\``;
}

function labelOf(ev: Evaluation, id: number, text?: string): string {
  const n = ev.program.nodes[id];
  if (n.kind === 'input') return n.name;
  if (n.name !== undefined) return n.name;
  if (n.frame !== undefined) {
    const f = topLevelFrameOf(ev.program, id);
    if (f !== undefined) {
      const r = ev.program.frames[f].range;
      return text !== undefined && r.end <= text.length
        ? shorten(text.slice(r.start, r.end), 40)
        : `${ev.program.frames[f].fn}(…)`;
    }
    return `${shorten(n.label, 40)} (in ${ev.program.frames[n.frame].fn})`;
  }
  return shorten(n.label, 40);
}

export { chainTerms, type ChainTerm };

/** Local derivatives of the whole call `f` (src/core/program.ts callLocals), for the hover. */
export function callLocals(
  ev: Pick<Evaluation, 'program' | 'tape'>,
  f: number,
): Array<{ node: number; local: number }> {
  return coreCallLocals(ev.tape, ev.program.frames[f].result, frameMembers(ev.program, f));
}

/** Markdown for the hover of node `id`: full-precision value and gradient, chain-rule terms, local derivatives. */
export function hoverMarkdown(ev: Evaluation, id: number, opts: { text?: string; stale?: boolean } = {}): string {
  const { tape, program } = ev;
  const out = outputName(program);
  const label = labelOf(ev, id, opts.text);
  const p = (x: number) => formatNumber(x, 6);
  const lines: string[] = [];
  lines.push(
    `*Gradient Lens* · **${label.replace(/[*_`[\]]/g, '\\$&')}** — ${describe(ev, id)}${opts.stale ? ' · *stale: the file changed since this was computed*' : ''}`,
  );
  lines.push('');
  lines.push(
    `value = ${code(formatFull(tape.value[id]))} · ${partial(out, label)} = ${code(formatFull(tape.grad[id]))}`,
  );

  lines.push('');
  if (id === ev.root) {
    lines.push(`This is the output: ${partial(out, label)} = 1, where backpropagation starts.`);
  } else {
    const terms = chainTerms(ev, id);
    if (terms.length === 0) {
      lines.push(`No path to ${code(out)}: the gradient is 0.`);
    } else {
      const fan = terms.length > 1;
      lines.push(
        fan
          ? `**Chain rule** — ${code(label)} feeds ${terms.length} gates (fan-out), so its gradient is the **sum** of what each sends back:`
          : `**Chain rule** — ${code(label)} feeds one gate:`,
      );
      lines.push('');
      lines.push(
        `| consumer gate | upstream ∂${out}/∂gate | × local ∂gate/∂${isIdentifierLike(label) && label.length <= 12 ? label : 'this'} | = contribution |`,
      );
      lines.push(`|---|---:|---:|---:|`);
      let sum = 0;
      for (const t of terms) {
        sum += t.contribution;
        lines.push(
          `| ${code(labelOf(ev, t.gate, opts.text))} | ${p(t.upstream)} | ${p(t.local)} | ${p(t.contribution)} |`,
        );
      }
      if (fan) lines.push(`| **sum** = ${partial(out, label)} | | | **${p(sum)}** |`);
    }
  }

  const series = loopSeries(program, id);
  if (series.length > 1) {
    const loops = program.loops ?? [];
    const lp = program.nodes[id].loop;
    const loopName = lp !== undefined && loops[lp] ? ` of ${code(loops[lp].label)}` : '';
    lines.push('');
    lines.push(
      `**Per iteration**${loopName} — ${code(label)} was computed ${series.length} times; the line shows the last:`,
    );
    lines.push('');
    lines.push(`| iteration | value | ${partial(out, label)} |`);
    lines.push('|---:|---:|---:|');
    const MAX_ROWS = 30;
    const shown = series.length > MAX_ROWS ? [...series.slice(0, MAX_ROWS - 5), -1, ...series.slice(-4)] : series;
    for (const s of shown) {
      if (s < 0) {
        lines.push(`| … | ${series.length - (MAX_ROWS - 1)} more | |`);
        continue;
      }
      const it = program.nodes[s].iteration;
      lines.push(`| ${it ?? '?'} | ${p(tape.value[s])} | ${p(tape.grad[s])} |`);
    }
  }

  const n = program.nodes[id];
  const call = n.frame === undefined ? undefined : topLevelFrameOf(program, id);
  if (call !== undefined) {
    const locals = callLocals(ev, call);
    lines.push('');
    lines.push(
      `**Local derivative${locals.length > 1 ? 's' : ''}** of the call, through the gates inside ${code(program.frames[call].fn)}:`,
    );
    lines.push('');
    lines.push('| input | value | ∂call/∂input |');
    lines.push('|---|---:|---:|');
    for (const l of locals)
      lines.push(`| ${code(labelOf(ev, l.node, opts.text))} | ${p(tape.value[l.node])} | ${p(l.local)} |`);
  } else if (tape.op[id] !== LEAF) {
    const spec = OP_LIST[tape.op[id]];
    const s = tape.argStart[id];
    const e = tape.argStart[id + 1];
    const letters = ['a', 'b', 'c'];
    lines.push('');
    lines.push(`**Local derivative${e - s > 1 ? 's' : ''}** of this ${spec.symbol} gate:`);
    lines.push('');
    lines.push(`| input | value | ∂gate/∂input | formula |`);
    lines.push(`|---|---:|---:|---|`);
    for (let k = s; k < e; k++) {
      const arg = tape.args[k];
      const formula = spec.formula[spec.arity === 'n' ? 0 : k - s] ?? '';
      const letter = spec.arity === 'n' ? `arg ${k - s + 1}` : letters[k - s];
      lines.push(
        `| ${letter} = ${code(labelOf(ev, arg, opts.text))} | ${p(tape.value[arg])} | ${p(tape.local[k])} | ${code(formula)} |`,
      );
    }
  }
  return lines.join('\n');
}

// ---- CodeLens (before the parser is loaded) -------------------------------------------

/**
 * Lines that look like `const NAME = <arithmetic>` (cheap regex, no parser): skips plain
 * literals, arrays, objects, strings, functions and arrow functions. 0-based line numbers.
 */
export function regexTargets(text: string): Array<{ line: number; name: string; start: number; end: number }> {
  const out: Array<{ line: number; name: string; start: number; end: number }> = [];
  const re = /^([ \t]*(?:export\s+)?(?:const|let|var)\s+)([A-Za-z_$][\w$]*)\s*(?::\s*number\s*)?=\s*(.*)$/;
  let offset = 0;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const lineText = raw.replace(/\r$/, '');
    const m = re.exec(lineText);
    if (m) {
      const init = m[3]
        .replace(/\/\/.*$/, '')
        .trim()
        .replace(/;$/, '')
        .trim();
      const simple =
        init === '' ||
        /^[-+]?\s*(\d|\.\d)[\d_.eE+-]*$/.test(init) ||
        /^[[{'"`]/.test(init) ||
        /^(async\s+)?function\b/.test(init) ||
        /=>/.test(init) ||
        /^new\b/.test(init) ||
        /^(require|await)\b/.test(init) ||
        (init.includes(',') && !/[()]/.test(init));
      if (!simple && /[-+*/%]|\w\s*\(/.test(init)) {
        const start = offset + m[1].length;
        out.push({ line: i, name: m[2], start, end: start + m[2].length });
      }
    }
    offset += raw.length + 1;
  });
  return out;
}

/** Inverse of mapOffset: where an offset of the current text was in the analysed text (undefined inside inserted text). */
export function unmapOffset(offset: number, edits: readonly TextEdit[]): number | undefined {
  let o = offset;
  for (let i = edits.length - 1; i >= 0; i--) {
    const e = edits[i];
    if (o >= e.offset + e.inserted) o -= e.inserted - e.length;
    else if (o > e.offset) return undefined;
  }
  return o;
}
