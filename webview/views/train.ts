/**
 * The Train section: gradient descent u ← u − η·∂L/∂u on the panel's expression, run in the
 * webview with the pure core (createTrainer), in time-sliced chunks so the panel stays
 * responsive and can be stopped. Shows the loss curve, each parameter's trajectory and the
 * update rule with numbers; "Apply to source" asks the host to write the trained values into
 * the const declarations.
 *
 * The app re-renders the whole panel on every change, so the training state lives here, keyed
 * by document and target, and each render re-creates the section from it.
 */
import type { ExprProgram } from '../../src/core/expr';
import {
  advanceTraining,
  createTrainer,
  isDataName,
  startTraining,
  type Trainer,
  type TrainingProgress,
} from '../../src/core/train';
import type { ViewContext } from '../state';
import { button, checkbox, dropdown, setDisabled, textField } from '../toolkit';
import { full, parseNumber, short } from '../format';
import { percentChange } from '../../src/core/format';
import { extent, linearScale, linePath, logTicks, niceTicks, tickLabel } from '../train/chart';
import { h, svg } from './dom';

type Status = 'idle' | 'running' | 'done' | 'stopped' | 'diverged';

/** The core's training state machine (`remaining`: steps still to do in the current Run click), plus its trainer. */
interface Run extends TrainingProgress {
  trainer?: Trainer;
  program: ExprProgram;
}

interface TrainState {
  key: string;
  lrText: string;
  stepsText: string;
  /** Explicit choices; names not here use the pre-marking (isDataName). */
  trained: Map<string, boolean>;
  selected?: string;
  log: boolean;
  status: Status;
  message?: string;
  run?: Run;
  /** Panel values before the first run (Reset goes back to them). */
  origin?: Record<string, number>;
  timer?: ReturnType<typeof setTimeout>;
  applied?: string;
  /**
   * The parameter checkboxes and the rule's dropdown as last built, by what they show: an input
   * edit repaints the section, and rebuilding ~100 toolkit checkboxes and options each time
   * (web components: created, connected, styled) cost most of an edit's repaint at scale.
   */
  memo?: { program: unknown; params?: { key: string; el: HTMLElement }; pick?: { key: string; el: HTMLElement } };
}

/** The element `make` builds for `key`, reused while the program and the key stay the same. */
function memoized(c: ViewContext, s: TrainState, slot: 'params' | 'pick', key: string, make: () => HTMLElement) {
  if (s.memo?.program !== c.payload.program) s.memo = { program: c.payload.program };
  const hit = s.memo[slot];
  if (hit && hit.key === key) return hit.el;
  const el = make();
  s.memo[slot] = { key, el };
  return el;
}

const states = new Map<string, TrainState>();
let latest: { c: ViewContext; state: TrainState; repaint: () => void } | undefined;

const MAX_STEPS = 1_000_000;
const SLICE_MS = 14;

function keyOf(c: ViewContext): string {
  const t = c.payload.program.target;
  return `${c.payload.document.uri}#${t.name ?? `${t.range.start}`}`;
}

function stateFor(c: ViewContext): TrainState {
  const key = keyOf(c);
  let s = states.get(key);
  if (!s) {
    s = { key, lrText: '0.5', stepsText: '100', trained: new Map(), log: false, status: 'idle' };
    states.set(key, s);
  }
  return s;
}

function inputNames(c: ViewContext): string[] {
  // in source order (declaration position), not first-use order
  return [...c.ev.inputs]
    .sort((a, b) => c.payload.program.nodes[a.node].range.start - c.payload.program.nodes[b.node].range.start)
    .map((i) => i.name);
}

function isTrained(s: TrainState, name: string): boolean {
  return s.trained.get(name) ?? !isDataName(name);
}

function chosenParams(c: ViewContext, s: TrainState): string[] {
  const names = inputNames(c);
  const chosen = names.filter((n) => isTrained(s, n));
  return chosen;
}

