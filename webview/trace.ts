/**
 * Timing marks of the last Show gradients (issue 11's speed benchmark): the host's marks (its
 * `trace` message: command, parsed, evaluated, posted ...) and the webview's own (message
 * received, decoded, validated, evaluated, vector model, cards, painted), wall-clock milliseconds
 * on both sides, kept in `#app`'s data-trace for test/ui/vector-scale.ui.ts.
 */
let host: Record<string, number> = {};
let web: Record<string, number> = {};

/** Wall-clock milliseconds (comparable with the host's Date.now()). */
export const wallNow = (): number => performance.timeOrigin + performance.now();

/** Where the marks are shown (main.ts: `#app`); the store's unit tests run without a DOM. */
let sink: ((json: string) => void) | undefined;
export function traceTo(write: (json: string) => void): void {
  sink = write;
}

function publish(): void {
  sink?.(JSON.stringify({ host, web }));
}

/** A `show` message arrived at `at` (wall clock): a new trace. */
export function beginWebTrace(at: number): void {
  web = { received: at };
  publish();
}

export function webMark(name: string, at = wallNow()): void {
  web[name] = at;
  publish();
}

export function setHostTrace(marks: Record<string, number>): void {
  host = { ...marks };
  publish();
}
