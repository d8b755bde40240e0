/**
 * The debugger banner: "values from the paused program at train.ts:42, frame step", which inputs
 * came from it, notes on values it could not use (not a number, undefined, shadowed, truncated
 * arrays), and a stale mark once the program continued or ended. Plus the source badge of each
 * input in the inputs table (debugger / source / typed / default).
 */
import type { DebugValuesInfo, InputSource } from '../../src/shared/protocol';
import { badge } from '../toolkit';
import { h } from './dom';

const SOURCE_TEXT: Record<InputSource, string> = {
  debugger: 'debugger',
  source: 'source',
  user: 'typed',
  default: 'default',
};
const SOURCE_TITLE: Record<InputSource, string> = {
  debugger: 'Value read from the paused program',
  source: 'Value of a literal in the source',
  user: 'Value you typed',
  default: 'No value known: a default',
};

/** The banner under the header, or undefined when the numbers are not from a debugger. */
export function renderDebugBanner(info: DebugValuesInfo | undefined): HTMLElement | undefined {
  if (!info) return undefined;
  const where = info.file ? `${info.file}:${info.line}` : '';
  if (!info.applied) {
    return h('div', { class: 'debug-banner not-applied', role: 'note', 'data-debug': 'not-applied' }, [
      info.message ?? 'Values are not from the debugger.',
    ]);
  }
  const fromDebugger = Object.entries(info.sources)
    .filter(([, s]) => s === 'debugger')
    .map(([n]) => n);
  const notes = [
    ...Object.entries(info.notes).map(([name, text]) => ({ name, text, kind: 'note' })),
    ...Object.entries(info.remarks).map(([name, text]) => ({ name, text, kind: 'remark' })),
    ...info.truncated.map((t) => ({
      name: t.path,
      text: `'${t.path}' has ${t.length} elements; only the first ${t.read} were read (setting gradientLens.debug.maxArrayElements)`,
      kind: 'truncated',
    })),
  ];
  return h(
    'div',
    {
      class: `debug-banner${info.stale ? ' stale' : ''}`,
      role: 'status',
      'data-debug': info.stale ? 'stale' : 'live',
    },
    [
      h('div', { class: 'debug-where' }, [
        info.stale ? badge('stale', { class: 'debug-stale-badge' }) : undefined,
        info.stale ? ' Last values of the paused program at ' : 'Values from the paused program at ',
        h('code', {}, [where]),
        ', frame ',
        h('code', {}, [info.frame]),
        info.stale ? ' (it has continued or ended since).' : '.',
      ]),
      fromDebugger.length
        ? h('div', { class: 'debug-inputs' }, [`From the debugger: ${fromDebugger.join(', ')}`])
        : h('div', { class: 'debug-inputs' }, ['No input of this code has a number in the paused frame.']),
      notes.length
        ? h(
            'ul',
            { class: 'debug-notes' },
            notes.map((n) => h('li', { 'data-debug-note': n.name, 'data-kind': n.kind }, [n.text])),
          )
        : undefined,
    ],
  );
}

/** The badge for an input's row in the inputs table (undefined when not debugging). */
export function sourceBadge(info: DebugValuesInfo | undefined, name: string): HTMLElement | undefined {
  const source = info?.applied ? info.sources[name] : undefined;
  if (!source || source === 'default') return undefined; // "default" already has its own badge
  return badge(SOURCE_TEXT[source], {
    class: `source-badge source-${source}`,
    title: SOURCE_TITLE[source],
    'data-source': source,
  });
}

/** For the panel probe (tests): the banner's text, state and each input's source. */
export function debugProbe(root: HTMLElement): Record<string, unknown> {
  const banner = root.querySelector<HTMLElement>('.debug-banner');
  if (!banner) return {};
  const sources: Record<string, string> = {};
  for (const row of root.querySelectorAll<HTMLElement>('[data-input-name]')) {
    const b = row.querySelector<HTMLElement>('[data-source]');
    if (b) sources[row.dataset.inputName ?? ''] = b.dataset.source ?? '';
  }
  return { debugBanner: banner.textContent ?? '', debugState: banner.dataset.debug ?? '', inputSources: sources };
}
