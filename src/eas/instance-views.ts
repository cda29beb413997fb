// Rendered machines for ListResourceInstances. Reading 100 rows × 19 columns into objects and
// rendering them again costs about a millisecond per page; a page instead reads only (id, version)
// and reuses the JSON text rendered when that version of the machine was first listed. Every
// read is checked against the database's version (store/instances.ts bumps it on each change), so
// several server processes never serve each other stale machines. Bounded: oldest entries go first.
import type { Db, Tx } from '../store/database.ts';
import { RawJson } from '../gateway/envelope.ts';
import { INSTANCE_VIEW_COLUMNS, presentInstance } from './presenters.ts';
import { forIdChunks, inIds } from '../store/id-lists.ts';

export interface InstanceKey {
  id: string;
  version: number;
}

/** `id:version,id:version,…` → keys (ids never contain `:` or `,`). */
export function parseKeys(page: string): InstanceKey[] {
  if (page === '') return [];
  return page.split(',').map((k) => {
    const at = k.lastIndexOf(':');
    return { id: k.slice(0, at), version: Number(k.slice(at + 1)) };
  });
}

interface Rendered {
  version: number;
  json: string;
}

/** Whole pages kept (dashboards poll the same page): at most this many characters in all. */
const PAGE_CACHE_CHARS = 8 * 1024 * 1024;

export class InstanceViews {
  readonly #byId = new Map<string, Rendered>();
  /** `id:version,…` of a page → its rendered array; the key changes with any machine on it. */
  readonly #pages = new Map<string, string>();
  #pageChars = 0;

  constructor(private readonly capacity = 20_000) {}

  /** The JSON array of a page given as its `id:version,…` string (what pageKeys reads). */
  async renderPage(db: Db | Tx, page: string): Promise<RawJson> {
    const hit = this.#pages.get(page);
    if (hit !== undefined) return new RawJson(hit);
    const rendered = await this.#render(db, parseKeys(page));
    if (rendered.text.length <= PAGE_CACHE_CHARS / 4) {
      this.#pages.set(page, rendered.text);
      this.#pageChars += rendered.text.length;
      while (this.#pageChars > PAGE_CACHE_CHARS) {
        const [oldest, text] = this.#pages.entries().next().value!;
        this.#pages.delete(oldest);
        this.#pageChars -= text.length;
      }
    }
    return rendered;
  }

  /** The JSON array of the machines `keys` (in that order); machines deleted meanwhile are left out. */
  async #render(db: Db | Tx, keys: InstanceKey[]): Promise<RawJson> {
    const texts: Array<string | undefined> = keys.map((k) => {
      const hit = this.#byId.get(k.id);
      return hit !== undefined && hit.version === k.version ? hit.json : undefined;
    });
    const missing = keys.filter((_, i) => texts[i] === undefined).map((k) => k.id);
    if (missing.length > 0) {
      const fresh = new Map<string, string>();
      await forIdChunks(db, missing, async (c) => {
        const rows = await db
          .selectFrom('instances')
          .select([...INSTANCE_VIEW_COLUMNS, 'version'])
          .where(inIds(db, 'id', c))
          .execute();
        for (const row of rows) {
          const json = JSON.stringify(presentInstance(row));
          fresh.set(row.id, json);
          this.#remember(row.id, { version: row.version, json });
        }
      });
      keys.forEach((k, i) => {
        if (texts[i] === undefined) texts[i] = fresh.get(k.id);
      });
    }
    return new RawJson(`[${texts.filter((t) => t !== undefined).join(',')}]`);
  }

  #remember(id: string, view: Rendered): void {
    this.#byId.delete(id);
    if (this.#byId.size >= this.capacity) this.#byId.delete(this.#byId.keys().next().value!);
    this.#byId.set(id, view);
  }
}
