/**
 * VS Code progress for long runs: a run of the program that lasts longer than `delayMs` shows a
 * cancellable notification ("Gradient Lens: running loss (line 12)… 3.2M steps, 2.1 s"); its
 * Cancel stops the run (the session keeps the last numbers and the panel says "Cancelled: …").
 */
import * as vscode from 'vscode';
import type { ActiveRun } from './run';
import type { Session } from './session';

/** Runs shorter than this show no notification. */
export const PROGRESS_DELAY_MS = 400;

export function showRunProgress(session: Session, delayMs = PROGRESS_DELAY_MS): vscode.Disposable {
  return session.onDidStartRun((run) => {
    const timer = setTimeout(() => {
      if (run.state === 'running') notify(run);
    }, delayMs);
    void run.ended.then(() => clearTimeout(timer));
  });
}

function notify(run: ActiveRun): void {
  run.progressShown = true;
  // `Cancel the running analysis` in the command palette while a long run lasts.
  void vscode.commands.executeCommand('setContext', 'gradientLens.running', true);
  void run.ended.then(() => vscode.commands.executeCommand('setContext', 'gradientLens.running', false));
  void vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Gradient Lens', cancellable: true },
    (progress, token) => {
      let last = 0;
      const report = () => {
        // Every slice reports; the notification needs a few updates a second.
        if (Date.now() - last < 200) return;
        last = Date.now();
        progress.report({ message: run.describe() });
      };
      report();
      const subs = [token.onCancellationRequested(() => run.cancel()), run.onDidProgress(report)];
      return run.ended.finally(() => subs.forEach((d) => d.dispose()));
    },
  );
}
