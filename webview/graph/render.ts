/**
 * SVG rendering of a laid-out display graph. Built once per structure (one markup string,
 * parsed once); numbers (values, gradients, colours, edge widths, aria-labels) are updated IN
 * PLACE by `update`, which writes only what changed, so editing an input never re-lays out or
 * re-creates elements. Zoom/pan only touch one CSS transform (zoom.ts).
 *
 * Every node is a <g> carrying data-node-id, data-label, data-value, data-grad (full
 * precision) and an aria-label; nodes use a roving tabindex (one is in the tab order, arrow
 * keys move between them).
 */
import type { Diagnostic } from '../../src/core/diagnostics';
import type { Tape } from '../../src/core/tape';
import { full, short } from '../format';
import { svg as s } from '../views/dom';
import { edgeWidth, gradStyle, maxAbsFinite } from './color';
import type { LayoutResult } from './layout';
import type { StepState } from './stepper';
import { LINE_H, NODE_PAD_X, truncate, type DisplayGraph, type EdgeNumbers } from './model';
import { LABEL_LINE_H, LABEL_PAD_Y, placeEdgeLabels } from './labels';

export interface NodeRefs {
  g: SVGGElement;
  box: SVGRectElement;
  stripe: SVGRectElement;
  val: SVGTextElement;
  grad: SVGTextElement;
  badge?: SVGGElement;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export class GraphRenderer {
  readonly svg: SVGSVGElement;
  readonly world: SVGGElement;
  readonly nodes: NodeRefs[] = [];
  readonly edgeLines: SVGPathElement[] = [];
  readonly edgeGroups: SVGGElement[] = [];
  /** Content bounds in layout coordinates (group boxes stick out of the node boxes). */
  readonly bounds: { x: number; y: number; w: number; h: number };
  private readonly labels: SVGGElement;
  private readonly badges: SVGGElement;
  private readonly groupBoxes = new Map<number, { x: number; y: number; w: number; h: number }>();
  /** Curve points per edge (source, bends, target), for the label placement. */
  private readonly edgePoints: Float64Array[] = [];
  private maxGrad = 0;
  private maxContribution = 0;
  private selected = -1;
  private current = -1;
  private focusIndex = -1;
  private stepping = false;
  /** Last written strings per node / edge: updates write only what changed. */
  private readonly last: {
    val: string[];
    grad: string[];
    fill: string[];
    sign: string[];
    aria: string[];
    value: string[];
    gradFull: string[];
    diag: string[];
    ew: string[];
    es: string[];
  };

  constructor(
    readonly display: DisplayGraph,
    readonly layout: LayoutResult,
    private precision: number,
  ) {
    this.svg = document.createElementNS(SVG_NS, 'svg');
    this.svg.setAttribute('class', 'graph-svg');
    this.svg.setAttribute('role', 'group');
    this.svg.setAttribute('aria-label', 'Computational graph: inputs on the left, the output on the right');
    this.svg.setAttribute('preserveAspectRatio', 'xMinYMin meet');
    // One string, parsed once: several times faster than 20,000 createElementNS calls.
    const html: string[] = ['<g class="world"><g class="groups">'];
    this.buildGroups(html);
    html.push('</g><g class="edges">');
    this.buildEdges(html);
    html.push('</g><g class="nodes">');
    this.buildNodes(html);
    html.push('</g><g class="edge-labels"></g><g class="badges"></g></g>');
    this.svg.innerHTML = html.join('');
    this.world = this.svg.firstElementChild as SVGGElement;
    const [, edges, nodes, labels, badges] = [...this.world.children] as SVGGElement[];
    this.labels = labels;
    this.badges = badges;
    for (const g of edges.children as HTMLCollectionOf<SVGGElement>) {
      this.edgeGroups.push(g);
      this.edgeLines.push(g.children[1] as SVGPathElement);
    }
    for (const g of nodes.children as HTMLCollectionOf<SVGGElement>) {
      const c = g.children;
      this.nodes.push({
        g,
        box: c[0] as SVGRectElement,
        stripe: c[1] as SVGRectElement,
        val: c[3] as SVGTextElement,
        grad: c[4] as SVGTextElement,
      });
    }
    const n = display.nodes.length;
    const m = display.edges.length;
    const arr = (k: number) => new Array<string>(k).fill('');
    this.last = {
      val: arr(n),
      grad: arr(n),
      fill: arr(n),
      sign: arr(n),
      aria: arr(n),
      value: arr(n),
      gradFull: arr(n),
      diag: arr(n),
      ew: arr(m),
      es: arr(m),
    };
    this.bounds = this.computeBounds();
    this.setRoving(display.root >= 0 ? display.root : 0);
  }

  private computeBounds(): { x: number; y: number; w: number; h: number } {
    let x0 = 0;
    let y0 = 0;
    let x1 = this.layout.width;
    let y1 = this.layout.height;
    for (const b of this.groupBoxes.values()) {
      x0 = Math.min(x0, b.x);
      y0 = Math.min(y0, b.y);
      x1 = Math.max(x1, b.x + b.w);
      y1 = Math.max(y1, b.y + b.h);
    }
    return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
  }

  /** The box drawn around an expanded call (layout coordinates), if any. */
  groupBox(frame: number): { x: number; y: number; w: number; h: number } | undefined {
    return this.groupBoxes.get(frame);
  }

  private buildGroups(html: string[]): void {
    const { display, layout } = this;
    const boxes = new Map<number, { x0: number; y0: number; x1: number; y1: number; depth: number }>();
    for (const d of display.nodes) {
      d.groups.forEach((f, depth) => {
        const b = boxes.get(f) ?? { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity, depth };
        b.x0 = Math.min(b.x0, layout.x[d.index]);
        b.y0 = Math.min(b.y0, layout.y[d.index]);
        b.x1 = Math.max(b.x1, layout.x[d.index] + d.width);
        b.y1 = Math.max(b.y1, layout.y[d.index] + d.height);
        boxes.set(f, b);
      });
    }
    for (const [f, b] of [...boxes].sort((p, q) => p[1].depth - q[1].depth)) {
      const pad = 14 - 4 * Math.min(2, b.depth);
      const fr = display.frames[f];
      const box = { x: b.x0 - pad, y: b.y0 - pad - 16, w: b.x1 - b.x0 + 2 * pad, h: b.y1 - b.y0 + 2 * pad + 16 };
      this.groupBoxes.set(f, box);
      html.push(
        `<g class="frame-group" data-frame="${f}">`,
        `<rect class="frame-box" x="${r1(box.x)}" y="${r1(box.y)}" width="${r1(box.w)}" height="${r1(box.h)}" rx="8"/>`,
        `<text class="frame-label" x="${r1(box.x + 6)}" y="${r1(box.y + 13)}" data-fold="${f}" tabindex="0" role="button" `,
        `aria-label="Fold ${esc(fr.fn)}(…) back into one gate">⊖ ${esc(fr.fn)}(…)  fold</text></g>`,
      );
    }
  }

  private buildEdges(html: string[]): void {
    const { display, layout } = this;
    for (const e of display.edges) {
      const a = display.nodes[e.from];
      const b = display.nodes[e.to];
      const nIn = display.inEdges[e.to].length;
      const sx = layout.x[e.from] + a.width;
      const sy = layout.y[e.from] + a.height / 2;
      const tx = layout.x[e.to];
      const slot = display.inEdges[e.to].indexOf(e.index);
      const ty = layout.y[e.to] + (b.height * (slot + 1)) / (nIn + 1);
      const bends = layout.bends[e.index];
      const pts = new Float64Array(bends.length + 4);
      pts[0] = sx;
      pts[1] = sy;
      pts.set(bends, 2);
      pts[pts.length - 2] = tx;
      pts[pts.length - 1] = ty;
      this.edgePoints.push(pts);
      const d = curve(sx, sy, bends, tx, ty);
      html.push(
        `<g class="gedge" data-edge="${e.index}" data-from="${a.id}" data-to="${b.id}">`,
        `<path class="edge-hit" d="${d}"/><path class="edge-line" d="${d}"/>`,
        `<circle class="edge-port" cx="${r1(tx)}" cy="${r1(ty)}" r="2.5"/></g>`,
      );
    }
  }

  private buildNodes(html: string[]): void {
    const { display, layout } = this;
    for (const d of display.nodes) {
      const x = r1(layout.x[d.index]);
      const y = r1(layout.y[d.index]);
      const rx = d.kind === 'input' || d.kind === 'const' ? 12 : 5;
      const cls = `gnode kind-${d.kind}${d.index === display.root ? ' root' : ''}`;
      const rd = d.kind === 'input' || d.kind === 'const' ? d.kind : 'gate';
      html.push(
        `<g class="${cls}" transform="translate(${x},${y})" data-index="${d.index}" data-node-id="${d.id}" `,
        `data-label="${esc(d.label)}" data-kind="${d.kind}" tabindex="-1" role="button" aria-roledescription="${rd}">`,
        `<rect class="box" width="${d.width}" height="${d.height}" rx="${rx}"/>`,
        `<rect class="stripe" width="4" height="${d.height - 8}" x="2" y="4" rx="2"/>`,
        `<text class="hdr" x="${NODE_PAD_X}" y="17">${esc(truncate(d.header))}</text>`,
        `<text class="val" x="${NODE_PAD_X}" y="${17 + LINE_H}"></text>`,
        `<text class="grd" x="${NODE_PAD_X}" y="${17 + 2 * LINE_H}"></text>`,
      );
      if (d.kind === 'folded') {
        // A real hit target (not just the glyph): a 22 px square behind the ⊕.
        html.push(
          `<g class="expand" data-expand="${d.frame!}" role="button" aria-label="Expand ${esc(d.fn ?? '')}(…)">`,
          `<rect x="${d.width - 24}" y="3" width="21" height="20" rx="3"/>`,
          `<text x="${d.width - 13.5}" y="18" text-anchor="middle">⊕</text></g>`,
        );
      }
      html.push('</g>');
    }
  }

  /** Values, gradients, colours and edge weights from the current tape (writes only what changed). */
  update(tape: Tape, nums: EdgeNumbers, diagnostics: Map<number, Diagnostic[]>, precision = this.precision): void {
    this.precision = precision;
    const { display, last } = this;
    const nodes = display.nodes;
    let maxGrad = 0;
    for (const d of nodes) {
      const a = Math.abs(tape.grad[d.id]);
      if (Number.isFinite(a) && a > maxGrad) maxGrad = a;
    }
    this.maxGrad = maxGrad;
    this.maxContribution = maxAbsFinite(nums.contribution);
    const p = precision;
    const steppingNow = this.stepping;
    for (const d of nodes) {
      const i = d.index;
      const r = this.nodes[i];
      const value = tape.value[d.id];
      const g = tape.grad[d.id];
      const st = gradStyle(g, this.maxGrad);
      const valueFull = full(value);
      const gradFull = full(g);
      if (last.value[i] !== valueFull) {
        last.value[i] = valueFull;
        r.g.setAttribute('data-value', valueFull);
      }
      if (last.gradFull[i] !== gradFull) {
        last.gradFull[i] = gradFull;
        r.g.setAttribute('data-grad', gradFull);
      }
      // Constants: their gradient flows nowhere (∂(a²)/∂2 may even be NaN): shown, not coloured.
      const sign = d.kind === 'const' ? 'const' : st.sign;
      if (last.sign[i] !== sign) {
        last.sign[i] = sign;
        r.g.setAttribute('data-sign', sign);
      }
      const fill = d.kind === 'const' ? 'var(--gl-node-bg)' : st.fill;
      if (last.fill[i] !== fill) {
        last.fill[i] = fill;
        r.box.style.fill = fill;
      }
      const val = `= ${short(value, p)}`;
      if (last.val[i] !== val) {
        last.val[i] = val;
        r.val.textContent = val;
      }
      if (!steppingNow) this.setGradText(i, gradText(d.kind, g, st.glyph, p));
      const diags = diagnostics.get(i);
      const diagKey = diags ? diags.map((x) => `${x.severity}:${x.code}:${x.message}`).join('\n') : '';
      const kindText =
        d.kind === 'folded'
          ? `, folded call of ${d.fn}, press E to expand`
          : d.kind === 'stub'
            ? ', summary of a subgraph not drawn'
            : '';
      const aria =
        `${d.label} (${d.symbol}): value ${valueFull}, gradient ${gradFull}` +
        ` (${st.words})${kindText}${(diags ?? []).map((x) => `; ${x.severity}: ${x.message}`).join('')}`;
      if (last.aria[i] !== aria) {
        last.aria[i] = aria;
        r.g.setAttribute('aria-label', aria);
      }
      if (last.diag[i] !== diagKey) {
        last.diag[i] = diagKey;
        this.setBadge(i, diags ?? []);
      }
    }
    for (const e of display.edges) {
      const c = nums.contribution[e.index];
      const st = gradStyle(c, this.maxContribution);
      const w = String(Math.round(edgeWidth(c, this.maxContribution) * 100) / 100);
      if (last.ew[e.index] !== w) {
        last.ew[e.index] = w;
        this.edgeLines[e.index].style.strokeWidth = w;
      }
      if (last.es[e.index] !== st.sign) {
        last.es[e.index] = st.sign;
        this.edgeGroups[e.index].setAttribute('data-sign', st.sign);
      }
    }
  }

  private setGradText(i: number, t: string): void {
    if (this.last.grad[i] !== t) {
      this.last.grad[i] = t;
      this.nodes[i].grad.textContent = t;
    }
  }

  private setBadge(index: number, diags: Diagnostic[]): void {
    const r = this.nodes[index];
    if (diags.length === 0) {
      r.badge?.remove();
      r.badge = undefined;
      return;
    }
    const sev = diags.some((d) => d.severity === 'error')
      ? 'error'
      : diags.some((d) => d.severity === 'warning')
        ? 'warning'
        : 'info';
    const d = this.display.nodes[index];
    const x = this.layout.x[index] + d.width;
    const y = this.layout.y[index];
    if (!r.badge) {
      r.badge = s('g', { class: 'diag-badge', 'data-badge-for': d.id }) as SVGGElement;
      this.badges.append(r.badge);
    }
    r.badge.setAttribute('class', `diag-badge sev-${sev}`);
    r.badge.replaceChildren(
      s('circle', { cx: x - 2, cy: y + 2, r: 8 }),
      s('text', { x: x - 2, y: y + 6, 'text-anchor': 'middle' }, [text(sev === 'info' ? 'i' : '!')]),
      s('title', {}, [text(diags.map((g) => `${g.code}: ${g.message}`).join('\n'))]),
    );
  }

  /** Stepper paint: pending gradients, running sums, the current gate. `state` undefined = not stepping. */
  paintSteps(state: StepState | undefined, current: number, tape: Tape): void {
    if (this.current >= 0) this.nodes[this.current]?.g.classList.remove('current');
    this.current = current;
    if (current >= 0) this.nodes[current].g.classList.add('current');
    // Not stepping before and after: nothing to repaint (update() wrote the gradients).
    if (!state && !this.stepping) return;
    this.stepping = state !== undefined;
    const p = this.precision;
    this.svg.classList.toggle('stepping', state !== undefined);
    for (const d of this.display.nodes) {
      const r = this.nodes[d.index];
      const st = state?.state[d.index] ?? 2;
      r.g.classList.toggle('pending', st === 0);
      r.g.classList.toggle('partial', st === 1);
      if (st === 2) {
        const g = tape.grad[d.id];
        this.setGradText(d.index, gradText(d.kind, g, gradStyle(g, this.maxGrad).glyph, p));
      } else if (st === 1) {
        this.setGradText(d.index, `∇ ${short(state!.partial[d.index], p)} + …`);
      } else {
        this.setGradText(d.index, '∇ pending');
      }
    }
    for (const e of this.display.edges) {
      const done = !state || state.processed[e.to] === 1;
      this.edgeGroups[e.index].classList.toggle('pending', !done);
      this.edgeGroups[e.index].classList.toggle('active', e.to === current);
    }
  }

  select(index: number): void {
    if (this.selected >= 0) {
      this.nodes[this.selected]?.g.classList.remove('selected');
      for (const e of this.display.inEdges[this.selected] ?? []) this.edgeGroups[e].classList.remove('near');
      for (const e of this.display.outEdges[this.selected] ?? []) this.edgeGroups[e].classList.remove('near');
    }
    this.selected = index;
    if (index < 0) return;
    this.nodes[index].g.classList.add('selected');
    for (const e of this.display.inEdges[index]) this.edgeGroups[e].classList.add('near');
    for (const e of this.display.outEdges[index]) this.edgeGroups[e].classList.add('near');
    this.setRoving(index);
  }

  setRoving(index: number): void {
    if (this.focusIndex >= 0) this.nodes[this.focusIndex]?.g.setAttribute('tabindex', '-1');
    this.focusIndex = index;
    this.nodes[index]?.g.setAttribute('tabindex', '0');
  }

  /**
   * Chain-rule labels on the edges into `gate` (the selected or current gate), each given as
   * text variants (one line, two, three), placed in the gap before the gate's column so they
   * never cover a node (labels.ts).
   */
  showEdgeLabels(gate: number, lines: Array<{ edge: number; variants: string[][] }>): void {
    this.labels.replaceChildren();
    if (gate < 0 || lines.length === 0) return;
    const { layout, display } = this;
    const boxes = display.nodes.map((d) => ({ x: layout.x[d.index], y: layout.y[d.index], w: d.width, h: d.height }));
    const placed = placeEdgeLabels(
      lines.map((l) => ({ edge: l.edge, variants: l.variants })),
      {
        boxes,
        points: (e) => this.edgePoints[e],
        gap: (e) => {
          const r = layout.rank[display.edges[e].to];
          if (r <= 0) return { left: layout.x[display.edges[e].to] - 80, right: layout.x[display.edges[e].to] };
          return { left: layout.colX[r - 1] + layout.colW[r - 1], right: layout.colX[r] };
        },
      },
    );
    for (const l of placed) {
      const children: SVGElement[] = [];
      if (l.leader) {
        const ly = l.ay < l.y ? l.y : l.y + l.h;
        children.push(s('line', { class: 'leader', x1: l.ax, y1: ly, x2: l.ax, y2: l.ay }));
        children.push(s('circle', { class: 'leader-dot', cx: l.ax, cy: l.ay, r: 2 }));
      }
      children.push(s('rect', { x: l.x, y: l.y, width: l.w, height: l.h, rx: 3 }));
      const t = s('text', { x: l.x + l.w / 2, y: l.y + LABEL_PAD_Y + LABEL_LINE_H - 3, 'text-anchor': 'middle' });
      l.lines.forEach((line, k) =>
        t.append(s('tspan', { x: l.x + l.w / 2, dy: k === 0 ? 0 : LABEL_LINE_H }, [text(line)])),
      );
      children.push(t);
      this.labels.append(s('g', { class: 'edge-label', 'data-edge': l.edge }, children));
    }
  }

  nodeBox(index: number): { x: number; y: number; w: number; h: number } {
    const d = this.display.nodes[index];
    return { x: this.layout.x[index], y: this.layout.y[index], w: d.width, h: d.height };
  }
}

function esc(t: string): string {
  return t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function gradText(kind: string, g: number, glyph: string, p: number): string {
  if (kind === 'const') return Number.isFinite(g) ? `∇ ${short(g, p)}` : '∇ — (constant)';
  return `∇ ${short(g, p)} ${glyph}`;
}

function text(t: string): Text {
  return document.createTextNode(t);
}

/** A smooth path from (sx, sy) through the bend points to (tx, ty), horizontal at every point. */
export function curve(sx: number, sy: number, bends: ArrayLike<number>, tx: number, ty: number): string {
  const pts: number[] = [sx, sy];
  for (let i = 0; i < bends.length; i++) pts.push(bends[i]);
  pts.push(tx, ty);
  let d = `M${r1(sx)},${r1(sy)}`;
  for (let i = 2; i < pts.length; i += 2) {
    const px = pts[i - 2];
    const py = pts[i - 1];
    const qx = pts[i];
    const qy = pts[i + 1];
    const dx = (qx - px) / 2;
    d += `C${r1(px + dx)},${r1(py)} ${r1(qx - dx)},${r1(qy)} ${r1(qx)},${r1(qy)}`;
  }
  return d;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
