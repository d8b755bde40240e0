/**
 * One run of the user's program for the session (Show gradients, a refresh, a recompute after an
 * edit): the interpreter runs it in slices (parseTargetAsync), so the extension host stays
 * responsive, the run reports its progress, and it can be stopped: by the user (Cancel in the
 * progress notification, the `gradientLens.cancelRun` command) or by a newer request.
 */
import * as vscode from 'vscode';
import { compactCount } from '../core/format';
import type { RunProgress, RunTarget } from '../parse';
import { mark } from './trace';

export type RunState = 'running' | 'cancelled' | 'superseded' | 'done';

export class ActiveRun {
  /** What runs (known once the file is lowered, with the first progress report). */
  target?: RunTarget;
  progress: RunProgress = { millis: 0, steps: 0, nodes: 0 };
  state: RunState = 'running';
  /** The progress notification is showing (the run has lasted long enough). */
  progressShown = false;
  private readonly progressed = new vscode.EventEmitter<ActiveRun>();
  /** After each slice of the run. */
  readonly onDidProgress = this.progressed.event;
  private finish!: () => void;
  /** Settles when the run has ended, whichever way. */
  readonly ended = new Promise<void>((resolve) => (this.finish = resolve));

  constructor(
    /** For the message before the target is known: what was asked ("Show gradients", ...). */
    readonly request: string,
    readonly uri: string,
  ) {}

  /** The interpreter asks between slices. */
  readonly isCancelled = (): boolean => this.state === 'cancelled' || this.state === 'superseded';

  readonly onProgress = (target: RunTarget, progress: RunProgress): void => {
    if (!this.target) mark('firstSlice');
    this.target = target;
    this.progress = progress;
    this.progressed.fire(this);
  };

  /** The user stops the run: it ends with a "Cancelled: …" notice, the last numbers stay. */
  cancel(): void {
    if (this.state === 'running') this.state = 'cancelled';
  }

  /** A newer request replaces this run: it ends without a word. */
  supersede(): void {
    if (this.state === 'running') this.state = 'superseded';
  }

  end(): void {
    if (this.state === 'running') this.state = 'done';
    this.progressed.dispose();
    this.finish();
  }

  /** "running loss (line 12)… 3.2M steps, 2.1 s" */
  describe(): string {
    const t = this.target;
    if (!t) return `${this.request}: reading the program…`;
    const p = this.progress;
    const what = `${t.name ?? `"${t.text}"`} (line ${t.line})`;
    return `running ${what}… ${compactCount(p.steps)} steps, ${(p.millis / 1000).toFixed(1)} s`;
  }
}
