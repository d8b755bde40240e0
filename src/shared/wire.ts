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
import { isPacked, packable, packProgram, unpackProgram, type PackedProgram } from './packProgram';

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

/** The parts of a packed program that are not typed arrays (they take the JSON-like path). */
type PackedPlain = Pick<PackedProgram, 'rest' | 'keys' | 'strings' | 'extraNodes' | 'extraFrames'>;

/** A `show` message's program (src/shared/protocol.ts), if the message is one. */
function showProgram(m: unknown): { payload: Record<string, unknown>; program: unknown } | undefined {
  if (typeof m !== 'object' || m === null || (m as { type?: unknown }).type !== 'show') return undefined;
  const payload = (m as { payload?: unknown }).payload;
  if (typeof payload !== 'object' || payload === null) return undefined;
  return { payload: payload as Record<string, unknown>, program: (payload as { program?: unknown }).program };
}

/**
 * Encodes a message for postMessage. A `show` message's program goes packed (src/shared/packProgram.ts:
 * typed-array columns, which VS Code transfers as binary), the rest as below.
 */
export function encodeWire<T>(message: T): unknown {
  const show = showProgram(message);
  if (show && packable(show.program)) {
    const { rest, keys, strings, extraNodes, extraFrames, ...columns } = packProgram(show.program);
    const plain: PackedPlain = { rest, keys, strings, extraNodes, extraFrames };
    const enc = encodePlain({ message: { ...message, payload: { ...show.payload, program: null } }, plain }) as {
      message: { payload: Record<string, unknown> };
      plain: PackedPlain;
    };
    return { ...enc.message, payload: { ...enc.message.payload, program: { ...columns, ...enc.plain } } };
  }
  return encodePlain(message);
}

/** Decodes what encodeWire made (after postMessage); a packed program comes back as plain objects. */
export function decodeWire(raw: unknown): unknown {
  const show = showProgram(raw);
  if (show && isPacked(show.program)) {
    const packed = show.program;
    const { rest, keys, strings, extraNodes, extraFrames } = packed;
    const dec = decodePlain({
      message: { ...(raw as object), payload: { ...show.payload, program: null } },
      plain: { rest, keys, strings, extraNodes, extraFrames },
    }) as { message: { payload: Record<string, unknown> }; plain: PackedPlain };
    // A program that does not unpack stays packed: the protocol's validation rejects the message.
    const program = unpackProgram({ ...packed, ...dec.plain }) ?? packed;
    return { ...dec.message, payload: { ...dec.message.payload, program } };
  }
  return decodePlain(raw);
}

function encodePlain<T>(message: T): unknown {
  if (scan(message, true) === 'plain') return message;
  return JSON.parse(
    JSON.stringify(message, (_key, v) =>
      typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))
        ? { [TAG]: Object.is(v, -0) ? '-0' : String(v) }
        : v,
    ),
  );
}

function decodePlain(raw: unknown): unknown {
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
