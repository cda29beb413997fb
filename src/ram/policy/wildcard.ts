// Wildcard patterns of the policy language (protocol notes §6.2): `*` matches any run of
// characters, including none; `?` matches exactly one character. There is no escape, so a
// literal `*` or `?` cannot be written — as in Alibaba's grammar.
//
// Patterns are compiled once into a matcher, not into a RegExp: a backtracking RegExp for
// `*a*a*a*a*b` takes polynomial time on long subjects, and policy authors choose the pattern.
// The matchers below are linear for patterns made of `*` only (prefix, suffix and indexOf over
// the middle pieces) and O(subject × pattern) at worst when `?` appears — never exponential.

/** A compiled set of patterns: does any of them match the subject? */
export interface PatternSet {
  /** True when one of the patterns is `*` alone. */
  readonly any: boolean;
  matches(subject: string): boolean;
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Compiles patterns once. `fold` lower-cases patterns; the caller then lower-cases subjects. */
export function compilePatternSet(patterns: readonly string[], fold = false): PatternSet {
  const exact = new Set<string>();
  const globs: Glob[] = [];
  let any = false;
  for (const raw of patterns) {
    const p = fold ? raw.toLowerCase() : raw;
    if (p === '*' || /^\*+$/.test(p)) any = true;
    else if (!hasWildcard(p)) exact.add(p);
    else globs.push(compileGlob(p));
  }
  if (any) return MATCH_ANY;
  if (globs.length === 0) {
    if (exact.size === 1) {
      const [only] = exact;
      return { any: false, matches: (s) => s === only };
    }
    return { any: false, matches: (s) => exact.has(s) };
  }
  const hasExact = exact.size > 0;
  return {
    any: false,
    matches(s) {
      if (hasExact && exact.has(s)) return true;
      for (let i = 0; i < globs.length; i++) if (globs[i](s)) return true;
      return false;
    },
  };
}

const MATCH_ANY: PatternSet = { any: true, matches: () => true };

type Glob = (subject: string) => boolean;

function compileGlob(pattern: string): Glob {
  if (!pattern.includes('?')) return starGlob(pattern.split('*'));
  return generalGlob(Array.from(pattern));
}

/** `*`-only patterns: pieces[0] is a prefix, the last piece a suffix, the rest found in order. */
function starGlob(pieces: string[]): Glob {
  const prefix = pieces[0];
  const suffix = pieces[pieces.length - 1];
  const middle = pieces.slice(1, -1).filter((p) => p.length > 0);
  const minLength = prefix.length + suffix.length;
  if (middle.length === 0) {
    return (s) => s.length >= minLength && s.startsWith(prefix) && s.endsWith(suffix);
  }
  return (s) => {
    if (s.length < minLength || !s.startsWith(prefix) || !s.endsWith(suffix)) return false;
    const limit = s.length - suffix.length;
    let pos = prefix.length;
    for (const piece of middle) {
      const at = s.indexOf(piece, pos);
      if (at < 0 || at + piece.length > limit) return false;
      pos = at + piece.length;
    }
    return true;
  };
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Patterns with `?`: the classic two-pointer match with one backtrack point (the last `*`).
 * Works on code points, so `?` matches one character even outside the Basic Multilingual Plane.
 */
function generalGlob(tokens: string[]): Glob {
  return (subject) => {
    const s: ArrayLike<string> = SURROGATE.test(subject) ? Array.from(subject) : subject;
    let si = 0;
    let pi = 0;
    let starPi = -1;
    let starSi = 0;
    while (si < s.length) {
      const t = tokens[pi];
      if (pi < tokens.length && (t === '?' || (t !== '*' && t === s[si]))) {
        si++;
        pi++;
      } else if (pi < tokens.length && t === '*') {
        starPi = pi++;
        starSi = si;
      } else if (starPi >= 0) {
        pi = starPi + 1;
        si = ++starSi;
      } else {
        return false;
      }
    }
    while (pi < tokens.length && tokens[pi] === '*') pi++;
    return pi === tokens.length;
  };
}
