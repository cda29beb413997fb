// One ActionTrail management event per API call, built from what the pipeline knew when the call
// ended (gateway/context.ts FinishedCall). The record has the field names and spellings of
// ActionTrail's event structure; openeas's own choices (serviceName spellings, read/write by
// action, which resources an event names) are in docs/audit-trail.md.
import { clientAddress } from '../gateway/client-address.ts';
import type { Caller, FinishedCall } from '../gateway/context.ts';
import type { Config } from '../config.ts';
import type { AuditEventResourcesTable, AuditEventsTable } from '../store/schema.ts';
import { newSortableId } from '../ids.ts';
import { requestParametersJson, responseElementsJson } from './parameters.ts';

export interface BuiltEvent {
  row: AuditEventsTable;
  resources: AuditEventResourcesTable[];
}

/** Operations that only read, by their verb (the API metadata's operationType says the same for ours). */
const READ_VERBS = /^(Describe|List|Get|Query|Lookup|Decode)/;

export function eventRW(action: string): 'Read' | 'Write' {
  return READ_VERBS.test(action) ? 'Read' : 'Write';
}

/** RAM, STS and billing are not regional: their events show in every region (ActionTrail's global events). */
const GLOBAL_PRODUCTS = new Set(['Ram', 'Sts', 'BssOpenApi']);

/** ActionTrail's service code: the product's code with a capital first letter (Ram, Sts, Eas, BssOpenApi, Actiontrail). */
export function serviceNameOf(product: string): string {
  return product.charAt(0).toUpperCase() + product.slice(1);
}

/** `2026-05-04T06:12:09Z`: ActionTrail's time format, second precision. */
export function eventTimeText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

/** A time-ordered event id: ordering ids orders events by time (audit_events keys every index with it). */
export function newEventId(now: number): string {
  return newSortableId(now, true);
}

/** The smallest event id of the instant `ms` (a bound: every event at or after `ms` sorts at or above it). */
export function eventIdFloor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}`;
}

const IDENTITY_TYPES = { root: 'root-account', user: 'ram-user', 'assumed-role': 'assumed-role' } as const;

function userNameOf(caller: Caller): string {
  return caller.principalType === 'root' ? 'root' : caller.displayName;
}

/** userIdentity beyond the columns (account, AccessKey, user name), as JSON: type, principal, a role session's context. */
function storedIdentityJson(caller: Caller): string {
  const head = `{"type":"${IDENTITY_TYPES[caller.principalType]}","principalId":${JSON.stringify(caller.principalId)}`;
  // Key-based calls never carry MFA; role sessions have a session context (ActionTrail: STS tokens).
  return caller.principalType === 'assumed-role' ? `${head},"sessionContext":{"attributes":{"mfaAuthenticated":"false"}}}` : `${head}}`;
}

/** The part of an event that its row's columns do not hold. */
interface StoredEvent {
  apiVersion: string;
  eventSource: string;
  requestId: string;
  userAgent: string;
  identity: { type: string; principalId: string; sessionContext?: unknown };
  requestParameters: Record<string, unknown>;
  responseElements?: Record<string, unknown>;
  resourceType: string;
  resourceName: string;
  errorMessage: string;
  scheme: string;
}

/**
 * The event record LookupEvents returns, in ActionTrail's field order, from a stored row. Every
 * call writes an event and few are read, so the row keeps each value once (columns, then the
 * rest as JSON) and the record is put together here.
 */
export function presentEvent(row: AuditEventsTable): Record<string, unknown> {
  const s = JSON.parse(row.event) as StoredEvent;
  const types = s.resourceType === '' ? [] : s.resourceType.split(';');
  const names = s.resourceName === '' ? [] : s.resourceName.split(';');
  return {
    eventVersion: '1',
    eventId: row.event_id,
    eventCategory: 'Management',
    eventType: 'ApiCall',
    eventRW: row.event_rw,
    eventName: row.event_name,
    serviceName: row.service_name,
    apiVersion: s.apiVersion,
    eventSource: s.eventSource,
    acsRegion: row.acs_region,
    eventTime: eventTimeText(Number(row.event_time)),
    requestId: s.requestId,
    sourceIpAddress: row.source_ip,
    userAgent: s.userAgent,
    userIdentity: {
      type: s.identity.type,
      principalId: s.identity.principalId,
      accountId: row.account_id,
      accessKeyId: row.access_key_id,
      userName: row.user_name,
      ...(s.identity.sessionContext ? { sessionContext: s.identity.sessionContext } : {}),
    },
    requestParameters: s.requestParameters,
    ...(s.responseElements ? { responseElements: s.responseElements } : {}),
    resourceType: s.resourceType,
    resourceName: s.resourceName,
    referencedResources: Object.fromEntries(types.map((t, i) => [t, (names[i] ?? '').split(',')])),
    errorCode: row.error_code,
    errorMessage: s.errorMessage,
    isGlobal: row.is_global === 1,
    recipientAccountId: row.account_id,
    additionalEventData: { Scheme: s.scheme },
  };
}

const TYPES_KEY = '"resourceType":"';

/**
 * The resource types a stored event names (its audit_event_resources rows have these types).
 * LookupEvents reads them for every event a ResourceType page walks (up to the scan limit, 10,000),
 * so the value is found in the text, not by parsing the record (a tenth of the time): it is the
 * last `"resourceType":"` of the record, because buildEvent writes it after the parameters and the
 * answer (the only objects, where a key of that name could also be) and only strings follow it,
 * whose quotes JSON escapes. Types hold no quote or backslash; a value that does is parsed.
 */
