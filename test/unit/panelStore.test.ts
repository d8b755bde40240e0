// The webview's store (webview/state.ts, DOM-free) and the training state machine it drives
// (core/train.ts): numbers are checked against the same expression computed in plain JS.
import assert from 'node:assert/strict';
import { parseTarget } from '../../src/parse';
import { advanceTraining, createTrainer, startTraining } from '../../src/core/train';
import type { ShowPayload } from '../../src/shared/protocol';
import { createPanelStore, type Change } from '../../webview/state';

const TEXT = 'function f(a: number) {\n  const b = 3;\n  return a * b + a * a;\n}\n';
const program = () => parseTarget({ text: TEXT, fileName: 'f.ts', line: 3 });
const payload = (): ShowPayload => ({
  program: program(),
  values: { a: 1, b: 3 },
  defaults: ['a'],
  document: { uri: 'file:///f.ts', fileName: '/f.ts', version: 1, languageId: 'typescript' },
  settings: { maxRenderedNodes: 2000, precision: 4, autoRefresh: false },
});

describe('webview store', () => {
  it('show evaluates; setValues re-evaluates, clears the default mark and notifies "values"', () => {
    const store = createPanelStore();
    const changes: Change[] = [];
    store.subscribe((c) => changes.push(c));
    store.show(payload());
    assert.deepEqual(changes, ['all']);
    assert.equal(store.get().ev!.value, 1 * 3 + 1 * 1);
    assert.deepEqual([...store.get().defaults], ['a']);
    store.setValues({ a: 2 });
    assert.deepEqual(changes, ['all', 'values']);
    const a = 2;
    const grad = Object.fromEntries(store.get().ev!.inputs.map((i) => [i.name, i.grad]));
    assert.equal(store.get().ev!.value, a * 3 + a * a);
    assert.equal(grad.a, 3 + 2 * a); // d/da (3a + a²), fan-out accumulated
    assert.deepEqual([...store.get().defaults], []);
    assert.deepEqual(store.persisted().values, { a: 2, b: 3 });
    assert.deepEqual(store.persisted().payload!.defaults, []);
  });

  it('staleness and selection notify only on change; an error replaces the payload', () => {
    const store = createPanelStore();
    const changes: Change[] = [];
    store.show(payload());
    store.subscribe((c) => changes.push(c));
    store.setStale(false);
    store.setStale(true);
    store.select(3);
    assert.deepEqual(changes, ['all', 'selection']);
    assert.equal(store.get().selected, 3);
    store.showError({ message: 'bad', code: 'x' });
    assert.equal(store.get().payload, undefined);
    assert.equal(store.get().stale, false);
  });

  it('a run notice (a cancelled run) keeps what is shown; the next show or error clears it', () => {
    const store = createPanelStore();
    store.show(payload());
    const before = store.get().ev;
    store.setNotice('Cancelled: the run of f (line 3) was stopped after 2.0 s (1M steps)');
    assert.match(store.get().notice!, /^Cancelled:/);
    assert.equal(store.get().ev, before, 'the numbers stay');
    store.show(payload());
    assert.equal(store.get().notice, undefined);
    store.setNotice('Cancelled: again');
    store.showError({ message: 'bad', code: 'x' });
    assert.equal(store.get().notice, undefined);
    store.setNotice('Cancelled: over an error');
    store.setNotice(null);
    assert.equal(store.get().notice, undefined);
  });

  it('restore keeps the persisted values', () => {
    const store = createPanelStore();
    store.restore({ payload: payload(), values: { a: -1, b: 3 } });
    assert.equal(store.get().ev!.value, -1 * 3 + 1);
  });
});

describe('training state machine', () => {
  it('time slices give the same run as one call, and equal plain gradient descent', () => {
    const p = parseTarget({ text: 'const w = 2;\nconst loss = (w * 3 - 1) ** 2;\n', fileName: 'l.ts', name: 'loss' });
    const sliced = createTrainer(p, {}, 0.01);
    const run = startTraining(sliced, 0.01, 25);
    let slices = 0;
    let status;
    do {
      let n = 0;
      status = advanceTraining(run, sliced, () => ++n >= 4);
      slices++;
    } while (status === 'running');
    assert.equal(status, 'done');
    assert.ok(slices >= 6, `${slices} slices`);
    // Plain JS: L(w) = (3w − 1)², dL/dw = 6(3w − 1).
    let w = 2;
    const losses = [(3 * w - 1) ** 2];
    for (let s = 0; s < 25; s++) {
      w -= 0.01 * 6 * (3 * w - 1);
      losses.push((3 * w - 1) ** 2);
    }
    run.losses.forEach((l, i) => assert.ok(Math.abs(l - losses[i]) <= 1e-12 * Math.max(1, losses[i]), `step ${i}`));
    assert.ok(Math.abs(run.trajectories.w[25] - w) < 1e-12);
    assert.equal(run.last!.step, 25);
  });

  it('stops at the first non-finite loss', () => {
    const p = parseTarget({ text: 'const w = 2;\nconst loss = Math.exp(w * w);\n', fileName: 'l.ts', name: 'loss' });
    const t = createTrainer(p, {}, 100);
    const run = startTraining(t, 100, 50);
    assert.equal(advanceTraining(run, t), 'diverged');
    assert.equal(run.remaining, 0);
    assert.ok(!Number.isFinite(run.diverged!.loss));
    assert.equal(run.diverged!.step, run.losses.length - 1);
  });
});
