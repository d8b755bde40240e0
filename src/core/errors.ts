/** Classes of bad input the product reports by name. */
export type ErrorCode =
  | 'syntax' // the text does not parse
  | 'no-expression' // nothing arithmetic at the selection / name / line
  | 'unsupported' // a construct we do not differentiate (string, new, assignment, ...)
  | 'unknown-name' // an identifier with no declaration in the file
  | 'unknown-call' // a call to something that is neither Math.* nor a helper in the file
  | 'cycle' // declarations that depend on each other
  | 'recursion' // a helper function that calls itself (directly or not)
  | 'missing-input' // free inputs without a value
  | 'bad-value' // a value given for an input is not a number
  | 'usage' // wrong call of an API / CLI
  | 'runtime' // the program fails as JavaScript would (TypeError, use before declaration, throw, ...)
  | 'budget' // the run exceeds the step, tape-size or call-depth budget
  | 'cancelled'; // the user (or a newer request) stopped a run in slices (parseTargetAsync)

/**
 * The one error type of the product. `message` always names the construct and,
 * where there is a place in the source, its line:column (1-based).
 */
export class GradientLensError extends Error {
  readonly code: ErrorCode;
  readonly line?: number;
  readonly column?: number;
  /** Offsets into the file text, when known (for revealing the spot in an editor). */
  readonly start?: number;
  readonly end?: number;
  /** Extra data: the missing input names, the cycle's names, ... */
  readonly details?: string[];

  constructor(
    code: ErrorCode,
    message: string,
    where?: { line: number; column: number; start?: number; end?: number },
    details?: string[],
  ) {
    super(message);
    this.name = 'GradientLensError';
    this.code = code;
    this.line = where?.line;
    this.column = where?.column;
    this.start = where?.start;
    this.end = where?.end;
    this.details = details;
  }
}

/**
 * Structural check, not `instanceof`: the parser runs from its own bundle (dist/parser.js),
 * which carries its own copy of this class.
 */
export function isGradientLensError(e: unknown): e is GradientLensError {
  return e instanceof Error && e.name === 'GradientLensError' && typeof (e as { code?: unknown }).code === 'string';
}
