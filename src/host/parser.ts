/**
 * Loads the ts-morph front end (dist/parser.js, several MB) on first use only, so that
 * activating the extension stays fast. The require path is computed, so esbuild leaves it
 * out of dist/extension.js.
 */
import * as path from 'node:path';
import type * as Parse from '../parse';

let parser: typeof Parse | undefined;

export function loadParser(): typeof Parse {
  if (!parser) {
    const file = path.join(__dirname, 'parser.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    parser = require(file) as typeof Parse;
  }
  return parser;
}

export function parserLoaded(): boolean {
  return parser !== undefined;
}
