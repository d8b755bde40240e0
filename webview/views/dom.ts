/** Tiny DOM helpers (no framework). */
export type Attrs = Record<string, string | number | boolean | undefined>;

export function h(
  tag: string,
  attrs: Attrs = {},
  children: Array<Node | string | undefined | false> = [],
): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== undefined && c !== false) e.append(c);
  return e;
}

export function svg(tag: string, attrs: Attrs = {}, children: Node[] = []): SVGElement {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== false) e.setAttribute(k, String(v));
  e.append(...children);
  return e;
}