/** The router's entry for the host's `train` and `stopTraining` commands (tests, automation). */
export function trainCommand(command: 'train' | 'stopTraining', args: Record<string, unknown>): void {
  if (!latest) return;
  const { c, state } = latest;
  if (command === 'stopTraining') stop(state, 'stopped');
  if (command === 'train') {
    if (typeof args.lr === 'number') state.lrText = String(args.lr);
    if (typeof args.steps === 'number') state.stepsText = String(args.steps);
    if (Array.isArray(args.params)) {
      const want = new Set(args.params.map(String));
      for (const n of inputNames(c)) state.trained.set(n, want.has(n));
    }
    start(c, state);
  }
}

function stop(s: TrainState, status: Status, message?: string): void {
  if (s.timer !== undefined) clearTimeout(s.timer);
  s.timer = undefined;
  if (s.status !== 'running') return;
  s.status = status;
  s.message = message;
  finish(s);
}

/** After a run: the panel shows the trained values (graph, inputs, inline values follow). */
function finish(s: TrainState): void {
  const run = s.run;
  if (!run || !latest || latest.state !== s) return;
  const values: Record<string, number> = {};
  for (const p of run.params) {
    const t = run.trajectories[p];
    values[p] = t[t.length - 1];
  }
  run.trainer = undefined;
  latest.c.setValues(values); // re-renders the panel, and this section from `s`
}

function start(c: ViewContext, s: TrainState): void {
  if (s.status === 'running') return;
  const lr = parseNumber(s.lrText);
  const steps = Number(s.stepsText.trim());
  const params = chosenParams(c, s);
  if (lr === undefined || !Number.isFinite(lr) || lr <= 0)
    return fail(s, `η must be a positive number, not '${s.lrText}'`);
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS)
    return fail(s, `Steps must be a whole number from 1 to ${MAX_STEPS}`);
  if (params.length === 0) return fail(s, 'Tick at least one input to train.');
  const values = Object.fromEntries(c.ev.inputs.map((i) => [i.name, i.value]));
  let trainer: Trainer;
  try {
    trainer = createTrainer(c.payload.program, values, lr, params);
  } catch (e) {
    return fail(s, (e as Error).message);
  }
  const prev = s.run;
  const continues =
    prev &&
    prev.program === c.payload.program &&
    prev.lr === lr &&
    prev.params.join() === params.join() &&
    params.every((p) => prev.trajectories[p][prev.trajectories[p].length - 1] === values[p]) &&
    s.status !== 'diverged';
  if (!s.origin) s.origin = { ...values };
  if (continues) {
    prev.trainer = trainer;
    prev.remaining = steps;
  } else {
    s.run = { ...startTraining(trainer, lr, steps), trainer, program: c.payload.program };
  }
  if (!s.selected || !params.includes(s.selected)) s.selected = params[0];
  s.status = 'running';
  s.message = undefined;
  s.applied = undefined;
  latest?.repaint();
  s.timer = setTimeout(() => tick(s), 0);
}

function fail(s: TrainState, message: string): void {
  s.message = message;
  s.status = s.run ? s.status : 'idle';
  latest?.repaint();
}

function tick(s: TrainState): void {
  s.timer = undefined;
  const run = s.run;
  if (!run || !run.trainer || s.status !== 'running') return;
  const deadline = performance.now() + SLICE_MS;
  const status = advanceTraining(run, run.trainer, () => performance.now() >= deadline);
  if (status === 'diverged') {
    const { loss, step } = run.diverged!;
    s.status = 'diverged';
    s.message = `The loss became ${loss} at step ${step}: η is too large. Reset and try a smaller η.`;
    finish(s);
    return;
  }
  if (status === 'done') {
    s.status = 'done';
    finish(s);
    return;
  }
  if (latest?.state === s) latest.repaint();
  s.timer = setTimeout(() => tick(s), 0);
}

