// Build-time stand-in for 'ts-morph' in the bundles (see scripts/build.mjs): src/parse uses only
// ts-morph's `ts` export (the TypeScript compiler that ts-morph ships and pins), walking compiler
// nodes directly. Bundling just that compiler, not ts-morph's wrapper library and its 3 MB of
// lib.d.ts text, makes the CLI and the extension's first Show gradients start faster.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports
exports.ts = require('@ts-morph/common/dist/typescript.js');
