// Hostile values for the fuzzer, per parameter type, and the seeded random source that picks them.
// A value is tagged `core` when it hits a class of defect found before (NUL, lone surrogates, huge
// integers): the fast run sends every core value to every parameter and samples the rest.
import { seededRandom } from '../support/seeded-random.ts';

export interface Hostile {
  /** Short label for reports, e.g. `nul`, `int:1e20`. */
  label: string;
  /** The value as a query/path/form string. */
  text: string;
  /** The value inside a JSON body (may be of the wrong type on purpose). */
  json: unknown;
  core?: boolean;
}

export const rng = seededRandom;

export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const s = (label: string, text: string, core = false): Hostile => ({ label, text, json: text, core });

function nested(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { a: v };
  return v;
}

/** Hostile strings: sent to string parameters and, as wrong types, to every other one. */
export const STRINGS: Hostile[] = [
  s('nul', '\u0000', true),
  s('nul-inside', 'eas-r-\u0000abc', true),
  s('lone-high-surrogate', '\ud800', true),
  s('lone-low-surrogate', 'x\udfffy', true),
  s('truncated-pair', 'ok\ud83d', true),
  s('empty', ''),
  s('space', ' '),
  s('controls', '\u0001\u0007\u001b[31m\u007f'),
  s('newlines', 'a\r\nb\tc'),
  s('emoji', '\ud83d\ude00\u{1f9ea}'),
  s('rtl-override', '\u202eabc'),
  s('sql', "x' OR '1'='1'; DROP TABLE instances; --"),
  s('like-wildcards', '%_\\%'),
  s('traversal', '../../../etc/passwd'),
  s('json-text', '{"a":[1,2,{"b":null}]}'),
  s('percent-escapes', '%00%ZZ%'),
  s('long-100k', 'A'.repeat(100_000)),
  s('long-multibyte', '\u00e9'.repeat(20_000)),
  s('proto', '__proto__'),
];

function n(label: string, text: string, json: unknown, core = false): Hostile {
  return { label, text, json, core };
}

/** Hostile numbers (as text in queries, as JSON numbers or strings in bodies). */
export const NUMBERS: Hostile[] = [
  n('int:1e20', '99999999999999999999', 99999999999999999999, true),
  n('int:2^53+1', '9007199254740993', 9007199254740993, true),
  n('int:2^53-1', '9007199254740991', 9007199254740991, true),
  n('int:-2^63', '-9223372036854775808', -9223372036854775808, true),
  n('int:2^31', '2147483648', 2147483648),
  n('int:-1', '-1', -1),
  n('int:0', '0', 0),
  n('float', '1.5', 1.5),
  n('exp', '1e308', 1e308),
  n('tiny', '5e-324', 5e-324),
  n('nan', 'NaN', 'NaN'),
  n('infinity', 'Infinity', 'Infinity'),
  n('hex', '0x10', '0x10'),
  n('padded', ' 1 ', ' 1 '),
  n('arabic-digit', '\u0663', '\u0663'),
  n('digits-50k', '1'.repeat(50_000), '1'.repeat(50_000)),
  n('number-as-string', '5', '5'),
];

/** Values of the wrong shape for any parameter (JSON bodies and JSON-text query values). */
export const SHAPES: Hostile[] = [
  n('null', 'null', null),
  n('true', 'true', true),
  n('array', '[]', []),
  n('object', '{}', {}),
  n('array-of-nul', '["\\u0000"]', ['\u0000'], true),
  n('object-nul-key', '{"\\u0000":"v"}', { '\u0000': 'v' }, true),
  n('object-surrogate-value', '{"k":"\\ud800"}', { k: '\ud800' }, true),
  n('deep-64', JSON.stringify(nested(64)), nested(64)),
  n('deep-1500', JSON.stringify(nested(1500)), nested(1500)),
  n('array-100k', JSON.stringify(new Array(100_000).fill(1)), new Array(100_000).fill(1)),
  n('array-20k-strings', JSON.stringify(new Array(20_000).fill('eas-r-x')), new Array(20_000).fill('eas-r-x')),
  n(
    'object-10k-keys',
    JSON.stringify(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v']))),
    Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v'])),
  ),
  n(
    'proto-keys',
    '{"__proto__":{"x":1},"constructor":{"prototype":{}}}',
    JSON.parse('{"__proto__":{"x":1},"constructor":{"prototype":{}}}'),
  ),
];

export const BOOLEANS: Hostile[] = [n('bool:yes', 'yes', 'yes'), n('bool:1', '1', 1), n('bool:TRUE', 'TRUE', 'TRUE')];

/** Every hostile value for a parameter of `type` (its own type's values first). */
export function hostileFor(type: string, extra: Hostile[] = []): Hostile[] {
  // Scalars get every shape that is a defect class of its own, and a few of the big ones.
  const shapes = SHAPES.filter((h) => h.core || ['null', 'object', 'deep-1500', 'array-20k-strings'].includes(h.label));
  switch (type) {
    case 'integer':
    case 'number':
    case 'int':
      return [...NUMBERS, ...STRINGS.filter((h) => h.core), ...shapes];
    case 'boolean':
    case 'bool':
      return [...BOOLEANS, ...STRINGS.filter((h) => h.core), ...shapes];
    case 'object':
    case 'array':
      return [...SHAPES, ...STRINGS];
    default:
      return [...STRINGS, ...extra, ...NUMBERS.filter((h) => h.core), ...shapes];
  }
}

/**
 * Strings drawn at random from the code units that trouble text handling (NUL, controls, both
 * surrogate halves, BOM, U+FFFF, astral pairs), different for every seed: the long run's extra values.
 */
export function seededStrings(seed: number, count: number): Hostile[] {
  const random = rng(seed);
  const pool = [
    0x0, 0x1, 0x9, 0xa, 0xd, 0x1f, 0x7f, 0x80, 0xad, 0x2028, 0x202e, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfeff, 0xfffd, 0xffff, 0x22, 0x27,
    0x5c, 0x25, 0x2f,
  ];
  const out: Hostile[] = [];
  for (let i = 0; i < count; i++) {
    const length = 1 + Math.floor(random() * (random() < 0.1 ? 5000 : 24));
    let text = '';
    for (let j = 0; j < length; j++) {
      const r = random();
      if (r < 0.4) text += String.fromCharCode(pool[Math.floor(random() * pool.length)]!);
      else if (r < 0.5) text += String.fromCodePoint(0x10000 + Math.floor(random() * 0xfffff));
      else text += String.fromCharCode(0x20 + Math.floor(random() * 0x5f));
    }
    out.push({ label: `random-${seed}-${i}`, text, json: text });
  }
  return out;
}