// ---- rendering --------------------------------------------------------------------------

export function renderTrain(c: ViewContext): HTMLElement {
  const s = stateFor(c);
  if (s.run && s.run.program !== c.payload.program && s.status === 'running') {
    // the program changed under a run (refresh): stop it
    if (s.timer !== undefined) clearTimeout(s.timer);
    s.timer = undefined;
    s.status = 'stopped';
    s.run.trainer = undefined;
  }
  const section = h('section', { class: 'train', 'aria-label': 'Train' });
  const repaint = () => fill(section, c, s);
  latest = { c, state: s, repaint };
  fill(section, c, s);
  return section;
}

function fill(section: HTMLElement, c: ViewContext, s: TrainState): void {
  const p = c.settings.precision;
  const target = c.payload.program.target.name ?? 'f';
  const run = s.run;
  const steps = run ? run.losses.length - 1 : 0;
  const loss = run ? run.losses[run.losses.length - 1] : c.ev.value;
  const running = s.status === 'running';
  section.setAttribute('data-state', s.status);
  section.setAttribute('data-step', String(steps));
  section.setAttribute('data-loss', full(loss));
  section.setAttribute('data-initial-loss', full(run ? run.losses[0] : c.ev.value));

  const names = inputNames(c);
  const params = chosenParams(c, s);
  const premarked = names.filter((n) => isDataName(n));

  const lrField = textField(
    s.lrText,
    (v) => {
      s.lrText = v;
    },
    { ariaLabel: 'learning rate η', size: 6, attrs: { 'data-train': 'lr' } },
  );
  lrField.addEventListener('input', () => {
    s.lrText = lrField.value;
  });
  const stepsField = textField(
    s.stepsText,
    (v) => {
      s.stepsText = v;
    },
    { ariaLabel: 'number of steps', size: 7, attrs: { 'data-train': 'steps' } },
  );
  stepsField.addEventListener('input', () => {
    s.stepsText = stepsField.value;
  });
  const runBtn = button(
    run && s.status !== 'diverged' && run.program === c.payload.program ? 'Train more' : 'Train',
    () => start(c, s),
    {
      appearance: 'primary',
      attrs: { 'data-action': 'train-run' },
      title: `Run the steps: every ticked input u ← u − η·∂${target}/∂u`,
    },
  );
  const stopBtn = button('Stop', () => stop(s, 'stopped'), {
    attrs: { 'data-action': 'train-stop' },
    title: 'Stop training (keeps the values reached)',
  });
  const resetBtn = button('Reset', () => reset(c, s), {
    attrs: { 'data-action': 'train-reset' },
    title: 'Forget the run and go back to the values before training',
  });
  const applyBtn = button('Apply to source', () => applyToSource(c, s), {
    attrs: { 'data-action': 'train-apply' },
    title: 'Write the trained values into the const declarations (one undoable edit)',
  });
  // Nothing to train: every number of the target is a literal or computed from literals.
  const nothing = names.length === 0;
  setDisabled(runBtn, running || nothing);
  if (nothing)
    runBtn.title = `Nothing to train: ${target} has no inputs (declare a number with const or let, or select a function)`;
  setDisabled(stopBtn, !running);
  setDisabled(resetBtn, running || !s.origin);
  setDisabled(applyBtn, running || !run || steps === 0);
  for (const f of [lrField, stepsField]) setDisabled(f, running);

  const children: Array<HTMLElement | SVGElement | string | undefined> = [
    h('h3', {}, ['Train ', h('span', { class: 'muted' }, [`gradient descent on ${target}: u ← u − η·∂${target}/∂u`])]),
    h('div', { class: 'train-controls' }, [
      h('label', { class: 'train-field' }, [h('span', {}, ['η']), lrField]),
      h('label', { class: 'train-field' }, [h('span', {}, ['steps']), stepsField]),
      runBtn,
      stopBtn,
      resetBtn,
      applyBtn,
    ]),
    nothing
      ? undefined
      : memoized(c, s, 'params', `${running}|${[...s.trained].join(';')}`, () =>
          renderParams(c, s, names, premarked, running),
        ),
    h('div', { class: 'train-status', role: 'status', 'data-train': 'status' }, [
      statusText(s, steps, loss, run, p, target),
    ]),
    s.message
      ? h('div', { class: `train-message${s.status === 'diverged' ? ' is-error' : ''}`, role: 'alert' }, [s.message])
      : undefined,
    s.applied ? h('div', { class: 'train-message', role: 'status' }, [s.applied]) : undefined,
    nothing && !run
      ? h('p', { class: 'muted', 'data-train': 'nothing' }, [
          `Nothing to train: ${target} has no inputs. Numbers named by a top-level const, let or var are inputs (literals inside an expression are constants); so are a selected function's parameters.`,
        ])
      : undefined,
  ];
  if (run) {
    children.push(
      lossChart(run.losses, s.log, target),
      h('div', { class: 'train-log-toggle' }, [
        checkbox(
          'log scale',
          s.log,
          (v) => {
            s.log = v;
            fill(section, c, s);
          },
          { 'data-train': 'log' },
        ),
      ]),
      renderRule(c, s, run, p, target),
      renderTrajectories(s, run, p, () => fill(section, c, s)),
    );
  } else if (params.length > 0) {
    children.push(renderNextRule(c, s, params, p, target));
  }
  section.replaceChildren(...children.filter((x): x is HTMLElement => x !== undefined));
}

