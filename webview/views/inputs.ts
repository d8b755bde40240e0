/** The inputs table: name, value (editable), gradient, numeric gradient, relative error. */
import type { ViewContext } from '../app';
import { badge, dataGrid, textField } from '../toolkit';
import { full, parseNumber, short } from '../format';
import { h } from './dom';
import { gradSign, gradStyle } from '../graph/color';

export function renderInputs(c: ViewContext): HTMLElement {
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
      if (v !== c.values[inp.name] || c.defaults.has(inp.name)) c.setValues({ [inp.name]: v });
    }, { ariaLabel: `value of ${inp.name}`, size: 8, attrs: { 'data-edit-input': inp.name } });
    const isDefault = c.defaults.has(inp.name);
    const nameCell = h('span', { class: 'input-name' }, [inp.name, isDefault ? badge('default', { class: 'default-badge', title: 'No value in the source: a default. Type a value.' }) : undefined]);
    const relErr = k ? (k.relError === 0 ? '0' : k.relError.toExponential(1)) : '—';
    const errClass = k && k.relError > 1e-5 && Math.abs(k.analytic - k.numeric) > 1e-7 ? 'bad-check' : 'good-check';
    return {
      cells: [
        nameCell,
        field,
        h('span', { class: 'num grad', title: full(inp.grad), 'data-sign': gradSign(inp.grad) }, [`${short(inp.grad, p)} ${gradStyle(inp.grad, 1).glyph}`]),
        h('span', { class: 'num', title: k ? full(k.numeric) : 'not computed for graphs this large' }, [k ? short(k.numeric, p) : '—']),
        h('span', { class: `num ${errClass}` }, [relErr]),
      ],
      attrs: {
        'data-input-name': inp.name, 'data-value': full(inp.value), 'data-grad': full(inp.grad),
        'data-default': isDefault, class: isDefault ? 'is-default' : undefined,
        'aria-label': `${inp.name} = ${full(inp.value)}, gradient ${full(inp.grad)}${isDefault ? ' (default value)' : ''}`,
      },
    };
  });
  return h('section', { class: 'inputs', 'aria-label': 'Inputs' }, [
    h('h3', {}, ['Inputs ', h('span', { class: 'muted' }, [`∂${c.payload.program.target.name ?? 'f'}/∂input`])]),
    dataGrid(['input', 'value', 'gradient', 'numeric', 'rel. error'], rows, { 'grid-template-columns': '1.2fr 1.4fr 1fr 1fr 0.8fr', class: 'inputs-grid' }),
  ]);
}
