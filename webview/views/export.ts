/**
 * Export of the graph: SVG (the drawn graph with its computed colours inlined, so the file
 * stands alone outside VS Code's theme), PNG (that SVG drawn on a canvas), DOT (core's
 * toDot) and JSON (core's toReport with the gradient check). The content is posted to the
 * host, which opens VS Code's save dialog.
 */
import { toDot, toReport } from '../../src/core/report';
import type { Evaluation, GradCheck } from '../../src/core/evaluate';
import type { ExportFormat, WebviewToHost } from '../../src/shared/protocol';
import { button } from '../toolkit';
import { h } from './dom';

export const EXPORT_FORMATS: ExportFormat[] = ['svg', 'png', 'dot', 'json'];

export function renderExportButtons(onExport: (format: ExportFormat) => void): HTMLElement {
  return h('div', { class: 'export', role: 'group', 'aria-label': 'Export' }, [
    h('span', { class: 'toolbar-label' }, ['Export']),
    ...EXPORT_FORMATS.map((f) =>
      button(f.toUpperCase(), () => onExport(f), {
        title: `Export the graph as ${f.toUpperCase()}`,
        attrs: { 'data-export': f },
      }),
    ),
  ]);
}

/** Computed style properties copied onto every exported element. */
const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'display',
  'visibility',
  'paint-order',
] as const;

let probe: HTMLElement | undefined;
/** Any CSS colour (incl. color-mix and var()) as rgb()/rgba() a standalone SVG viewer understands. */
export function resolveColor(css: string): string {
  if (!css || css === 'none' || css.startsWith('url(')) return css;
  if (!probe) {
    probe = document.body.appendChild(h('span', { 'aria-hidden': 'true' }));
    probe.style.display = 'none';
  }
  probe.style.color = '';
  probe.style.color = css;
  const c = getComputedStyle(probe).color || css;
  return toRgb(c) ?? c;
}

/** 'color(srgb r g b / a)' (what Chrome computes for color-mix) → 'rgb(..)'; rgb() passes through. */
export function toRgb(c: string): string | undefined {
  if (/^rgba?\(/.test(c)) return c;
  const m = /^color\(srgb\s+([\d.e+-]+)\s+([\d.e+-]+)\s+([\d.e+-]+)(?:\s*\/\s*([\d.e+-]+%?))?\)$/.exec(c.trim());
  if (!m) return undefined;
  const ch = (x: string) => Math.round(Math.min(1, Math.max(0, Number(x))) * 255);
  const a = m[4] === undefined ? 1 : m[4].endsWith('%') ? Number(m[4].slice(0, -1)) / 100 : Number(m[4]);
  return a >= 1 ? `rgb(${ch(m[1])}, ${ch(m[2])}, ${ch(m[3])})` : `rgba(${ch(m[1])}, ${ch(m[2])}, ${ch(m[3])}, ${a})`;
}

/** A standalone SVG document of the whole graph (not just the visible part). */
export function serializeSvg(
  svg: SVGSVGElement,
  bounds: { x: number; y: number; w: number; h: number },
  title: string,
): string {
  // The level-of-detail class hides text when zoomed far out: the export always has it.
  const lod = svg.classList.contains('lod');
  svg.classList.remove('lod');
  try {
    return serialize(svg, bounds, title);
  } finally {
    if (lod) svg.classList.add('lod');
  }
}

function serialize(svg: SVGSVGElement, bounds: { x: number; y: number; w: number; h: number }, title: string): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...svg.querySelectorAll('*')] as Element[];
  const dst = [clone, ...clone.querySelectorAll('*')] as Element[];
  for (let i = 0; i < src.length; i++) {
    const cs = getComputedStyle(src[i]);
    const parts: string[] = [];
    for (const p of STYLE_PROPS) {
      let v = cs.getPropertyValue(p);
      if (!v) continue;
      if (p === 'fill' || p === 'stroke') v = resolveColor(v);
      parts.push(`${p}:${v}`);
    }
    dst[i].setAttribute('style', parts.join(';'));
    dst[i].removeAttribute('class');
    dst[i].removeAttribute('tabindex');
  }
  const pad = 24;
  const w = Math.ceil(bounds.w + 2 * pad);
  const ht = Math.ceil(bounds.h + 2 * pad);
  const x0 = Math.floor(bounds.x - pad);
  const y0 = Math.floor(bounds.y - pad - 16);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('viewBox', `${x0} ${y0} ${w} ${ht + 16}`);
  clone.setAttribute('width', String(w));
  clone.setAttribute('height', String(ht + 16));
  // The view's pan/zoom transform and compositor hints are not part of the picture.
  clone.removeAttribute('style');
  const bg = resolveColor(getComputedStyle(document.body).backgroundColor || 'white');
  const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  rect.setAttribute('x', String(x0));
  rect.setAttribute('y', String(y0));
  rect.setAttribute('width', String(w));
  rect.setAttribute('height', String(ht + 16));
  rect.setAttribute('style', `fill:${bg}`);
  const t = document.createElementNS('http://www.w3.org/2000/svg', 'title');
  t.textContent = title;
  clone.prepend(t, rect);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`;
}

/** The SVG drawn on a canvas, as base64 PNG (scaled down to fit 8192 px and 40 Mpx). */
export async function svgToPngBase64(svgText: string, width: number, height: number, scale = 2): Promise<string> {
  const k = Math.min(scale, 8192 / width, 8192 / height, Math.sqrt(40e6 / (width * height)));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.floor(width * k));
  canvas.height = Math.max(1, Math.floor(height * k));
  const img = new Image();
  img.decoding = 'async';
  const loaded = new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('the SVG could not be drawn'));
  });
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  await loaded;
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}

export interface ExportSource {
  ev: Evaluation;
  check: GradCheck[] | undefined;
  baseName: string;
  svg(): { text: string; width: number; height: number } | undefined;
}

/** Builds the content for `format` and posts it to the host (which shows the save dialog). */
export async function exportGraph(
  format: ExportFormat,
  src: ExportSource,
  post: (m: WebviewToHost) => void,
): Promise<void> {
  const suggestedName = `${src.baseName}.gradients.${format}`;
  let content: string;
  switch (format) {
    case 'dot':
      content = toDot(src.ev);
      break;
    case 'json':
      content = JSON.stringify(toReport(src.ev, src.check), null, 2) + '\n';
      break;
    case 'svg':
    case 'png': {
      const s = src.svg();
      if (!s) throw new Error('the graph is not drawn yet');
      content = format === 'svg' ? s.text : await svgToPngBase64(s.text, s.width, s.height);
      break;
    }
    default:
      throw new Error(`unknown export format ${String(format)}`);
  }
  post({ type: 'export', format, content, suggestedName });
}
