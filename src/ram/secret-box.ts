// AccessKey secrets must be readable to verify HMAC signatures, so they are stored encrypted
// (AES-256-GCM) with a master key kept outside the database: OPENEAS_MASTER_KEY, or a 0600 key
// file in the data directory. A canary row detects a master key that does not fit the database.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../store/database.ts';
import { ensureDataDir, restrictToOwner } from '../store/data-dir.ts';

/** The setting holding a known text sealed under the master key the data was created with. */
export const CANARY_KEY = 'secret_box.canary';
const CANARY_TEXT = 'openeas-master-key-check';

/** Opened secrets kept in memory: every signed request needs its key's secret (AES costs ~20 µs). */
const OPENED_CAPACITY = 4096;

export class SecretBox {
  readonly #key: Buffer;
  // Keyed by the sealed text, so a rotated or re-sealed secret is never served stale.
  readonly #opened = new Map<string, string>();

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the master key must be 32 bytes');
    this.#key = key;
  }

  encrypt(plain: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.#key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
  }

  decrypt(sealed: string): string {
    const cached = this.#opened.get(sealed);
    if (cached !== undefined) return cached;
    const plain = this.#open(sealed);
    if (this.#opened.size >= OPENED_CAPACITY) this.#opened.delete(this.#opened.keys().next().value!);
    this.#opened.set(sealed, plain);
    return plain;
  }

  #open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('unrecognised sealed secret');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  }
}

function parseKey(text: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  const b = Buffer.from(t, 'base64');
  if (b.length === 32) return b;
  throw new Error('OPENEAS_MASTER_KEY must be 32 bytes, as 64 hex characters or base64');
}

/** The master key from configuration, or from `<dataDir>/master.key` (created 0600 when missing). */
export function loadMasterKey(dataDir: string, configured?: string): Buffer {
  if (configured) return parseKey(configured);
  const file = path.join(dataDir, 'master.key');
  ensureDataDir(dataDir);
  try {
    const key = parseKey(fs.readFileSync(file, 'utf8'));
    restrictToOwner(file);
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const key = crypto.randomBytes(32);
  // 'wx': never overwrite a key another process created a moment ago.
  try {
    fs.writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    restrictToOwner(file);
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return parseKey(fs.readFileSync(file, 'utf8'));
    throw e;
  }
}

/** The master key of an ephemeral server: the configured one, or a fresh one kept only in memory. */
export function ephemeralMasterKey(configured?: string): Buffer {
  return configured ? parseKey(configured) : crypto.randomBytes(32);
}

/** Whether `sealed` (a canary setting's value) was sealed under `box`'s master key. */
export function opensCanary(box: SecretBox, sealed: string): boolean {
  try {
    return box.decrypt(sealed) === CANARY_TEXT;
  } catch {
    return false;
  }
}

/** Checks (or, on a fresh database, records) that this master key is the one the data was sealed with. */
export async function openSecretBox(store: Store, key: Buffer): Promise<SecretBox> {
  const box = new SecretBox(key);
  const row = await store.db.selectFrom('settings').select('value').where('key', '=', CANARY_KEY).executeTakeFirst();
  if (!row) {
    await store.db
      .insertInto('settings')
      .values({ key: CANARY_KEY, value: box.encrypt(CANARY_TEXT) })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return openSecretBox(store, key);
  }
  if (!opensCanary(box, row.value)) {
    throw new Error(
      'the master key does not match this database: AccessKey secrets cannot be read. ' +
        'Use the same OPENEAS_MASTER_KEY (or master.key file) that created the data.',
    );
  }
  return box;
}
