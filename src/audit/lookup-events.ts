// ActionTrail's LookupEvents (2020-07-06, RPC): the caller's account's events, newest first
// (Direction=BACKWARD) or oldest first, in a time window (default: the last 7 days; at most 30
// days; not before the retention), filtered by up to two lookup attributes, paged by an opaque
// NextToken. Events are returned as the records that were stored (event.ts). Authorized by RAM as
// actiontrail:LookupEvents on `*`. Choices the API leaves open: docs/audit-trail.md.
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { apiError } from '../gateway/errors.ts';
import type { CallContext } from '../gateway/context.ts';
import type { Input, Operation, Output, RawInput } from '../gateway/operation.ts';
import type { Db } from '../store/database.ts';
import { eventIdFloor, eventTimeText, presentEvent, storedResourceTypes } from './event.ts';
import type { AuditEventsTable } from '../store/schema.ts';
import type { AuditTrail } from './recorder.ts';
import './errors.ts';

export const ACTIONTRAIL_VERSION = '2020-07-06';

const DAY_MS = 86_400_000;
const DEFAULT_WINDOW_MS = 7 * DAY_MS;
const MAX_WINDOW_MS = 30 * DAY_MS;
const DEFAULT_MAX_RESULTS = 20;
const MAX_RESULTS = 50;
const MAX_VALUE_LENGTH = 512;
/**
 * A walk that reads whole stored records (ResourceType without ResourceName) is bounded by their
 * size too: a record may hold up to about 25,000 characters (docs/audit-trail.md), so the scan
 * limit alone could mean hundreds of MB for one page. It reads at most RECORD_CHARS_PER_ENTRY
 * characters of records per entry the scan limit allows (twice a typical create's record), in
 * chunks of at most RECORD_CHUNK entries, and past that ends the page early with a NextToken, as
 * the scan limit does.
 */
const RECORD_CHARS_PER_ENTRY = 2048;
const RECORD_CHUNK = 256;

/** Lookup attribute keys and the column each filters (ResourceType/ResourceName: the resources table). */
const EVENT_COLUMNS = {
  EventName: 'event_name',
  ServiceName: 'service_name',
  EventRW: 'event_rw',
  User: 'user_name',
  EventAccessKeyId: 'access_key_id',
  SourceIpAddress: 'source_ip',
  RoleName: 'role_name',
  EventId: 'event_id',
} as const;
const RESOURCE_COLUMNS = { ResourceName: 'resource_name', ResourceType: 'resource_type' } as const;
/** Keys whose value no openeas event has but that are valid: every event is an ApiCall, none is sensitive. */
const CONSTANT_KEYS: Record<string, (value: string) => boolean> = {
  EventType: (v) => v === 'ApiCall',
  SensitiveAction: () => false,
};
type Key = keyof typeof EVENT_COLUMNS | keyof typeof RESOURCE_COLUMNS | 'EventType' | 'SensitiveAction';
const KEYS = new Set<string>([...Object.keys(EVENT_COLUMNS), ...Object.keys(RESOURCE_COLUMNS), ...Object.keys(CONSTANT_KEYS)]);

/** The two-key combinations ActionTrail supports (either order). */
const COMBINATIONS: Record<string, readonly string[]> = {
  ServiceName: ['EventName', 'User', 'RoleName', 'ResourceName', 'EventRW', 'SensitiveAction', 'EventType'],
  ResourceName: ['ResourceType', 'EventName', 'User', 'RoleName', 'ServiceName'],
  EventType: ['EventName'],
};

interface Attribute {
  key: Key;
  value: string;
}

