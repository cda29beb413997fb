// Identifier formats, as Alibaba Cloud shows them (see docs/ARCHITECTURE.md, "Identifiers").
import crypto from 'node:crypto';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Random bytes are drawn from the CSPRNG in blocks: one call per id cost a system call each.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function randomByte(): number {
  if (poolAt === pool.length) {
    crypto.randomFillSync(pool);
    poolAt = 0;
  }
  return pool[poolAt++]!;
}

/** `count` random bytes from the pool (a call of crypto.randomBytes each cost a CreateService ~2 %). */
export function pooledRandomBytes(count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = randomByte();
  return out;
}

/** Uniform random string over `alphabet` (rejection sampling, no modulo bias). */
export function randomString(length: number, alphabet: string = LOWER_ALNUM): string {
  let out = '';
  const limit = 256 - (256 % alphabet.length);
  while (out.length < length) {
    const byte = randomByte();
    if (byte < limit) out += alphabet[byte % alphabet.length]!;
  }
  return out;
}

const HEX_LOWER = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_UPPER = HEX_LOWER.map((h) => h.toUpperCase());

/**
 * Time-ordered UUID (version 7, RFC 9562) for internal rows written in bulk (jobs, metered
 * intervals, audit events): consecutive inserts land on the same index page instead of a random
 * one, so a commit writes fewer pages, and ties in due time break in creation order. Spelled from
 * a byte-to-hex table, without a Buffer: every API call makes one (its audit event).
 */
export function newSortableId(now = Date.now(), upperCase = false): string {
  const hex = upperCase ? HEX_UPPER : HEX_LOWER;
  const t = Math.max(0, Math.floor(now));
  const high = Math.floor(t / 0x1000000); // the upper 24 of the 48 bits of milliseconds
  const id =
    hex[(high >>> 16) & 0xff]! +
    hex[(high >>> 8) & 0xff]! +
    hex[high & 0xff]! +
    hex[(t >>> 16) & 0xff]! +
    '-' +
    hex[(t >>> 8) & 0xff]! +
    hex[t & 0xff]! +
    '-' +
    hex[0x70 | (randomByte() & 0x0f)]! +
    hex[randomByte()]! +
    '-' +
    hex[0x80 | (randomByte() & 0x3f)]! +
    hex[randomByte()]! +
    '-' +
    hex[randomByte()]! +
    hex[randomByte()]! +
    hex[randomByte()]! +
    hex[randomByte()]! +
    hex[randomByte()]! +
    hex[randomByte()]!;
  id.charCodeAt(0); // flattened: kept as 20 joined pieces the id would take several times its size in memory
  return id;
}

/** Upper-case UUID, the format of every RequestId. */
export function newRequestId(): string {
  return crypto.randomUUID().toUpperCase();
}

/** 16-digit account id (UID), never starting with 0. */
export function newAccountId(): string {
  return String(1 + crypto.randomInt(9)) + randomString(15, '0123456789');
}

/** Permanent AccessKey id: `LTAI5t` + 18 mixed-case alphanumerics (24 characters, like the real ones). */
export function newAccessKeyId(): string {
  return 'LTAI5t' + randomString(18, MIXED_ALNUM);
}

/** Temporary (STS) AccessKey id. */
export function newStsAccessKeyId(): string {
  return 'STS.' + randomString(24, MIXED_ALNUM);
}

/** AccessKey secret: 30 mixed-case alphanumerics. */
export function newAccessKeySecret(): string {
  return randomString(30, MIXED_ALNUM);
}

/** Resource group id: `eas-r-` + 18 lowercase alphanumerics. */
export function newResourceId(): string {
  return 'eas-r-' + randomString(18);
}

/**
 * Machine instance id: `eas-i-` + 18 lowercase alphanumerics, the format of every example. The
 * first 9 are the creation time in base 36 and the other 9 random (46 bits): machines are created
 * by the thousand and their id keys several indexes, and time-ordered keys append to those indexes
 * instead of dirtying a random page each (a create's commit wrote 9 pages, mostly for that).
 */
export function newInstanceId(now = Date.now()): string {
  return 'eas-i-' + now.toString(36).padStart(9, '0').slice(-9) + randomString(9);
}

/** Service id: `eas-m-` + 18 lowercase alphanumerics, time-ordered like machine ids (lists tie-break on it). */
export function newServiceId(now = Date.now()): string {
  return 'eas-m-' + now.toString(36).padStart(9, '0').slice(-9) + randomString(9);
}

/**
 * A service's invocation token (DescribeService `AccessToken`, the `Authorization` header of its
 * requests): 40 random hex digits, base64-encoded, 56 characters ending in `==` — the shape of the
 * examples in Alibaba's reference (`MzJiMDI5MDliODc0…`, `Nzc5N2FhN…` decode to hex).
 */
export function newServiceToken(): string {
  return Buffer.from(randomString(40, '0123456789abcdef')).toString('base64');
}
