// AccessKey rows kept in memory between requests, on SQLite: every signed call reads its key, and
// that read was the first and dearest statement of a short call (a cold single-row read, 5-9 µs).
// A kept row is served only while the table's stamp (Store.stampOf) is the one it was read under,
// so a key disabled, deleted or re-sealed — by this process or any other — is read again on the
// very next call. The secret stays sealed here (ram/secret-box.ts opens it); misses are not kept,
// so unknown ids cannot fill the memory, and the map is bounded.
import type { Store } from '../store/database.ts';

const CAPACITY = 10_000;

interface Kept<R> {
  row: R;
  stamp: string;
}

export class AccessKeyCache<R> {
  readonly #rows = new Map<string, Kept<R>>();

  constructor(private readonly stamp: () => string) {}

  /** The key's row: kept, or read with `read` (and kept when found). */
  async get(id: string, read: (id: string) => Promise<R | undefined>): Promise<R | undefined> {
    const stamp = this.stamp();
    const kept = this.#rows.get(id);
    if (kept?.stamp === stamp) return kept.row;
    // The stamp is taken before the read: a change committed meanwhile leaves this row stale under
    // an older stamp, never a current one.
    const row = await read(id);
    if (row === undefined) {
      this.#rows.delete(id);
      return undefined;
    }
    if (this.#rows.size >= CAPACITY && !this.#rows.has(id)) this.#rows.delete(this.#rows.keys().next().value!);
    this.#rows.set(id, { row, stamp });
    return row;
  }
}

const caches = new WeakMap<Store, AccessKeyCache<never>>();

/** The store's AccessKey cache; undefined where the store cannot stamp the table (PostgreSQL). */
export function accessKeyCacheOf<R>(store: Store): AccessKeyCache<R> | undefined {
  if (!store.stampOf) return undefined;
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new AccessKeyCache<never>(store.stampOf('access_keys'))));
  return cache as AccessKeyCache<R>;
}
