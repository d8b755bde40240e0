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

/**
 * The webview's own load (first Show only): the document's start (`origin`), the script's start,
 * the toolkit registered, the app built, `ready` posted. A cold Show waits for these.
 */
let load: Record<string, number> | undefined = { origin: performance.timeOrigin };
export function loadMark(name: string, at = wallNow()): void {
  if (load) load[name] = at;
}

/** A `show` message arrived at `at` (wall clock): a new trace (the first also has the load's marks). */
export function beginWebTrace(at: number): void {
  web = { ...load, received: at };
  load = undefined;
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