function statusText(
  s: TrainState,
  steps: number,
  loss: number,
  run: Run | undefined,
  p: number,
  target: string,
): HTMLElement {
  if (!run) return h('span', {}, [`${target} = ${short(loss, p)} before training.`]);
  const first = run.losses[0];
  const word = { idle: '', running: 'Training…', done: 'Done.', stopped: 'Stopped.', diverged: 'Diverged.' }[s.status];
  return h('span', {}, [
    word ? h('b', {}, [word]) : '',
    ` step ${steps}: `,
    h('span', { class: 'num', 'data-train': 'loss', title: full(loss) }, [`${target} = ${short(loss, p)}`]),
    h('span', { class: 'muted' }, [
      ` (was ${short(first, p)} at step 0${first > 0 && Number.isFinite(loss) ? `, ${percentChange(first, loss)}` : ''})`,
    ]),
  ]);
}

/** Big graphs (thousands of inputs): list this many checkboxes / dropdown entries, not all of them. */
const MAX_LISTED = 100;

/** At most MAX_LISTED names, always including `keep` (the selected one). */
function listed(names: string[], keep?: string): string[] {
  if (names.length <= MAX_LISTED) return names;
  const head = names.slice(0, MAX_LISTED);
  return keep !== undefined && !head.includes(keep) && names.includes(keep) ? [...head, keep] : head;
}

/** "a, b, c and 12 more" */
function someNames(names: string[], max = 12): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

