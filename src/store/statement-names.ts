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
// A name stays with its text for the life of the process (node-postgres refuses one name for two
// texts on a connection).

/** Most distinct texts named: each connection keeps at most this many statements prepared. */
export const MAX_NAMED = 256;
/** Texts seen once, remembered until this many: then the memory of them starts again. */
const MAX_CANDIDATES = 4096;

const names = new Map<string, string>();
const seenOnce = new Set<string>();

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
  const named = `openeas_${names.size}`;
  names.set(text, named);
  return named;
}

/** How many texts are named (for tests and metrics). */
export function namedStatementCount(): number {
  return names.size;
}
