// PostgreSQL parses and plans every statement it is sent unnamed, each time: under signed creates
// that was most of the database's CPU (perf: the parser, expression_tree_walker, copyObject),
// more than running the statements. The request path sends a small set of texts over and over
// (prepared queries, Kysely queries whose values are all parameters), so a text seen a second
// time gets a name, and the pool sends it as a named statement from then on: each connection
// parses and plans it once, then only binds and executes it (store/cancellation.ts).
//
// Bounded, because texts can vary with the request (an IN list's length): at most MAX_NAMED texts
// are ever named — what each connection may keep prepared — and texts seen once are remembered
// only up to MAX_CANDIDATES (then forgotten together), so one-off texts never take a name.
// A name stays with its text (node-postgres refuses one name for two texts on a connection) until
// the schema changes under a prepared statement: PostgreSQL re-plans a named statement by itself,
// except one whose result columns changed (`select *` after a newer server added a column, during
// a rolling upgrade), which then fails on every run. forgetStatementNames() starts a new
// generation of names, so every connection prepares its statements again.

/** Most distinct texts named: each connection keeps at most this many statements prepared. */
export const MAX_NAMED = 256;
/** Texts seen once, remembered until this many: then the memory of them starts again. */
const MAX_CANDIDATES = 4096;

const names = new Map<string, string>();
const seenOnce = new Set<string>();
let generation = 0;

/**
 * The name to send `text` under, or undefined (sent unnamed, parsed and planned each time): a text
 * is named the second time it is asked about, while fewer than MAX_NAMED are.
 */
export function statementName(text: string): string | undefined {
  const name = names.get(text);
  if (name !== undefined || names.size >= MAX_NAMED) return name;
  if (!seenOnce.has(text)) {
    if (seenOnce.size >= MAX_CANDIDATES) seenOnce.clear();
    seenOnce.add(text);
    return undefined;
  }
  seenOnce.delete(text);
  const named = `openeas_${generation}_${names.size}`;
  names.set(text, named);
  return named;
}

/**
 * Drops every name: texts are named afresh (under new names) as they are sent again. For a named
 * statement whose plan no longer fits the schema (isStalePlan).
 */
export function forgetStatementNames(): void {
  generation++;
  names.clear();
  seenOnce.clear();
}

/** PostgreSQL's error for a named statement whose result columns changed since it was prepared. */
export function isStalePlan(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err.code === '0A000' && /cached plan must not change result type/.test(String(err.message));
}

/** How many texts are named (for tests and metrics). */
export function namedStatementCount(): number {
  return names.size;
}
