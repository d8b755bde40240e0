/**
 * SVG rendering of a laid-out display graph. Built once per structure; numbers (values,
 * gradients, colours, edge widths, aria-labels) are updated IN PLACE by `update`, so editing
 * an input never re-lays out or re-creates elements. Zoom/pan only touch the viewBox.
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
  private readonly labels: SVGGElement;
  private readonly badges: SVGGElement;
  private maxGrad = 0;
  private maxContribution = 0;
  private selected = -1;
  private current = -1;
  private focusIndex = -1;

  constructor(readonly display: DisplayGraph, readonly layout: LayoutResult, private precision: number) {
    this.svg = document.createElementNS(SVG_NS, 'svg');
    this.svg.setAttribute('class', 'graph-svg');
    this.svg.setAttribute('role', 'group');
    this.svg.setAttribute('aria-label', 'Computational graph: inputs on the left, the output on the right');
    this.svg.setAttribute('preserveAspectRatio', 'xMinYMin meet');
    this.world = s('g', { class: 'world' }) as SVGGElement;
    const groups = s('g', { class: 'groups' });
    const edges = s('g', { class: 'edges' });
    const nodes = s('g', { class: 'nodes' });
    this.labels = s('g', { class: 'edge-labels' }) as SVGGElement;
    this.badges = s('g', { class: 'badges' }) as SVGGElement;
    this.world.append(groups, edges, nodes, this.labels, this.badges);
    this.svg.append(this.world);
    this.buildGroups(groups);
    this.buildEdges(edges);
    this.buildNodes(nodes);
    this.setRoving(display.root >= 0 ? display.root : 0);
  }

  private buildGroups(parent: SVGElement): void {
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
      parent.append(s('g', { class: 'frame-group', 'data-frame': f }, [
        s('rect', { class: 'frame-box', x: b.x0 - pad, y: b.y0 - pad - 14, width: b.x1 - b.x0 + 2 * pad,
          height: b.y1 - b.y0 + 2 * pad + 14, rx: 8 }),
        s('text', { class: 'frame-label', x: b.x0 - pad + 6, y: b.y0 - pad - 3, 'data-fold': f, tabindex: 0,
          role: 'button', 'aria-label': `Fold ${fr.fn}(…) back into one gate` }, [text(`⊖ ${fr.fn}(…)  fold`)]),
      ]));
    }
  }

  private buildEdges(parent: SVGElement): void {
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
      const d = curve(sx, sy, layout.bends[e.index], tx, ty);
      const line = s('path', { class: 'edge-line', d }) as SVGPathElement;
      const g = s('g', { class: 'gedge', 'data-edge': e.index, 'data-from': a.id, 'data-to': b.id }, [
        s('path', { class: 'edge-hit', d }),
        line,
        s('circle', { class: 'edge-port', cx: tx, cy: ty, r: 2.5 }),
      ]) as SVGGElement;
      this.edgeLines.push(line);
      this.edgeGroups.push(g);
      parent.append(g);
    }
  }

  private buildNodes(parent: SVGElement): void {
    const { display, layout } = this;
    const frag = document.createDocumentFragment();
    for (const d of display.nodes) {
      const x = layout.x[d.index];
      const y = layout.y[d.index];
      const box = s('rect', { class: 'box', width: d.width, height: d.height, rx: d.kind === 'input' || d.kind === 'const' ? 12 : 5 }) as SVGRectElement;
      const stripe = s('rect', { class: 'stripe', width: 4, height: d.height - 8, x: 2, y: 4, rx: 2 }) as SVGRectElement;
      const hdr = s('text', { class: 'hdr', x: NODE_PAD_X, y: 5 + 12 }, [text(truncate(d.header))]);
      const val = s('text', { class: 'val', x: NODE_PAD_X, y: 5 + 12 + LINE_H }) as SVGTextElement;
      const grad = s('text', { class: 'grd', x: NODE_PAD_X, y: 5 + 12 + 2 * LINE_H }) as SVGTextElement;
      const children: SVGElement[] = [box, stripe, hdr, val, grad];
      if (d.kind === 'folded') {
        children.push(s('text', { class: 'expand', x: d.width - 6, y: 17, 'text-anchor': 'end', 'data-expand': d.frame! }, [text('⊕')]));
      }
      const g = s('g', {
        class: `gnode kind-${d.kind}${d.index === display.root ? ' root' : ''}`,
        transform: `translate(${x},${y})`,
        'data-index': d.index, 'data-node-id': d.id, 'data-label': d.label, 'data-kind': d.kind,
        tabindex: -1, role: 'button', 'aria-roledescription': d.kind === 'input' || d.kind === 'const' ? d.kind : 'gate',
      }, children) as SVGGElement;
      this.nodes.push({ g, box, stripe, val, grad });
      frag.append(g);
    }
    parent.append(frag);
  }

  /** Values, gradients, colours and edge weights from the current tape. */
  update(tape: Tape, nums: EdgeNumbers, diagnostics: Map<number, Diagnostic[]>, precision = this.precision): void {
    this.precision = precision;
    const { display } = this;
    const ids = display.nodes.map((d) => d.id);
    const grads = ids.map((i) => tape.grad[i]);
    this.maxGrad = maxAbsFinite(grads);
    this.maxContribution = maxAbsFinite(nums.contribution);
    const p = precision;
    for (const d of display.nodes) {
      const r = this.nodes[d.index];
      const value = tape.value[d.id];
      const g = tape.grad[d.id];
      const st = gradStyle(g, this.maxGrad);
      r.g.setAttribute('data-value', full(value));
      r.g.setAttribute('data-grad', full(g));
      r.g.dataset.sign = st.sign;
      // Constants: their gradient flows nowhere (∂(a²)/∂2 may even be NaN): shown, not coloured.
      r.box.style.fill = d.kind === 'const' ? 'var(--gl-node-bg)' : st.fill;
      if (d.kind === 'const') r.g.dataset.sign = 'const';
      r.val.textContent = `= ${short(value, p)}`;
      r.grad.textContent = gradText(d.kind, g, st.glyph, p);
      const diags = diagnostics.get(d.index) ?? [];
      const kindText = d.kind === 'folded' ? `, folded call of ${d.fn}, press E to expand`
        : d.kind === 'stub' ? ', summary of a subgraph not drawn' : '';
      r.g.setAttribute('aria-label', `${d.label} (${d.symbol}): value ${full(value)}, gradient ${full(g)}` +
        ` (${st.words})${kindText}${diags.map((x) => `; ${x.severity}: ${x.message}`).join('')}`);
      this.setBadge(d.index, diags);
    }
    for (const e of display.edges) {
      const c = nums.contribution[e.index];
      const st = gradStyle(c, this.maxContribution);
      const line = this.edgeLines[e.index];
      line.style.strokeWidth = String(edgeWidth(c, this.maxContribution));
      this.edgeGroups[e.index].dataset.sign = st.sign;
    }
  }

  private setBadge(index: number, diags: Diagnostic[]): void {
    const r = this.nodes[index];
    if (diags.length === 0) {
      r.badge?.remove();
      r.badge = undefined;
      return;
    }
    const sev = diags.some((d) => d.severity === 'error') ? 'error' : diags.some((d) => d.severity === 'warning') ? 'warning' : 'info';
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
    const p = this.precision;
    this.svg.classList.toggle('stepping', state !== undefined);
    for (const d of this.display.nodes) {
      const r = this.nodes[d.index];
      const st = state?.state[d.index] ?? 2;
      r.g.classList.toggle('pending', st === 0);
      r.g.classList.toggle('partial', st === 1);
      if (st === 2) {
        const g = tape.grad[d.id];
        r.grad.textContent = gradText(d.kind, g, gradStyle(g, this.maxGrad).glyph, p);
      } else if (st === 1) {
        r.grad.textContent = `∇ ${short(state!.partial[d.index], p)} + …`;
      } else {
        r.grad.textContent = '∇ pending';
      }
    }
    if (this.current >= 0) this.nodes[this.current]?.g.classList.remove('current');
    this.current = current;
    if (current >= 0) this.nodes[current].g.classList.add('current');
    for (const e of this.display.edges) {
      const done = !state || state.processed[e.to] === 1;
      this.edgeGroups[e.index].classList.toggle('pending', !done);
      this.edgeGroups[e.index].classList.toggle('active', e.to === current);
    }
  }

  select(index: number): void {
    if (this.selected >= 0) this.nodes[this.selected]?.g.classList.remove('selected');
    for (const g of this.edgeGroups) g.classList.remove('near');
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

  /** Contribution labels on the edges into `gate` (the selected or current gate). */
  showEdgeLabels(gate: number, lines: Array<{ edge: number; text: string }>): void {
    this.labels.replaceChildren();
    if (gate < 0) return;
    const placed: Array<{ x: number; y: number; w: number }> = [];
    for (const l of lines) {
      // At the middle of the edge's path, nudged down while it would overlap an earlier label.
      const path = this.edgeLines[l.edge];
      let mx: number;
      let my: number;
      try {
        const len = path.getTotalLength();
        const pt = path.getPointAtLength(len / 2);
        mx = pt.x;
        my = pt.y;
      } catch {
        const e = this.display.edges[l.edge];
        mx = this.layout.x[e.to] - 30;
        my = this.layout.y[e.to];
      }
      const w = l.text.length * 6.8 + 10;
      while (placed.some((p) => Math.abs(p.y - my) < 17 && Math.abs(p.x - mx) < (p.w + w) / 2)) my += 17;
      placed.push({ x: mx, y: my, w });
      this.labels.append(s('g', { class: 'edge-label' }, [
        s('rect', { x: mx - w / 2, y: my - 9, width: w, height: 17, rx: 3 }),
        s('text', { x: mx, y: my + 4, 'text-anchor': 'middle' }, [text(l.text)]),
      ]));
    }
  }

  nodeBox(index: number): { x: number; y: number; w: number; h: number } {
    const d = this.display.nodes[index];
    return { x: this.layout.x[index], y: this.layout.y[index], w: d.width, h: d.height };
  }
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
