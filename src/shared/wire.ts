/**
 * Messages between host and webview travel as JSON, which has no NaN or ±Infinity (they would
 * arrive as null). Both sides encode non-finite numbers as {"$num": "NaN" | "Infinity" | "-Infinity"}
 * before posting and decode after receiving.
 */
const TAG = '$num';

export function encodeWire<T>(message: T): unknown {
  return JSON.parse(
    JSON.stringify(message, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? { [TAG]: String(v) } : v)),
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
        (v[TAG] === 'NaN' || v[TAG] === 'Infinity' || v[TAG] === '-Infinity')
      ) {
        return Number(v[TAG]);
      }
    }
    return v;
  });
}