export function storedResourceTypes(event: string): string[] {
  const at = event.lastIndexOf(TYPES_KEY);
  const start = at + TYPES_KEY.length;
  const end = at < 0 ? -1 : event.indexOf('"', start);
  let types = end < 0 ? undefined : event.slice(start, end);
  if (types === undefined || types.includes('\\')) types = (JSON.parse(event) as StoredEvent).resourceType;
  return types === '' ? [] : types.split(';');
}

/** The resource names a stored event names, of every type (its audit_event_resources rows have these names). */
export function storedResourceNames(event: string): string[] {
  const names = (JSON.parse(event) as StoredEvent).resourceName;
  return names === '' ? [] : names.split(/[;,]/);
}

/** Most resource names one event keeps (a create of 100 machines names 101). */
const MAX_RESOURCES = 200;

const ARN = /^acs:([a-z-]+):[^:]*:[^:]*:([a-z]+)\/(.+)$/i;
const EAS_ID = /^eas-[ri]-[a-z0-9]{1,64}$/;

/** `acs:ram:*:<uid>:user/alice` → ACS::RAM::User alice; `acs:eas:<region>:<uid>:resource/eas-r-…` → ACS::EAS::Resource. */
function resourceOfArn(arn: string): [string, string] | undefined {
  const m = ARN.exec(arn);
  if (!m || m[3] === '*' || m[3]!.endsWith('/*')) return undefined;
  const kind = m[2]!;
  return [`ACS::${m[1]!.toUpperCase()}::${kind.charAt(0).toUpperCase()}${kind.slice(1)}`, m[3]!];
}

/**
 * The resources one event names, by type in the order first seen, each type's names in the order
 * first seen, at most MAX_RESOURCES. Plain arrays: most calls name one or two (this runs for every
 * call), and a Set per type is made only for a type that grows past a few names.
 */
class ResourceList {
  readonly types: string[] = [];
  readonly names: string[][] = [];
  #sets: Array<Set<string> | undefined> = [];
  #count = 0;

  add(type: string, name: string): void {
    // resourceName joins names with ',' and types with ';' (ActionTrail's format): a name holding
    // either could not be told apart, nor found again by the retention sweep (recorder.ts). No
    // resource is named so; only a failed call's spelling of an ARN could be.
    if (this.#count >= MAX_RESOURCES || name.includes(',') || name.includes(';')) return;
    let t = this.types.indexOf(type);
    if (t < 0) {
      t = this.types.push(type) - 1;
      this.names.push([]);
      this.#sets.push(undefined);
    }
    const names = this.names[t]!;
    const set = this.#sets[t];
    if (set ? set.has(name) : names.includes(name)) return;
    names.push(name);
    if (set) set.add(name);
    else if (names.length > 8) this.#sets[t] = new Set(names);
    this.#count++;
  }

  /** EAS ids in a value: a string (or a comma-separated list of them), or an array of strings. */
  scan(value: unknown): void {
    if (typeof value === 'string') {
      if (!value.startsWith('eas-') || value.length > 4096) return;
      if (!value.includes(',')) this.#id(value.trim());
      else for (const part of value.split(',')) this.#id(part.trim());
    } else if (Array.isArray(value)) {
      const n = Math.min(value.length, MAX_RESOURCES);
      for (let i = 0; i < n; i++) if (typeof value[i] === 'string') this.scan(value[i]);
    }
  }

  scanValues(o: object): void {
    for (const key in o) if (Object.hasOwn(o, key)) this.scan((o as Record<string, unknown>)[key]);
  }

  #id(id: string): void {
    if (EAS_ID.test(id)) this.add(id.charCodeAt(4) === 0x72 /* r */ ? 'ACS::EAS::Resource' : 'ACS::EAS::Instance', id);
  }
}