/** LookupAttribute.N.Key/Value, in N order: at most the first two; the same key twice keeps the second. */
export function lookupAttributes(query: Record<string, string>): Attribute[] {
  const numbered = new Map<number, { key?: string; value?: string }>();
  for (const [name, value] of Object.entries(query)) {
    const m = /^LookupAttribute\.(\d{1,3})\.(Key|Value)$/.exec(name);
    if (!m) continue;
    const n = Number(m[1]);
    const item = numbered.get(n) ?? {};
    if (m[2] === 'Key') item.key = value;
    else item.value = value;
    numbered.set(n, item);
  }
  const items = [...numbered.entries()]
    .sort((a, b) => a[0] - b[0])
    .slice(0, 2)
    .map(([, item]) => item);
  const out: Attribute[] = [];
  for (const { key, value } of items) {
    if (key === undefined || !KEYS.has(key)) {
      throw apiError('InvalidLookupAttributesException', { reason: `Unknown key: ${String(key ?? '')}.` });
    }
    if (value === undefined || value === '' || value.length > MAX_VALUE_LENGTH) {
      throw apiError('InvalidLookupAttributesException', { reason: `The value of ${key} must be 1 to ${MAX_VALUE_LENGTH} characters.` });
    }
    const same = out.findIndex((a) => a.key === key);
    if (same >= 0) out.splice(same, 1);
    out.push({ key: key as Key, value });
  }
  if (out.length === 2) {
    const [a, b] = [out[0]!.key, out[1]!.key];
    if (!COMBINATIONS[a]?.includes(b) && !COMBINATIONS[b]?.includes(a)) {
      throw apiError('InvalidLookupAttributesException', { reason: `${a} and ${b} cannot be combined.` });
    }
  }
  return out;
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?Z$/;

function parseTime(text: string, code: 'InvalidParameterStartTime' | 'InvalidParameterEndTime'): number {
  const ms = TIME.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw apiError(code);
  return ms;
}

interface Window {
  start: number;
  end: number;
}

/** The time window asked for, checked against the clock (business time) and the retention. */
export function timeWindow(input: Input, now: number, retentionDays: number): Window {
  const startText = input.StartTime as string | undefined;
  const endText = input.EndTime as string | undefined;
  if (startText === undefined && endText === undefined) return { start: now - DEFAULT_WINDOW_MS, end: now };
  if (startText === undefined || endText === undefined) {
    throw apiError('LookupEventsParameterError', { reason: 'StartTime and EndTime must be given together, or neither.' });
  }
  const start = parseTime(startText, 'InvalidParameterStartTime');
  const end = parseTime(endText, 'InvalidParameterEndTime');
  if (end <= start) throw apiError('InvalidParameterCombination');
  if (end - start > MAX_WINDOW_MS) throw apiError('InvalidParameterDateOutOfRange');
  if (start > now) throw apiError('InvalidParameterStartTimeExceedsCurrent');
  if (start < now - retentionDays * DAY_MS) throw apiError('InvalidParameterStartTimeOutOfDate', { days: retentionDays });
  return { start, end };
}

function maxResults(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_RESULTS;
  const n = Number(text);
  if (!/^\d{1,3}$/.test(text) || n < 1 || n > MAX_RESULTS) {
    throw apiError('InvalidParameterValue', { name: 'MaxResults', reason: `It must be an integer from 1 to ${MAX_RESULTS}.` });
  }
  return n;
}

// ---- NextToken: where the next page starts, sealed so that it cannot be forged or altered ----------

interface Cursor {
  /** Account the token was issued to. */
  a: string;
  /** Event id the next page starts after. */
  k: string;
  /** The window of the first page (kept, so that a default window does not move between pages). */
  s: number;
  e: number;
  /** Hash of the other parameters, which every later page must repeat. */
  h: string;
}

const TOKEN_PREFIX = 'openeas-lookup:';

function queryHash(attributes: Attribute[], input: Input, direction: string): string {
  const parts = [direction, String(input.StartTime ?? ''), String(input.EndTime ?? ''), ...attributes.flatMap((a) => [a.key, a.value])];
  return crypto.createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

function readToken(ctx: CallContext, token: string, hash: string): Cursor {
  let cursor: Cursor;
  try {
    const plain = ctx.services.secrets.decrypt(Buffer.from(token, 'base64url').toString('utf8'));
    if (!plain.startsWith(TOKEN_PREFIX)) throw new Error('not a LookupEvents token');
    cursor = JSON.parse(plain.slice(TOKEN_PREFIX.length)) as Cursor;
  } catch {
    throw apiError('InvalidNextToken');
  }
  if (cursor.a !== ctx.caller.accountId || cursor.h !== hash || typeof cursor.k !== 'string') throw apiError('InvalidNextToken');
  return cursor;
}

function writeToken(ctx: CallContext, cursor: Cursor): string {
  return Buffer.from(ctx.services.secrets.encrypt(TOKEN_PREFIX + JSON.stringify(cursor)), 'utf8').toString('base64url');
}

// ---- the query ----------------------------------------------------------------------------

interface Page {
  events: AuditEventsTable[];
  lastId: string | undefined;
  more: boolean;
}

/**
 * The lookup index for an attribute: the one condition a page's walk is an index range of, most
 * selective first. ServiceName, EventRW, SourceIpAddress and ResourceType (without ResourceName)
 * have none (every index is paid by every write, and their values are few): their pages walk the
 * account's events.
 */
const INDEXED: readonly Key[] = ['EventId', 'EventAccessKeyId', 'User', 'RoleName', 'EventName'];

/** What a walked entry carries: its event's id and what the filters after the index look at. */
type Walked = { event_id: string; resource_type: string; acs_region: string; is_global: number } & Record<string, unknown>;

/**
 * One page of event ids, then their records. The page walks one index range in order — the
 * account's events, those of one indexed attribute, or (ResourceName) the resource rows — between
 * the window's bounds and the cursor, and keeps the events that pass the other filters: the
 * second attribute, the keys without an index (a ResourceType read from the stored record), the region.
 * The walk reads in growing chunks and stops once the page is full, or after `scanLimit`
 * entries: a filter that matches little (an address that made no call, a region with no events)
 * would otherwise read every event of the window for one page, holding the database all along.
 * A walk cut short ends the page early, with a NextToken that goes on from where it stopped.
 */
async function readPage(
  db: Db,
  q: {
    account: string;
    region: string;
    attributes: Attribute[];
    low: string;
    high: string;
    forward: boolean;
    limit: number;
    scanLimit: number;
  },
): Promise<Page> {
  // ResourceName: the resource rows' key (a ResourceType with it is a filter on the rows walked).
  const resource = q.attributes.find((a) => a.key === 'ResourceName');
  const indexed = resource ?? INDEXED.map((key) => q.attributes.find((a) => a.key === key)).find((a) => a !== undefined);
  const filters = q.attributes.filter((a) => a !== indexed);
  const order = q.forward ? 'asc' : 'desc';
  // Only the columns the filters read come back with each walked entry (a walk may be thousands long).
  const filterColumns = filters.filter((a) => a.key in EVENT_COLUMNS).map((a) => EVENT_COLUMNS[a.key as keyof typeof EVENT_COLUMNS]);
  // A ResourceType without ResourceName: the types are in the stored record.
  const typeInRecord = !resource && filters.some((a) => a.key === 'ResourceType');
  const walkedColumns = [...new Set(['acs_region', 'is_global', ...filterColumns, ...(typeInRecord ? ['event'] : [])])].map(
    (c) => `e.${c}` as `e.${keyof AuditEventsTable}`,
  );
  // After `after`, in walk order: resource rows are ordered by event and then type (an event may
  // name one resource as two types), so a chunk goes on from the exact row the last one ended at.
  const walkFrom = (after: Walked | undefined, count: number): Promise<Walked[]> => {
    if (resource) {
      const beyond = q.forward ? '>' : '<';
      return (
        db
          .selectFrom('audit_event_resources as r')
          .innerJoin('audit_events as e', 'e.event_id', 'r.event_id')
          .select(['r.event_id', 'r.resource_type', ...walkedColumns])
          .where('r.account_id', '=', q.account)
          .where('r.resource_name', '=', resource.value)
          // From the last row on: the bound starts the index range there (the OR alone would have
          // each chunk read past every row before it again), the OR steps over that row's event's
          // types already walked.
          .$if(after !== undefined, (b) =>
            b
              .where('r.event_id', q.forward ? '>=' : '<=', after!.event_id)
              .where((eb) =>
                eb.or([
                  eb('r.event_id', beyond, after!.event_id),
                  eb.and([eb('r.event_id', '=', after!.event_id), eb('r.resource_type', beyond, after!.resource_type)]),
                ]),
              ),
          )
          .where('r.event_id', '>', q.low)
          .where('r.event_id', '<', q.high)
          .orderBy('r.event_id', order)
          .orderBy('r.resource_type', order)
          .limit(count)
          .execute()
      );
    }
    return db
      .selectFrom('audit_events as e')
      .select(['e.event_id', sql<string>`''`.as('resource_type'), ...walkedColumns])
      .where('e.account_id', '=', q.account)
      .$if(indexed !== undefined, (b) => b.where(`e.${EVENT_COLUMNS[indexed!.key as keyof typeof EVENT_COLUMNS]}`, '=', indexed!.value))
      .where('e.event_id', '>', q.forward && after !== undefined ? after.event_id : q.low)
      .where('e.event_id', '<', !q.forward && after !== undefined ? after.event_id : q.high)
      .orderBy('e.event_id', order)
      .limit(count)
      .execute();
  };
  const passes = (w: Walked) =>
    (w.acs_region === q.region || w.is_global === 1) &&
    filters.every((a) =>
      a.key === 'ResourceType'
        ? typeInRecord
          ? storedResourceTypes(w.event as string).includes(a.value)
          : w.resource_type === a.value
        : !(a.key in EVENT_COLUMNS) || w[EVENT_COLUMNS[a.key as keyof typeof EVENT_COLUMNS]] === a.value,
    );
  const ids: string[] = [];
  let walked = 0;
  let last: Walked | undefined;
  /** The last event whose every row has been walked. */
  let lastComplete: string | undefined;
  let chunk = 2 * (q.limit + 1);
  let exhausted = false;
  const recordBudget = q.scanLimit * RECORD_CHARS_PER_ENTRY;
  let recordChars = 0;
  while (ids.length <= q.limit && walked < q.scanLimit) {
    const want = Math.min(chunk, q.scanLimit - walked, typeInRecord ? RECORD_CHUNK : Number.POSITIVE_INFINITY);
    const rows = await walkFrom(last, want);
    for (const w of rows) {
      walked++;
      if (typeInRecord) recordChars += (w.event as string).length;
      if (last !== undefined && last.event_id !== w.event_id) lastComplete = last.event_id;
      last = w;
      // An event walked as several rows (one resource named as two types) is kept once.
      if (passes(w) && ids[ids.length - 1] !== w.event_id) ids.push(w.event_id);
      if (ids.length > q.limit || recordChars >= recordBudget) break;
    }
    if (recordChars >= recordBudget) break; // cut short: not exhausted, whatever the chunk held
    if (rows.length < want) {
      exhausted = true;
      break;
    }
    chunk *= 4;
  }
  let more: boolean;
  let lastId: string | undefined;
  if (ids.length > q.limit) {
    ids.length = q.limit;
    more = true;
    lastId = ids[ids.length - 1];
  } else if (exhausted || last === undefined) {
    more = false;
    lastId = ids[ids.length - 1];
  } else {
    // The walk was cut short: the next page goes on from where it stopped — after the last event
    // it has decided (kept, or every row of it walked).
    more = true;
    lastId = ids[ids.length - 1] === last.event_id ? last.event_id : (lastComplete ?? last.event_id);
  }
  if (ids.length === 0) return { events: [], lastId, more };
  const records = await db.selectFrom('audit_events').selectAll().where('event_id', 'in', ids).execute();
  const byId = new Map(records.map((r) => [r.event_id, r]));
  return { events: ids.map((id) => byId.get(id)!).filter(Boolean), lastId, more };
}

export function lookupEventsOperation(trail: AuditTrail): Operation {
  return {
    product: 'Actiontrail',
    version: ACTIONTRAIL_VERSION,
    action: 'LookupEvents',
    authorize: () => ({ action: 'actiontrail:LookupEvents', resource: '*' }),
    validate: (raw: RawInput): Input => {
      const q = raw.query;
      for (const name of ['NextToken', 'MaxResults', 'StartTime', 'EndTime', 'Direction'] as const) {
        if (q[name] !== undefined && q[name]!.length > 4096) throw apiError('InvalidParameterValue', { name, reason: 'It is too long.' });
      }
      const direction = q.Direction ?? 'BACKWARD';
      if (direction !== 'BACKWARD' && direction !== 'FORWARD') {
        throw apiError('InvalidParameterValue', { name: 'Direction', reason: 'It must be FORWARD or BACKWARD.' });
      }
      const input: Input = { Direction: direction, Attributes: lookupAttributes(q), MaxResults: maxResults(q.MaxResults) };
      for (const name of ['NextToken', 'StartTime', 'EndTime'] as const) if (q[name] !== undefined && q[name] !== '') input[name] = q[name];
      return input;
    },
    async handle(input: Input, ctx: CallContext): Promise<Output> {
      const s = ctx.services;
      const attributes = input.Attributes as Attribute[];
      const direction = input.Direction as string;
      const limit = input.MaxResults as number;
      const hash = queryHash(attributes, input, direction);
      const cursor = input.NextToken === undefined ? undefined : readToken(ctx, input.NextToken as string, hash);
      const window = cursor ? { start: cursor.s, end: cursor.e } : timeWindow(input, s.clock.now(), s.config.auditRetentionDays);
      // Constant keys (EventType, SensitiveAction) either match every event or none.
      const impossible = attributes.some((a) => a.key in CONSTANT_KEYS && !CONSTANT_KEYS[a.key]!(a.value));
      const forward = direction === 'FORWARD';
      // The window in event ids (time-ordered): after the start instant, before the end's second is
      // over; then past the cursor. An id prefix sorts below every id that starts with it.
      let low = eventIdFloor(window.start);
      let high = eventIdFloor(Math.floor(window.end / 1000) * 1000 + 1000);
      if (cursor && forward) low = cursor.k;
      else if (cursor) high = cursor.k;
      // The caller's latest events may still wait in memory: write them first.
      await trail.flush();
      const page = impossible
        ? { events: [], lastId: undefined, more: false }
        : await readPage(s.store.db, {
            account: ctx.caller.accountId,
            region: ctx.region,
            attributes,
            low,
            high,
            forward,
            limit,
            scanLimit: s.config.auditLookupScanLimit,
          });
      const out: Output = {
        Events: page.events.map(presentEvent),
        StartTime: eventTimeText(window.start),
        EndTime: eventTimeText(window.end),
      };
      if (page.more && page.lastId) {
        out.NextToken = writeToken(ctx, { a: ctx.caller.accountId, k: page.lastId, s: window.start, e: window.end, h: hash });
      }
      return out;
    },
  };
}