function renderParams(
  c: ViewContext,
  s: TrainState,
  names: string[],
  premarked: string[],
  running: boolean,
): HTMLElement {
  const freeNames = new Set(c.ev.inputs.filter((i) => i.free).map((i) => i.name));
  const boxes = listed(names).map((n) => {
    const free = freeNames.has(n);
    const box = checkbox(
      n,
      isTrained(s, n),
      (v) => {
        s.trained.set(n, v);
        latest?.repaint();
      },
      {
        'data-train-param': n,
        title: `${isTrained(s, n) ? 'trained' : 'kept fixed (data or target)'}${free ? '; not a const: cannot be applied to the source' : ''}`,
        class: isDataName(n) ? 'premarked' : undefined,
      },
    );
    if (running) setDisabled(box, true);
    return box;
  });
  const all = h('a', { href: '#', class: 'train-link', 'data-action': 'train-all' }, ['all']);
  all.addEventListener('click', (e) => {
    e.preventDefault();
    for (const n of names) s.trained.set(n, true);
    latest?.repaint();
  });
  const none = h('a', { href: '#', class: 'train-link', 'data-action': 'train-none' }, ['none']);
  none.addEventListener('click', (e) => {
    e.preventDefault();
    for (const n of names) s.trained.set(n, false);
    latest?.repaint();
  });
  const auto = h('a', { href: '#', class: 'train-link', 'data-action': 'train-auto' }, ['default']);
  auto.addEventListener('click', (e) => {
    e.preventDefault();
    s.trained.clear();
    latest?.repaint();
  });
  const free = names.filter((n) => isTrained(s, n) && freeNames.has(n));
  return h('div', { class: 'train-params' }, [
    h('div', { class: 'train-params-head' }, [
      h('span', {}, ['Parameters (ticked inputs are trained) ']),
      all,
      ' · ',
      none,
      ' · ',
      auto,
    ]),
    h('div', { class: 'train-param-boxes' }, boxes),
    names.length > boxes.length
      ? h('p', { class: 'muted train-note', 'data-train': 'unlisted' }, [
          `${names.length - boxes.length} more inputs are not listed; all / none / default apply to every input.`,
        ])
      : undefined,
    premarked.length > 0
      ? h('p', { class: 'muted train-note' }, [
          `Pre-marked as data/targets and kept fixed: ${someNames(premarked)} (names starting with x or t). Tick them to train them too.`,
        ])
      : undefined,
    free.length > 0
      ? h('p', { class: 'muted train-note' }, [
          `${someNames(free)} ${free.length > 1 ? 'are' : 'is'} not a const with a numeric literal: trained in the panel, but Apply to source cannot write ${free.length > 1 ? 'them' : 'it'}.`,
        ])
      : undefined,
  ]);
}

/** u ← u − η·∂L/∂u with numbers, for the selected parameter at the last step applied. */
function renderRule(c: ViewContext, s: TrainState, run: Run, p: number, target: string): HTMLElement {
  const name = s.selected && run.params.includes(s.selected) ? s.selected : run.params[0];
  const pick = dropdown(
    listed(run.params, name).map((n) => ({ value: n, label: n })),
    name,
    (v) => {
      s.selected = v;
      latest?.repaint();
    },
    { 'data-train': 'rule-param', 'aria-label': 'parameter shown in the update rule' },
  );
  const last = run.last;
  if (!last) return renderNextRuleFor(c, name, run.lr, p, target, pick);
  const u = last.before[name];
  const g = last.grad[name];
  const after = last.after[name];
  return ruleBox(`step ${last.step}`, name, target, u, run.lr, g, after, p, pick);
}

function renderNextRule(c: ViewContext, s: TrainState, params: string[], p: number, target: string): HTMLElement {
  const name = s.selected && params.includes(s.selected) ? s.selected : params[0];
  const shown = listed(params, name);
  const pick = memoized(c, s, 'pick', `${name}|${shown.join(';')}`, () =>
    dropdown(
      shown.map((n) => ({ value: n, label: n })),
      name,
      (v) => {
        s.selected = v;
        latest?.repaint();
      },
      { 'data-train': 'rule-param', 'aria-label': 'parameter shown in the update rule' },
    ),
  );
  const lr = parseNumber(s.lrText) ?? NaN;
  return renderNextRuleFor(c, name, lr, p, target, pick);
}

function renderNextRuleFor(
  c: ViewContext,
  name: string,
  lr: number,
  p: number,
  target: string,
  pick: HTMLElement,
): HTMLElement {
  const inp = c.ev.inputs.find((i) => i.name === name);
  const u = inp?.value ?? NaN;
  const g = inp?.grad ?? NaN;
  return ruleBox('step 1 will do', name, target, u, lr, g, u - lr * g, p, pick);
}