/** The resources a call names: the RAM resources it was authorized on, and the EAS ids in its input (and, for writes, its output). */
function referencedResources(call: FinishedCall, write: boolean): ResourceList {
  const out = new ResourceList();
  const auth = call.authorization;
  if (auth) {
    const first = resourceOfArn(auth.resource);
    if (first) out.add(first[0], first[1]);
    for (const arn of auth.additionalResources ?? []) {
      const r = resourceOfArn(arn);
      if (r) out.add(r[0], r[1]);
    }
  }
  const raw = call.raw;
  if (raw) {
    out.scanValues(raw.params);
    // A lookup's search values (LookupAttribute.N.Value) name what was searched for, not what was touched.
    for (const key in raw.query) if (Object.hasOwn(raw.query, key) && !key.startsWith('LookupAttribute.')) out.scan(raw.query[key]);
    if (raw.body && typeof raw.body === 'object' && !Array.isArray(raw.body)) out.scanValues(raw.body);
  }
  if (write && call.output) out.scanValues(call.output);
  return out;
}

/** The region of a call that never got a context (refused by admission): the path's, else the default. */
function regionOf(call: FinishedCall, config: Config): string {
  return call.ctx?.region ?? call.raw?.params.ClusterId ?? config.defaultRegion;
}

/** The event of an authenticated call (undefined for one refused before authentication: nobody to attribute it to). */
export function buildEvent(call: FinishedCall, config: Config, now: number): BuiltEvent | undefined {
  const caller = call.caller;
  if (!caller) return undefined;
  const op = call.operation;
  const req = call.request;
  const rw = eventRW(op.action);
  const eventId = newEventId(now);
  const serviceName = serviceNameOf(op.product);
  const region = regionOf(call, config);
  const sourceIp = call.ctx?.sourceIp ?? clientAddress(req, config.trustedProxies);
  const isGlobal = GLOBAL_PRODUCTS.has(op.product);
  const resources = referencedResources(call, rw === 'Write');
  const ua = req.headers['user-agent'];
  // Stored: what the row's columns do not hold (presentEvent puts the record back together), the
  // fields of StoredEvent in its order, written as text: the parameters and the answer are written
  // straight to JSON (parameters.ts), and JSON.stringify would walk them again.
  const event =
    `{"apiVersion":${JSON.stringify(op.version)},"eventSource":${JSON.stringify(req.headers.host ?? 'localhost')}` +
    `,"requestId":${JSON.stringify(req.id)},"userAgent":${JSON.stringify(typeof ua === 'string' ? ua.slice(0, 512) : '')}` +
    `,"identity":${storedIdentityJson(caller)},"requestParameters":${requestParametersJson(call.raw)}` +
    (rw === 'Write' && call.output ? `,"responseElements":${responseElementsJson(call.output)}` : '') +
    `,"resourceType":${JSON.stringify(resources.types.join(';'))}` +
    `,"resourceName":${JSON.stringify(resources.names.map((n) => n.join(',')).join(';'))}` +
    `,"errorMessage":${JSON.stringify(call.error?.message.slice(0, 1024) ?? '')},"scheme":${JSON.stringify(req.protocol)}}`;
  // Concatenation makes a tree of string pieces (V8's cons strings): 3.8 KB of heap for a 600-character
  // text, against 0.7 KB flat. The event waits up to 10–50 ms to be written, long enough to be copied
  // by a garbage collection or two, so it is flattened now: V8 flattens a string it reads a
  // character of.
  event.charCodeAt(0);
  const rows: AuditEventResourcesTable[] = [];
  for (let t = 0; t < resources.types.length; t++) {
    for (const name of resources.names[t]!) {
      rows.push({ event_id: eventId, account_id: caller.accountId, resource_type: resources.types[t]!, resource_name: name });
    }
  }
  return {
    row: {
      event_id: eventId,
      account_id: caller.accountId,
      event_time: now,
      event_name: op.action,
      service_name: serviceName,
      event_rw: rw,
      acs_region: region,
      is_global: isGlobal ? 1 : 0,
      user_name: userNameOf(caller),
      role_name: caller.principalType === 'assumed-role' ? caller.displayName.split(':')[0]! : null,
      access_key_id: caller.accessKeyId,
      source_ip: sourceIp,
      error_code: call.error?.code ?? '',
      event,
    },
    resources: rows,
  };
}
