/**
 * Timing marks of one Show gradients on the extension host (issue 11's speed benchmark): the
 * command, the parser loaded, the program parsed and interpreted, evaluated, the message encoded
 * and posted. Wall-clock (Date.now()) milliseconds, so the webview can line up its own marks
 * (performance.timeOrigin + performance.now()) after them; they travel in the `show` payload
 * (`trace`) and end up in the vector view's data-timings (test/ui/vector-scale.ui.ts prints them).
 */
let marks: Record<string, number> = {};

/** A new Show gradients (or refresh): forget the last one's marks. */
export function beginTrace(name = 'command'): void {
  marks = { [name]: Date.now() };
}

export function mark(name: string): void {
  marks[name] = Date.now();
}

/** The marks so far (a copy). */
export function traceMarks(): Record<string, number> {
  return { ...marks };
}