function ruleBox(
  when: string,
  name: string,
  target: string,
  u: number,
  lr: number,
  g: number,
  after: number,
  p: number,
  pick: HTMLElement,
): HTMLElement {
  const n = (x: number) => h('span', { class: 'num', title: full(x) }, [short(x, p)]);
  const paren = (x: number) => (x < 0 ? ['(', n(x), ')'] : [n(x)]);
  return h(
    'div',
    {
      class: 'train-rule',
      'data-train': 'rule',
      'data-param': name,
      'data-before': full(u),
      'data-grad': full(g),
      'data-after': full(after),
    },
    [
      h('div', { class: 'train-rule-head' }, [h('span', { class: 'muted' }, [`Update rule, ${when}, for `]), pick]),
      h('code', { class: 'train-rule-eq' }, [
        `${name} ← ${name} − η·∂${target}/∂${name} = `,
        n(u),
        ' − ',
        n(lr),
        ' × ',
        ...paren(g),
        ' = ',
        h('b', {}, [n(after)]),
      ]),
    ],
  );
}

// ---- charts -------------------------------------------------------------------------------

const W = 520;
const H = 190;
const M = { left: 54, right: 12, top: 10, bottom: 30 };

function lossChart(losses: number[], wantLog: boolean, target: string): SVGElement {
  const n = losses.length;
  const positive = losses.every((l) => !Number.isFinite(l) || l > 0);
  const log = wantLog && positive;
  const f = (y: number) => (log ? Math.log10(y) : y);
  const ys = log ? losses.map(f) : losses;
  const ext = extent(ys, 0.04);
  let lo = ext[0];
  const hi = ext[1];
  if (!log && lo < 0 && Math.min(...losses.filter(Number.isFinite)) >= 0) lo = 0;
  const x = linearScale(0, Math.max(1, n - 1), M.left, W - M.right);
  const y = linearScale(lo, hi, H - M.bottom, M.top);
  const xt = niceTicks(0, Math.max(1, n - 1), 6).filter((t) => Number.isInteger(t));
  const yt = log
    ? logTicks(10 ** lo, 10 ** hi, 6)
        .map(Math.log10)
        .filter((t) => t >= lo && t <= hi)
    : niceTicks(lo, hi, 5);
  const grid: SVGElement[] = [];
  for (const t of yt) {
    grid.push(svg('line', { class: 'grid', x1: M.left, x2: W - M.right, y1: y(t), y2: y(t) }));
    grid.push(
      svg('text', { class: 'tick', x: M.left - 6, y: y(t) + 4, 'text-anchor': 'end' }, [
        text(tickLabel(log ? 10 ** t : t)),
      ]),
    );
  }
  for (const t of xt) {
    grid.push(svg('line', { class: 'tick-mark', x1: x(t), x2: x(t), y1: H - M.bottom, y2: H - M.bottom + 4 }));
    grid.push(
      svg('text', { class: 'tick', x: x(t), y: H - M.bottom + 16, 'text-anchor': 'middle' }, [text(tickLabel(t))]),
    );
  }
  const first = losses[0];
  const last = losses[n - 1];
  const path = linePath(ys, x, y);
  const end = Number.isFinite(ys[n - 1])
    ? svg('circle', { class: 'loss-dot', cx: x(n - 1), cy: y(ys[n - 1]), r: 3 })
    : undefined;
  return svg(
    'svg',
    {
      class: 'train-chart loss-chart',
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'data-train': 'loss-chart',
      'aria-label': `${target} over ${n - 1} steps: from ${first} to ${last}${log ? ' (log scale)' : ''}`,
    },
    [
      ...grid,
      svg('line', { class: 'axis', x1: M.left, x2: M.left, y1: M.top, y2: H - M.bottom }),
      svg('line', { class: 'axis', x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom }),
      svg('text', { class: 'axis-label', x: (M.left + W - M.right) / 2, y: H - 2, 'text-anchor': 'middle' }, [
        text('step'),
      ]),
      svg(
        'text',
        {
          class: 'axis-label',
          x: 12,
          y: (M.top + H - M.bottom) / 2,
          'text-anchor': 'middle',
          transform: `rotate(-90 12 ${(M.top + H - M.bottom) / 2})`,
        },
        [text(log ? `${target} (log)` : target)],
      ),
      svg('path', { class: 'loss-line', d: path, 'data-train': 'loss-path' }),
      ...(end ? [end] : []),
    ],
  );
}

