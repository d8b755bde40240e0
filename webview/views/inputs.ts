/**
 * The inputs table: name, value (editable), gradient, numeric gradient, relative error.
 *
 * SCALE: a toolkit data-grid row with a text field costs ~2 ms to build and connect, so a
 * 5,000-input expression would freeze the panel for seconds. The table therefore renders a
 * PAGE of rows at most (in input order), with a filter by name (every input stays reachable)
 * and "Show N more". Only the first SYNC_ROWS rows are built synchronously; the rest of the
 * page is added in idle slices (after the graph has been laid out and drawn). Rows already
 * built are kept (detached) and reused when the filter or page changes; `update` patches the
 * rendered rows in place and rows not in the DOM get their numbers when they are shown again.
 *
 * Every rendered row carries data-input-name, data-value and data-grad (full precision) and
 * an editable field [data-edit-input=NAME]. The filter and the number of rows shown survive a
 * full re-render of the same program (app.render), so the field being edited is rendered
 * again (synchronously) and keeps its focus.
 */
import type { ViewContext } from '../state';
import { badge, button, dataGrid, textField } from '../toolkit';
import { sourceBadge } from './debugBanner';
import { full, parseNumber, short } from '../format';
import { relErrorText } from '../../src/core/format';
import { NO_INPUTS_TEXT, inputSourceOrder } from '../../src/core/report';
import { h } from './dom';
import { gradSign, gradStyle } from '../graph/color';
import type { GradCheck } from '../../src/core';

export interface InputsView {
  element: HTMLElement;
  /** Patch the numbers in place; false when the rows would differ (then render anew). */
  update(c: ViewContext): boolean;
}

/** Rows per page (and the filter box appears beyond this many inputs). */
export const INPUTS_PAGE = 200;
/** Rows built synchronously; the rest of a page is built in idle slices. */
const SYNC_ROWS = 40;
const SLICE_MS = 12;

const COLUMNS = ['input', 'value', 'gradient', 'numeric', 'rel. error'];
const GRID_ATTRS = { 'grid-template-columns': '0.9fr 1.3fr 1fr 1fr 0.9fr', class: 'inputs-grid' };

const relErrText = (k: GradCheck | undefined) => (k ? (k.relError === 0 ? '0' : relErrorText(k.relError)) : '—');
const checkClass = (k: GradCheck | undefined) =>
  `num ${k && k.relError > 1e-5 && Math.abs(k.analytic - k.numeric) > 1e-7 ? 'bad-check' : 'good-check'}`;
const ariaLabel = (name: string, value: number, grad: number, isDefault: boolean) =>
  `${name} = ${full(value)}, gradient ${full(grad)}${isDefault ? ' (default value)' : ''}`;

/** What survives a full re-render of the same program: filter, rows shown, the field last edited. */
interface Memory {
  program: unknown;
  filter: string;
  limit: number;
  editing?: string;
}
let memory: Memory | undefined;

type Idle = (cb: (d: { timeRemaining(): number }) => void, o?: { timeout: number }) => number;
const requestIdle: Idle =
  typeof (globalThis as { requestIdleCallback?: Idle }).requestIdleCallback === 'function'
    ? (cb, o) => (globalThis as unknown as { requestIdleCallback: Idle }).requestIdleCallback(cb, o)
    : (cb) => setTimeout(() => cb({ timeRemaining: () => SLICE_MS }), 16) as unknown as number;
const cancelIdle = (id: number) => {
  const g = globalThis as { cancelIdleCallback?: (id: number) => void };
  if (typeof g.cancelIdleCallback === 'function') g.cancelIdleCallback(id);
  else clearTimeout(id);
};

