/** The panel's number texts: the rules live in src/core/format.ts. */
export { panelShort as short, roundTrip as full, parseNumber } from '../src/core/format';