const SW = 150;
const SH = 36;

function renderTrajectories(s: TrainState, run: Run, p: number, repaint: () => void): HTMLElement {
  const LIMIT = 60;
  const cards = run.params.slice(0, LIMIT).map((name) => {
    const t = run.trajectories[name];
    const [lo, hi] = extent(t, 0.1);
    const x = linearScale(0, Math.max(1, t.length - 1), 2, SW - 2);
    const y = linearScale(lo, hi, SH - 3, 3);
    const now = t[t.length - 1];
    const card = h(
      'button',
      {
        class: `train-spark${name === s.selected ? ' selected' : ''}`,
        type: 'button',
        'data-train-traj': name,
        'data-value': full(now),
        title: `${name}: ${full(t[0])} → ${full(now)} (click: show its update rule)`,
        'aria-pressed': name === s.selected ? 'true' : 'false',
      },
      [
        h('span', { class: 'spark-name' }, [name]),
        svg('svg', { class: 'spark', viewBox: `0 0 ${SW} ${SH}`, preserveAspectRatio: 'none', 'aria-hidden': 'true' }, [
          svg('path', { class: 'spark-line', d: linePath(t, x, y, 150) }),
        ]),
        h('span', { class: 'spark-values num' }, [short(t[0], p), ' → ', h('b', {}, [short(now, p)])]),
      ],
    );
    card.addEventListener('click', () => {
      s.selected = name;
      repaint();
    });
    return card;
  });
  return h('div', { class: 'train-trajectories' }, [
    h('h4', {}, [
      'Parameter trajectories ',
      h('span', { class: 'muted' }, ['value per step; click one for its update rule']),
    ]),
    h('div', { class: 'train-sparks' }, cards),
    run.params.length > LIMIT
      ? h('p', { class: 'muted' }, [`…and ${run.params.length - LIMIT} more (pick them in the update rule).`])
      : undefined,
  ]);
}

function text(s: string): Text {
  return document.createTextNode(s);
}

// ---- actions --------------------------------------------------------------------------------

function reset(c: ViewContext, s: TrainState): void {
  if (s.status === 'running') return;
  const origin = s.origin;
  s.run = undefined;
  s.origin = undefined;
  s.status = 'idle';
  s.message = undefined;
  s.applied = undefined;
  if (origin) {
    const names = new Set(c.ev.inputs.map((i) => i.name));
    c.setValues(Object.fromEntries(Object.entries(origin).filter(([k]) => names.has(k))));
  } else {
    latest?.repaint();
  }
}

function applyToSource(c: ViewContext, s: TrainState): void {
  const run = s.run;
  if (!run || s.status === 'running') return;
  const values: Record<string, number> = {};
  for (const p of run.params) {
    const t = run.trajectories[p];
    values[p] = t[t.length - 1];
  }
  const freeNames = new Set(c.ev.inputs.filter((i) => i.free).map((i) => i.name));
  const free = run.params.filter((n) => freeNames.has(n));
  const writable = run.params.filter((n) => !freeNames.has(n));
  c.post({ type: 'applyValues', values });
  s.applied =
    `Applied ${writable.length} value${writable.length === 1 ? '' : 's'} to the source as one edit (Undo in the editor reverts it)` +
    (free.length ? `; not writable (not const literals): ${someNames(free)}.` : '.');
  // the run now describes the source: later runs start from it
  s.origin = undefined;
  latest?.repaint();
}
