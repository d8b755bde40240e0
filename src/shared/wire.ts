/**
 * Messages between host and webview travel as JSON, which has no NaN or ±Infinity (they would
 * arrive as null). Both sides encode non-finite numbers as {"$num": "NaN" | "Infinity" | "-Infinity"}
 * before posting and decode after receiving. -0 too (JSON writes it as 0): a debugger may hand us
 * -0, and 1/x or Math.atan2 tell it from 0.
 */
const TAG = '$num';

export function encodeWire<T>(message: T): unknown {
  return JSON.parse(
    JSON.stringify(message, (_key, v) =>
      typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))
        ? { [TAG]: Object.is(v, -0) ? '-0' : String(v) }
        : v,
    ),
  );
}

export function decodeWire(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object') return raw;
  return JSON.parse(JSON.stringify(raw), (_key, v) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (
        keys.length === 1 &&
        keys[0] === TAG &&
        (v[TAG] === 'NaN' || v[TAG] === 'Infinity' || v[TAG] === '-Infinity' || v[TAG] === '-0')
      ) {
        return Number(v[TAG]);
      }
    }
    return v;
  });
}
