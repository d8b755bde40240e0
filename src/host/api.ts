/** What `activate` returns (src/extension.ts): used by the extension-host tests and by other extensions. */
import type { Report } from '../core/report';
import { toReport } from '../core/report';
import type { CommandMessage, DebugValuesInfo, PanelError, PanelProbe } from '../shared/protocol';
import type { DebugLink } from './debugSession';
import type { EditorLink } from './editorLink';
import type { InlineSnapshot, InlineValues } from './inline';
import type { GradientPanel } from './panel';
import { parserLoaded } from './parser';
import type { Session } from './session';

export interface GradientLensApi {
  /** The analysis the panel shows, as the CLI's JSON report (or the error), and the panel's run notice. */
  current(): {
    report?: Report;
    error?: PanelError;
    notice?: string;
    values?: Record<string, number>;
    debug?: DebugValuesInfo;
  };
  /** The run of the program in progress (Show gradients, refresh, recompute), if any. */
  running(): { what: string; steps: number; millis: number; progressShown: boolean } | undefined;
  /** Ask the panel what it rendered, read from its DOM. */
  probePanel(timeoutMs?: number): Promise<PanelProbe>;
  /** Send a command to the panel (step, play, reset, export ...). */
  postToPanel(message: CommandMessage): void;
  panelVisible(): boolean;
  parserLoaded(): boolean;
  /** The source range the panel asked the editor to highlight. */
  highlighted(): { uri: string; range: { start: number; end: number } } | undefined;
  /** The inline values rendered at line ends of the analysed document (or of `uri`), with staleness. */
  inlineDecorations(uri?: string): InlineSnapshot | undefined;
  /** Every error message the panel was given since activation, oldest first (tests: no error flashed). */
  panelErrors(): string[];
}

export function createApi({
  session,
  panel,
  link,
  inline,
  debug,
  track,
}: {
  session: Session;
  panel: GradientPanel;
  link: EditorLink;
  inline: InlineValues;
  debug: DebugLink;
  /** Disposed with the extension (its subscriptions). */
  track: (d: { dispose(): unknown }) => void;
}): GradientLensApi {
  const panelErrors: string[] = [];
  track(
    session.onDidPresent((p) => {
      if (p.panel && !p.result.ok && panelErrors.push(p.result.error.message) > 100) panelErrors.shift();
    }),
  );
  return {
    current: () => ({
      report: session.current ? toReport(session.current.evaluation) : undefined,
      error: panel.error,
      notice: panel.notice,
      values: session.current?.values,
      debug: debug.current,
    }),
    running: () => {
      const run = session.running;
      return run && { what: run.describe(), ...run.progress, progressShown: run.progressShown };
    },
    probePanel: (timeoutMs) => panel.probe(timeoutMs),
    postToPanel: (message) => panel.post(message),
    panelVisible: () => panel.visible,
    parserLoaded,
    highlighted: () => link.highlighted,
    inlineDecorations: (uri) => inline.snapshot(uri),
    panelErrors: () => [...panelErrors],
  };
}
