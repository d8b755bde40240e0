/**
 * Messages between host and webview travel as JSON, which has no NaN or ±Infinity (they would
 * arrive as null). Both sides encode non-finite numbers as {"$num": "NaN" | "Infinity" | "-Infinity"}
 * before posting and decode after receiving. -0 too (JSON writes it as 0): a debugger may hand us
 * -0, and 1/x or Math.atan2 tell it from 0.
 *
 * The usual message has no such number (a program's nodes, ranges and IR are finite): a scan
 * (explicit stack, no recursion: the IR nests deeply) finds that out and the message goes as it
 * is; only messages that need it are rewritten (a JSON round trip with a replacer or reviver costs
 * ~0.5 s for a 24,000-node program, where the scan costs a few ms).
 */
const TAG = '$num';

type Scan = 'plain' | 'special' | 'other';

/**
 * 'special': some number is NaN, ±Infinity or −0 (encode: `test` = isSpecial) or some object is a
 * tag (decode); 'other': a value that is not plain JSON-like data (a typed array, a Date, a
 * class instance): take the JSON path to keep its JSON meaning; 'plain': nothing to rewrite.
 */
function scan(root: unknown, numbers: boolean): Scan {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'number') {
      if (numbers && (!Number.isFinite(v) || Object.is(v, -0))) return 'special';
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
      continue;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return 'other';
    const keys = Object.keys(v);
    if (!numbers && keys.length === 1 && keys[0] === TAG) return 'special';
    for (const k of keys) stack.push((v as Record<string, unknown>)[k]);
  }
  return 'plain';
}

export function encodeWire<T>(message: T): unknown {
  if (scan(message, true) === 'plain') return message;
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
  if (scan(raw, false) === 'plain') return raw;
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