export function renderInputs(initial: ViewContext): InputsView {
  let c = initial;
  const program = c.payload.program;
  const names = c.ev.inputs.map((i) => i.name);
  /** Rows in source order (W1's numbers, then x's, …), not in the order the run first read them. */
  const order = inputSourceOrder(c.ev);
  const lowerNames = names.map((n) => n.toLowerCase());
  const defaultsShown = new Set(c.defaults);
  const paged = names.length > INPUTS_PAGE;
  const mem: Memory = memory && memory.program === program ? memory : { program, filter: '', limit: INPUTS_PAGE };
  memory = mem;

  /** Numbers generation: bumped by update(); a row painted at an older one is repainted when shown. */
  let gen = 0;
  let checks: Map<string, GradCheck> | undefined;
  const checkOf = (name: string) => (checks ??= new Map(c.check?.map((k) => [k.name, k]))).get(name);
  const rowEl: Array<HTMLElement | undefined> = new Array(names.length);
  const painted = new Int32Array(names.length);

  function rowSpec(i: number) {
    const inp = c.ev.inputs[i];
    const p = c.settings.precision;
    const k = checkOf(inp.name);
    const field = textField(
      full(inp.value),
      (text) => {
        const v = parseNumber(text);
        if (v === undefined) {
          field.classList.add('invalid');
          field.setAttribute('title', `'${text}' is not a number`);
          return;
        }
        field.classList.remove('invalid');
        field.removeAttribute('title');
        const row = field.closest<HTMLElement>('[data-input-name]');
        const shown = row ? Number(row.dataset.value) : NaN;
        mem.editing = inp.name;
        if (!Object.is(v, shown) || c.defaults.has(inp.name)) c.setValues({ [inp.name]: v });
      },
      { ariaLabel: `value of ${inp.name}`, size: 8, attrs: { 'data-edit-input': inp.name } },
    );
    const isDefault = c.defaults.has(inp.name);
    const nameCell = h('span', { class: 'input-name' }, [
      inp.name,
      isDefault
        ? badge('default', { class: 'default-badge', title: 'No value in the source: a default. Type a value.' })
        : undefined,
      sourceBadge(c.payload.debug, inp.name),
    ]);
    return {
      cells: [
        nameCell,
        field,
        h('span', { class: 'num grad', title: full(inp.grad), 'data-sign': gradSign(inp.grad) }, [
          `${short(inp.grad, p)} ${gradStyle(inp.grad, 1).glyph}`,
        ]),
        h('span', { class: 'num numeric', title: k ? full(k.numeric) : 'not computed for graphs this large' }, [
          k ? short(k.numeric, p) : '—',
        ]),
        h('span', { class: `${checkClass(k)} rel-error` }, [relErrText(k)]),
      ],
      attrs: {
        'data-input-name': inp.name,
        'data-value': full(inp.value),
        'data-grad': full(inp.grad),
        'data-default': isDefault,
        class: isDefault ? 'is-default' : undefined,
        'aria-label': ariaLabel(inp.name, inp.value, inp.grad, isDefault),
      },
    };
  }

  /** The rows for input indices `list` (built once through the toolkit, reused afterwards). */
  function rowsFor(list: number[]): HTMLElement[] {
    const missing = list.filter((i) => !rowEl[i]);
    if (missing.length) {
      const built = [...dataGrid(COLUMNS, missing.map(rowSpec), GRID_ATTRS).children].slice(1) as HTMLElement[];
      missing.forEach((i, j) => {
        rowEl[i] = built[j];
        painted[i] = gen;
      });
    }
    return list.map((i) => {
      if (painted[i] !== gen) paint(i);
      return rowEl[i]!;
    });
  }

  function paint(i: number): void {
    const row = rowEl[i];
    if (!row) return;
    painted[i] = gen;
    const inp = c.ev.inputs[i];
    const precision = c.settings.precision;
    const k = checkOf(inp.name);
    row.dataset.value = full(inp.value);
    row.dataset.grad = full(inp.grad);
    row.setAttribute('aria-label', ariaLabel(inp.name, inp.value, inp.grad, c.defaults.has(inp.name)));
    const grad = row.querySelector<HTMLElement>('.grad')!;
    grad.textContent = `${short(inp.grad, precision)} ${gradStyle(inp.grad, 1).glyph}`;
    grad.title = full(inp.grad);
    grad.dataset.sign = gradSign(inp.grad);
    const numeric = row.querySelector<HTMLElement>('.numeric')!;
    numeric.textContent = k ? short(k.numeric, precision) : '—';
    numeric.title = k ? full(k.numeric) : 'not computed for graphs this large';
    const rel = row.querySelector<HTMLElement>('.rel-error')!;
    rel.textContent = relErrText(k);
    rel.className = `${checkClass(k)} rel-error`;
    const field = row.querySelector<HTMLElement & { value: string }>('[data-edit-input]')!;
    if (!field.contains(document.activeElement) && field.value !== full(inp.value)) field.value = full(inp.value);
  }

  // ---- what is shown: the inputs matching the filter, the first `limit` of them ----
  const grid = dataGrid(COLUMNS, [], GRID_ATTRS);
  /** Input indices currently in the grid, in order. */
  let shown: number[] = [];
  /** Indices still to add (idle slices). */
  let pending: number[] = [];
  let idle = 0;
  let matches: number[] = [];
  const status = h('div', { class: 'inputs-status', role: 'status' });
  const more = h('div', { class: 'inputs-more' });

  function matching(): number[] {
    const q = mem.filter.trim().toLowerCase();
    if (!q) return order;
    return order.filter((i) => lowerNames[i].includes(q));
  }

  /** Show the current filter and limit: reuse rows, build `syncCount` now and the rest when idle. */
  function show(syncCount = SYNC_ROWS): void {
    matches = matching();
    const want = matches.slice(0, mem.limit);
    // The field last edited is rendered now (it gets its focus back).
    if (mem.editing !== undefined) {
      const at = want.findIndex((i) => names[i] === mem.editing);
      if (at >= 0) syncCount = Math.max(syncCount, at + 1);
    }
    // Keep the common prefix of what is shown (a page added, or the same filter again).
    let same = 0;
    while (same < shown.length && same < want.length && shown[same] === want[same]) same++;
    for (let j = shown.length - 1; j >= same; j--) rowEl[shown[j]]?.remove();
    shown = want.slice(0, same);
    const rest = want.slice(same);
    // Rows built before are cheap to attach again: only unbuilt ones count against the sync budget.
    let now = 0;
    let built = 0;
    while (now < rest.length && (built < syncCount - same || rowEl[rest[now]])) {
      if (!rowEl[rest[now]]) built++;
      now++;
    }
    append(rest.slice(0, now));
    pending = rest.slice(now);
    schedule();
    renderStatus();
  }

  function append(list: number[]): void {
    if (!list.length) return;
    const rows = rowsFor(list);
    const frag = document.createDocumentFragment();
    frag.append(...rows);
    grid.append(frag);
    shown.push(...list);
  }

  function schedule(): void {
    if (idle) cancelIdle(idle);
    idle = 0;
    if (!pending.length) return;
    idle = requestIdle(
      (deadline) => {
        idle = 0;
        const end = performance.now() + Math.min(SLICE_MS, Math.max(4, deadline.timeRemaining()));
        const batch: number[] = [];
        // ~2 ms a row: take a batch that fits, at least one row.
        const estimate = Math.max(1, Math.floor((end - performance.now()) / 2));
        while (pending.length && batch.length < estimate) batch.push(pending.shift()!);
        append(batch);
        schedule();
        if (!pending.length) renderStatus();
      },
      { timeout: 500 },
    );
  }

  function renderStatus(): void {
    if (!paged) return;
    const total = matches.length;
    const q = mem.filter.trim();
    const count = Math.min(total, mem.limit);
    status.textContent =
      total === 0
        ? `No input name contains “${q}” (${names.length.toLocaleString('en-US')} inputs).`
        : `Showing ${count.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} ${q ? `inputs matching “${q}”` : 'inputs'}` +
          `${count < total ? ' (filter by name to find the others)' : ''}.`;
    more.replaceChildren();
    const left = total - mem.limit;
    if (left > 0) {
      const n = Math.min(INPUTS_PAGE, left);
      more.append(
        button(
          `Show ${n.toLocaleString('en-US')} more`,
          () => {
            mem.limit += INPUTS_PAGE;
            show(0);
          },
          { attrs: { 'data-action': 'inputs-more' } },
        ),
      );
    }
  }

  const children: HTMLElement[] = [
    h('h3', {}, ['Inputs ', h('span', { class: 'muted' }, [`∂${c.payload.program.target.name ?? 'f'}/∂input`])]),
  ];
  if (paged) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const filter = textField(
      mem.filter,
      (text) => {
        if (timer) clearTimeout(timer);
        if (text === mem.filter) return;
        mem.filter = text;
        mem.limit = INPUTS_PAGE;
        show();
      },
      {
        ariaLabel: 'Filter inputs by name',
        placeholder: `Filter ${names.length.toLocaleString('en-US')} inputs by name`,
        attrs: { 'data-action': 'filter-inputs', class: 'inputs-filter' },
      },
    );
    filter.addEventListener('input', () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        if (filter.value === mem.filter) return;
        mem.filter = filter.value;
        mem.limit = INPUTS_PAGE;
        show();
      }, 150);
    });
    children.push(h('div', { class: 'inputs-tools' }, [filter, status]));
  }
  children.push(
    names.length ? grid : h('p', { class: 'muted inputs-empty', 'data-inputs-empty': '' }, [NO_INPUTS_TEXT]),
  );
  if (paged) children.push(more);
  const element = h(
    'section',
    { class: 'inputs', 'aria-label': 'Inputs', 'data-inputs-total': names.length },
    children,
  );
  // The field being edited (it is rendered synchronously again by a full re-render).
  element.addEventListener('focusin', (e) => {
    const f = (e.target as Element | null)?.closest?.('[data-edit-input]');
    if (f) mem.editing = f.getAttribute('data-edit-input') ?? undefined;
  });
  element.addEventListener('focusout', (e) => {
    const to = (e as FocusEvent).relatedTarget as Element | null;
    // Focus moved elsewhere (not the field being removed by a re-render).
    if (to && !to.closest?.('[data-edit-input]')) mem.editing = undefined;
  });
  show();

  return {
    element,
    update(next) {
      const inputs = next.ev.inputs;
      if (inputs.length !== names.length || inputs.some((inp, i) => inp.name !== names[i])) return false;
      if (next.defaults.size !== defaultsShown.size || [...next.defaults].some((d) => !defaultsShown.has(d)))
        return false;
      c = next;
      checks = undefined;
      gen++;
      for (const i of shown) paint(i);
      return true;
    },
  };
}
