/** The inputs table: name, value (editable), gradient, numeric gradient, relative error. */
import type { ViewContext } from '../app';
import { badge, dataGrid, textField } from '../toolkit';
import { full, parseNumber, short } from '../format';
import { h } from './dom';
import { gradSign, gradStyle } from '../graph/color';
import type { GradCheck } from '../../src/core';

export interface InputsView {
  element: HTMLElement;
  /** Patch the numbers in place; false when the rows would differ (then render anew). */
  update(c: ViewContext): boolean;
}

const relErrText = (k: GradCheck | undefined) => (k ? (k.relError === 0 ? '0' : k.relError.toExponential(1)) : '—');
const checkClass = (k: GradCheck | undefined) =>
  `num ${k && k.relError > 1e-5 && Math.abs(k.analytic - k.numeric) > 1e-7 ? 'bad-check' : 'good-check'}`;
const ariaLabel = (name: string, value: number, grad: number, isDefault: boolean) =>
  `${name} = ${full(value)}, gradient ${full(grad)}${isDefault ? ' (default value)' : ''}`;

export function renderInputs(c: ViewContext): InputsView {
  const p = c.settings.precision;
  const byName = new Map(c.check?.map((k) => [k.name, k]));
  const rows = c.ev.inputs.map((inp) => {
    const k = byName.get(inp.name);
    const field = textField(full(inp.value), (text) => {
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
      if (!Object.is(v, shown) || c.defaults.has(inp.name)) c.setValues({ [inp.name]: v });
    }, { ariaLabel: `value of ${inp.name}`, size: 8, attrs: { 'data-edit-input': inp.name } });
    const isDefault = c.defaults.has(inp.name);
    const nameCell = h('span', { class: 'input-name' }, [inp.name, isDefault ? badge('default', { class: 'default-badge', title: 'No value in the source: a default. Type a value.' }) : undefined]);
    return {
      cells: [
        nameCell,
        field,
        h('span', { class: 'num grad', title: full(inp.grad), 'data-sign': gradSign(inp.grad) }, [`${short(inp.grad, p)} ${gradStyle(inp.grad, 1).glyph}`]),
        h('span', { class: 'num numeric', title: k ? full(k.numeric) : 'not computed for graphs this large' }, [k ? short(k.numeric, p) : '—']),
        h('span', { class: `${checkClass(k)} rel-error` }, [relErrText(k)]),
      ],
      attrs: {
        'data-input-name': inp.name, 'data-value': full(inp.value), 'data-grad': full(inp.grad),
        'data-default': isDefault, class: isDefault ? 'is-default' : undefined,
        'aria-label': ariaLabel(inp.name, inp.value, inp.grad, isDefault),
      },
    };
  });
  const names = c.ev.inputs.map((i) => i.name);
  const defaultsShown = new Set(c.defaults);
  const element = h('section', { class: 'inputs', 'aria-label': 'Inputs' }, [
    h('h3', {}, ['Inputs ', h('span', { class: 'muted' }, [`∂${c.payload.program.target.name ?? 'f'}/∂input`])]),
    dataGrid(['input', 'value', 'gradient', 'numeric', 'rel. error'], rows, { 'grid-template-columns': '1.2fr 1.4fr 1fr 1fr 0.8fr', class: 'inputs-grid' }),
  ]);
  return {
    element,
    update(next) {
      const inputs = next.ev.inputs;
      if (inputs.length !== names.length || inputs.some((inp, i) => inp.name !== names[i])) return false;
      if (next.defaults.size !== defaultsShown.size || [...next.defaults].some((d) => !defaultsShown.has(d))) return false;
      c = next;
      const precision = next.settings.precision;
      const checks = new Map(next.check?.map((k) => [k.name, k]));
      const rowEls = element.querySelectorAll<HTMLElement>('[data-input-name]');
      inputs.forEach((inp, i) => {
        const row = rowEls[i];
        const k = checks.get(inp.name);
        row.dataset.value = full(inp.value);
        row.dataset.grad = full(inp.grad);
        row.setAttribute('aria-label', ariaLabel(inp.name, inp.value, inp.grad, next.defaults.has(inp.name)));
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
      });
      return true;
    },
  };
}
