/** Editor position → graph node, for the cursor → panel selection link (src/core/program.ts). */
export { nodeAtOffset } from '../core/program';
