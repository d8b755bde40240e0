/**
 * The backward-pass stepper's controls: Step, Play/Pause, Reset (toolkit buttons, also driven
 * by the host's `command` messages) and the chain-rule text of the current step. The sequence
 * itself is pure (webview/graph/stepper.ts); this view only keeps the index and the timer.
 *
 * stepIndex −1 = not stepping (every gradient shown); 0 .. steps−1 = the gate being walked.
 */
import { button, setDisabled } from '../toolkit';
import type { Step } from '../graph/stepper';
import { h } from './dom';

export interface StepperView {
  element: HTMLElement;
  /** The chain-rule text panel (placed by the graph view). */
  textElement: HTMLElement;
  step(): void;
  play(): void;
  pause(): void;
  reset(): void;
  /** New step count (same structure, new numbers): keeps the index; steps are fetched lazily. */
  setSteps(count: number): void;
  probe(): { stepIndex: number; stepCount: number; currentNodeId: number | null; stepText: string; playing: boolean };
  dispose(): void;
}

export interface StepperOptions {
  /** Number of steps, and the step at an index (built lazily by the caller: only when stepping). */
  count: number;
  get(index: number): Step;
  /** Called whenever the index changes (−1: not stepping). */
  onChange(index: number, step: Step | undefined): void;
  intervalMs?: number;
}

export function createStepper(opts: StepperOptions): StepperView {
  let count = opts.count;
  let index = -1;
  let timer: ReturnType<typeof setInterval> | undefined;
  const interval = opts.intervalMs ?? 900;

  const text = h('div', { class: 'step-text', role: 'status', 'aria-live': 'polite', 'data-step-text': '' });
  const stepBtn = button('Step', () => step(), {
    title: 'Walk the backward pass one gate (reverse topological order)',
    attrs: { 'data-action': 'step' },
  });
  const playBtn = button('Play', () => (timer ? pause() : play()), {
    title: 'Walk the whole backward pass',
    attrs: { 'data-action': 'play' },
  });
  const resetBtn = button('Reset', () => reset(), {
    title: 'Stop stepping and show every gradient',
    attrs: { 'data-action': 'reset' },
  });
  const counter = h('span', { class: 'step-counter muted', 'aria-hidden': 'true' });
  const element = h('div', { class: 'stepper', role: 'group', 'aria-label': 'Backward-pass stepper' }, [
    h('span', { class: 'toolbar-label' }, ['Backward']),
    stepBtn,
    playBtn,
    resetBtn,
    counter,
  ]);

  function paint(): void {
    const s = index >= 0 ? opts.get(index) : undefined;
    counter.textContent = index >= 0 ? `${index + 1}/${count}` : count ? `${count} gates` : 'no gates';
    text.replaceChildren();
    if (s) {
      text.append(h('div', { class: 'step-title' }, [s.title]));
      if (s.role) text.append(h('div', { class: 'step-role' }, [s.role]));
      for (const l of s.lines) text.append(h('div', { class: 'step-line' }, [l.text]));
      for (const sum of s.sums) text.append(h('div', { class: 'step-sum' }, [sum]));
    } else {
      text.append(
        h('div', { class: 'muted' }, [
          count
            ? 'Press Step to walk the backward pass gate by gate: upstream × local = contribution at every edge.'
            : 'No gates to step through.',
        ]),
      );
    }
    text.dataset.stepIndex = String(index);
    setDisabled(stepBtn, index >= count - 1);
    setDisabled(playBtn, count === 0);
    playBtn.textContent = timer ? 'Pause' : 'Play';
    opts.onChange(index, s);
  }

  function step(): void {
    if (index < count - 1) {
      index++;
      paint();
    }
    if (index >= count - 1) stopTimer();
  }
  function stopTimer(): void {
    if (timer) clearInterval(timer);
    timer = undefined;
    playBtn.textContent = 'Play';
  }
  function play(): void {
    if (timer || count === 0) return;
    if (index >= count - 1) index = -1;
    timer = setInterval(step, interval);
    step();
    playBtn.textContent = timer ? 'Pause' : 'Play';
  }
  function pause(): void {
    stopTimer();
    paint();
  }
  function reset(): void {
    stopTimer();
    index = -1;
    paint();
  }
  paint();

  return {
    element,
    textElement: text,
    step,
    play,
    pause,
    reset,
    setSteps(next) {
      count = next;
      if (index >= count) index = count - 1;
      paint();
    },
    probe: () => ({
      stepIndex: index,
      stepCount: count,
      currentNodeId: index >= 0 ? opts.get(index).nodeId : null,
      stepText: index >= 0 ? opts.get(index).text : '',
      playing: timer !== undefined,
    }),
    dispose: stopTimer,
  };
}
