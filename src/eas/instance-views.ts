// Rendered machines for ListResourceInstances. Reading 100 rows × 19 columns into objects and
// rendering them again costs about a millisecond per page; a page instead reads only (id, version)
// and reuses the JSON text rendered when that version of the machine was first listed. Every
// read is checked against the database's version (store/instances.ts bumps it on each change), so
// several server processes never serve each other stale machines. Bounded: oldest entries go first.
import type { Db, Tx } from '../store/database.ts';
import { RawJson } from '../gateway/envelope.ts';
import { INSTANCE_VIEW_COLUMNS, presentInstance } from './presenters.ts';

export interface InstanceKey {
  id: string;
  version: number;
}

interface Rendered {
  version: number;
  json: string;
}

export class InstanceViews {
  readonly #byId = new Map<string, Rendered>();

  constructor(private readonly capacity = 20_000) {}

  /** The JSON array of the machines `keys` (in that order); machines deleted meanwhile are left out. */
  async render(db: Db | Tx, keys: InstanceKey[]): Promise<RawJson> {
    const texts: Array<string | undefined> = keys.map((k) => {
      const hit = this.#byId.get(k.id);
      return hit !== undefined && hit.version === k.version ? hit.json : undefined;
    });
    const missing = keys.filter((_, i) => texts[i] === undefined).map((k) => k.id);
    if (missing.length > 0) {
      const fresh = new Map<string, string>();
      for (let i = 0; i < missing.length; i += 500) {
        const rows = await db.selectFrom('instances').select([...INSTANCE_VIEW_COLUMNS, 'version'])
          .where('id', 'in', missing.slice(i, i + 500)).execute();
        for (const row of rows) {
          const json = JSON.stringify(presentInstance(row));
          fresh.set(row.id, json);
          this.#remember(row.id, { version: row.version, json });
        }
      }
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
