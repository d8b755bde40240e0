/**
 * The ONE module that knows about @vscode/webview-ui-toolkit. Everything else in the webview
 * builds controls through these functions, so swapping the toolkit (archived upstream) for
 * @vscode-elements/elements is a change to this file only.
 *
 * The toolkit's package says `sideEffects: false`, so a bare import would be dropped by
 * esbuild: components are registered explicitly with provideVSCodeDesignSystem().register().
 */
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDataGrid,
  vsCodeDataGridCell,
  vsCodeDataGridRow,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;

export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeBadge(),
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDataGrid(),
    vsCodeDataGridCell(),
    vsCodeDataGridRow(),
    vsCodeDivider(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodeProgressRing(),
    vsCodeTextField(),
  );
}

type Attrs = Record<string, string | number | boolean | undefined>;

function el<K extends string>(tag: K, attrs: Attrs = {}, children: Array<Node | string> = []): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  e.append(...children);
  return e;
}

export interface ButtonOptions {
  appearance?: 'primary' | 'secondary' | 'icon';
  title?: string;
  disabled?: boolean;
  attrs?: Attrs;
}

export function button(label: string | Node, onClick: (ev: MouseEvent) => void, opts: ButtonOptions = {}): HTMLElement {
  const b = el(
    'vscode-button',
    {
      appearance: opts.appearance ?? 'secondary',
      title: opts.title,
      'aria-label': opts.title ?? (typeof label === 'string' ? label : undefined),
      disabled: opts.disabled,
      ...opts.attrs,
    },
    [label],
  );
  b.addEventListener('click', (ev) => {
    if (!(b as HTMLElement & { disabled?: boolean }).disabled) onClick(ev);
  });
  return b;
}

export function setDisabled(control: HTMLElement, disabled: boolean): void {
  (control as HTMLElement & { disabled: boolean }).disabled = disabled;
  control.toggleAttribute('disabled', disabled);
}

export function textField(
  value: string,
  onChange: (value: string) => void,
  opts: { label?: string; ariaLabel?: string; size?: number; attrs?: Attrs; placeholder?: string } = {},
): HTMLElement & { value: string } {
  const f = el(
    'vscode-text-field',
    { value, size: opts.size, 'aria-label': opts.ariaLabel, placeholder: opts.placeholder, ...opts.attrs },
    opts.label ? [opts.label] : [],
  ) as HTMLElement & { value: string };
  f.addEventListener('change', () => onChange(f.value));
  f.addEventListener('keydown', (ev) => {
    if ((ev as KeyboardEvent).key === 'Enter') onChange(f.value);
  });
  return f;
}

export function checkbox(
  label: string,
  checked: boolean,
  onChange: (checked: boolean) => void,
  attrs: Attrs = {},
): HTMLElement {
  const c = el('vscode-checkbox', { checked, ...attrs }, [label]) as HTMLElement & { checked: boolean };
  c.addEventListener('change', () => onChange(c.checked));
  return c;
}

export function dropdown(
  options: Array<{ value: string; label: string }>,
  selected: string,
  onChange: (value: string) => void,
  attrs: Attrs = {},
): HTMLElement {
  const d = el(
    'vscode-dropdown',
    attrs,
    options.map((o) => el('vscode-option', { value: o.value, selected: o.value === selected }, [o.label])),
  ) as HTMLElement & { value: string };
  d.addEventListener('change', () => onChange(d.value));
  return d;
}

export function badge(text: string, attrs: Attrs = {}): HTMLElement {
  return el('vscode-badge', attrs, [text]);
}

export function divider(): HTMLElement {
  return el('vscode-divider', { role: 'separator' });
}

export function progressRing(): HTMLElement {
  return el('vscode-progress-ring');
}

/** A data grid: one header row and one row per item; cells may hold text or controls. */
export function dataGrid(
  columns: string[],
  rows: Array<{ cells: Array<Node | string>; attrs?: Attrs }>,
  attrs: Attrs = {},
): HTMLElement {
  const grid = el('vscode-data-grid', {
    'generate-header': 'none',
    'grid-template-columns': attrs['grid-template-columns'],
    ...attrs,
  });
  const header = el(
    'vscode-data-grid-row',
    { 'row-type': 'header' },
    columns.map((c, i) => el('vscode-data-grid-cell', { 'cell-type': 'columnheader', 'grid-column': i + 1 }, [c])),
  );
  grid.append(header);
  for (const row of rows) {
    grid.append(
      el(
        'vscode-data-grid-row',
        row.attrs ?? {},
        row.cells.map((c, i) => el('vscode-data-grid-cell', { 'grid-column': i + 1 }, [c])),
      ),
    );
  }
  return grid;
}
