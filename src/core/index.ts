/** The backprop core: pure TypeScript (no vscode, no ts-morph), usable in Node and in the webview. */
export * from './expr';
export * from './errors';
export * from './ops';
export * from './tape';
export * from './evaluate';
export * from './diagnostics';
export * from './report';
export * from './program';
export * from './format';
export * from './ir';
export { interpret, DEFAULT_BUDGETS, type Budgets, type InterpretOptions, type ProgramSource } from './interpret';
