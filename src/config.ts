// One typed configuration object, built in one place from CLI flags, environment and defaults
// (flags win over env, env over defaults). What each setting is called, accepts and defaults to is
// the table in settings.ts; every value, whatever its source, is checked against it.
import path from 'node:path';
import { checkTrustedProxies } from './gateway/client-address.ts';
import { SETTINGS, type Setting, type SettingType, type SettingValue } from './settings.ts';
import type { LOG_FORMATS, LOG_LEVELS, PROGRESSION_MODES, RAM_MODES } from './settings.ts';

export type ProgressionMode = (typeof PROGRESSION_MODES)[number];
export type RamMode = (typeof RAM_MODES)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** PostgreSQL URL; when absent the embedded SQLite file `<dataDir>/openeas.db` is used. */
  databaseUrl?: string;
  /** In-memory database: nothing is written to disk. */
  ephemeral: boolean;
  logLevel: LogLevel;
  /** Log lines for people (pretty) or machines (json). */
  logFormat: LogFormat;
  /** Audit events (LookupEvents) are kept this many days of business time (ActionTrail: 90). */
  auditRetentionDays: number;
  /** Events one LookupEvents page may walk past before it ends early with a NextToken. */
  auditLookupScanLimit: number;
  /** Every authenticated call is recorded as an audit event (off: LookupEvents finds nothing new). */
  auditTrail: boolean;
  /** Root account created on first start. */
  accountId?: string;
  rootAccessKeyId?: string;
  rootAccessKeySecret?: string;
  /** 32-byte key (hex or base64) that encrypts AccessKey secrets at rest; else `<dataDir>/master.key`. */
  masterKey?: string;
  /** Region used when neither the Host header nor the path names one. */
  defaultRegion: string;
  /** Largest request body read, in bytes (docs/decisions.md: the largest legitimate request, with room). */
  bodyLimit: number;
  /** PostgreSQL: a statement running longer than this is cancelled (0 = no limit). */
  pgStatementTimeoutMs: number;
  /** PostgreSQL: statement texts that repeat are sent named, parsed and planned once per connection (store/statement-names.ts). */
  pgNamedStatements: boolean;
  /** SQLite: the size, MB, the WAL file is trimmed back to when it starts again from its beginning. */
  sqliteWalLimitMb: number;
  /** A connection with no request in flight that stays silent this long is closed, ms. */
  idleTimeoutMs: number;
  /** A request's headers and body must arrive within this, ms. */
  requestTimeoutMs: number;
  /** Admission control of expensive API calls (gateway/admission.ts). */
  admission: { maxExpensiveInFlight: number; queueLength: number; queueWaitMs: number };
  /** API calls are refused with ServiceUnavailable while the event loop lags more than this, ms (0 = never). */
  maxEventLoopDelayMs: number;
  /** Allowed clock skew of signed requests, seconds (Alibaba: 15 minutes). */
  clockSkewSeconds: number;
  /** How long a signature nonce is remembered, seconds (Alibaba gateway: 31 minutes). */
  nonceTtlSeconds: number;
  /** Shared secret that lets non-loopback callers use /_openeas. Without it, admin is loopback-only. */
  adminToken?: string;
  /** How long a console sign-in lasts, minutes (wall time). */
  consoleSessionMinutes: number;
  /** Machine provisioning: how long a new machine stays Attaching, and how progression happens. */
  provisionSeconds: number;
  /** How long a released machine stays Deleting, and a log/DLink change stays in progress, seconds. */
  releaseSeconds: number;
  /** How long a service instance placed on a machine takes to start (Pending → Running), seconds. */
  serviceStartSeconds: number;
  /** Events kept per service; the oldest beyond it are deleted (scheduling/service-events.ts). */
  serviceEventsPerService: number;
  /** Versions kept per service: the latest ones (scheduling/services.ts). */
  serviceVersionsPerService: number;
  progression: ProgressionMode;
  /** Subscription term of a PrePaid machine, in calendar months (domain notes §3.1: one month). */
  subscriptionMonths: number;
  /** Billing (docs/billing.md). Money in integer fen (1 CNY = 100 fen); env values are CNY. */
  /** Balance a fresh account starts with. */
  initialBalanceFen: number;
  /** Smallest balance that allows creating pay-as-you-go machines (ECS: CNY 100). */
  postPaidMinimumBalanceFen: number;
  /** Auto-renewal is charged this many days before expiry (ECS: 9). */
  renewalLeadDays: number;
  /** A failed auto-renewal is retried after this many hours, until expiry (ECS: daily). */
  renewalRetryHours: number;
  /** An expired PrePaid machine stays Stopped this many days before it is released (ECS: 15). */
  expiryGraceDays: number;
  /** Pay-as-you-go machines stop this many days after the balance went negative (ECS: 15). */
  overdueStopDays: number;
  /** Machines stopped for overdue payment are released after this many days (ECS: 15). */
  overdueReleaseDays: number;
  /** Billing cycles (YYYY-MM) and bill dates are in this UTC offset, minutes (China: +480). */
  billingUtcOffsetMinutes: number;
  /** The product code BSS uses for EAS machines (RenewInstance, SetRenewal, bill filters). */
  bssProductCode: string;
  /** Default per-account, per-region quota (overridable per account through the admin API). */
  quota: { instances: number; vcpus: number; gpus: number };
  /** How often the scheduler polls for due work, milliseconds. */
  schedulerIntervalMs: number;
  /** A job that failed this many times is parked as Failed until an operator retries it. */
  jobMaxAttempts: number;
  /** Wait before retrying a failed job, seconds; doubles with each further failure (at most an hour). */
  jobRetrySeconds: number;
  /** Optional extra machine-type catalog (JSON), merged over the built-in one. */
  catalogFile?: string;
  ram: RamMode;
  /** How long a RAM policy-epoch read is trusted, ms (changes from other processes show up within it). */
  ramCacheMs: number;
  /**
   * Proxies (addresses or CIDR blocks) whose X-Forwarded-For is believed: it then names the client
   * for acs:SourceIp and for the admin guard (gateway/client-address.ts).
   */
  trustedProxies: string[];
}

export type ConfigOverrides = Partial<Config>;

/** A value a setting does not accept. The message is one line that names the flag or variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A CNY amount such as "100" or "99.50" → integer fen, without floating-point arithmetic. */
export function parseCny(text: string, name = 'amount'): number {
  const m = /^(-)?(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text.trim().replace(/,/g, ''));
  if (!m) throw new ConfigError(`${name} must be a CNY amount like 100 or 99.50, got "${text}"`);
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

const BOOLEAN_WORDS = new Map([
  ['true', true],
  ['false', false],
  ['1', true],
  ['0', false],
]);

/** What a setting accepts, as error messages and `--help` say it. */
export function describeType(type: SettingType): string {
  switch (type.kind) {
    case 'string':
      return type.patternText ?? 'text';
    case 'int':
      return type.max === undefined ? `a whole number >= ${type.min}` : `a whole number from ${type.min} to ${type.max}`;
    case 'number':
      return `a number ${type.above ? '>' : '>='} ${type.min}`;
    case 'cny':
      return `a CNY amount like 100 or 99.50${type.min === undefined ? '' : `, at least ${type.min}`}`;
    case 'enum':
      return `one of ${type.values.join(', ')}`;
    case 'boolean':
      return `one of ${[...BOOLEAN_WORDS.keys()].join(', ')}`;
    case 'list':
      return 'a comma-separated list';
  }
}

/** Text from a flag or variable → the value's type; a value that does not convert fails `accepts`. */
function fromText(type: SettingType, text: string): unknown {
  switch (type.kind) {
    case 'int':
    case 'number':
      return text.trim() === '' ? NaN : Number(text);
    case 'cny': {
      try {
        return parseCny(text);
      } catch {
        return NaN;
      }
    }
    case 'boolean':
      return BOOLEAN_WORDS.get(text.trim().toLowerCase());
    case 'list':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    default:
      return text;
  }
}

function accepts(type: SettingType, v: unknown): boolean {
  switch (type.kind) {
    case 'string':
      return typeof v === 'string' && (!type.pattern || type.pattern.test(v));
    case 'int':
      return Number.isInteger(v) && (v as number) >= type.min && (type.max === undefined || (v as number) <= type.max);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && (type.above ? v > type.min : v >= type.min);
    case 'cny':
      return Number.isInteger(v) && (type.min === undefined || (v as number) >= type.min * 100);
    case 'enum':
      return typeof v === 'string' && type.values.includes(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'list':
      return Array.isArray(v) && v.every((s) => typeof s === 'string');
  }
}

/** Checks one value against its setting; `source` names where it came from (a flag, a variable, a field). */
function checked(setting: Setting, value: unknown, source: string, shown = String(value)): SettingValue {
  if (!accepts(setting.type, value)) {
    const sep = setting.type.kind === 'enum' || setting.type.kind === 'boolean' ? ';' : ',';
    throw new ConfigError(`${source} must be ${describeType(setting.type)}${sep} got "${shown}"`);
  }
  const problem = setting.check?.(value as never);
  if (problem) throw new ConfigError(`${source} ${problem}, got "${shown}"`);
  return value as SettingValue;
}

/** Parses a flag's or variable's text; throws ConfigError naming `source`. */
export function parseSetting(setting: Setting, text: string, source: string): SettingValue {
  return checked(setting, fromText(setting.type, text), source, text);
}

function getPath(obj: object, field: string): unknown {
  return field
    .split('.')
    .reduce<unknown>((o, key) => (o === undefined || o === null ? undefined : (o as Record<string, unknown>)[key]), obj);
}

function setPath(obj: Record<string, unknown>, field: string, value: unknown): void {
  const keys = field.split('.');
  const last = keys.pop()!;
  let target = obj;
  for (const key of keys) target = (target[key] ??= {}) as Record<string, unknown>;
  target[last] = value;
}

/** `data-dir` → `dataDir`, as commander names parsed options. */
export function optionKey(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The parsed `openeas serve` flags (commander's options object: text, or true for a boolean flag). */
export function flagOverrides(options: Record<string, unknown>): ConfigOverrides {
  const overrides: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    if (!setting.flag) continue;
    const given = options[optionKey(setting.flag)];
    if (given === undefined) continue;
    const source = `--${setting.flag}`;
    setPath(overrides, setting.field, typeof given === 'string' ? parseSetting(setting, given, source) : checked(setting, given, source));
  }
  return overrides as ConfigOverrides;
}

/** Builds the configuration: explicit overrides (CLI flags, tests) > environment > defaults. */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const config: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const given = getPath(overrides, setting.field);
    const text = setting.env ? env[setting.env] : undefined;
    let value: SettingValue | undefined;
    if (given !== undefined) value = checked(setting, given, setting.field);
    else if (text !== undefined && text !== '') value = parseSetting(setting, text, setting.env!);
    else value = typeof setting.default === 'function' ? setting.default() : setting.default;
    if (value !== undefined) setPath(config, setting.field, value);
  }
  const result = config as unknown as Config;
  result.dataDir = path.resolve(result.dataDir);
  checkTogether(result);
  return result;
}

/** Rules that span settings. */
function checkTogether(c: Config): void {
  if ((c.rootAccessKeyId === undefined) !== (c.rootAccessKeySecret === undefined)) {
    throw new ConfigError('OPENEAS_ROOT_ACCESS_KEY_ID and OPENEAS_ROOT_ACCESS_KEY_SECRET must be set together');
  }
  if (c.ephemeral && c.databaseUrl !== undefined) {
    throw new ConfigError('--ephemeral keeps the database in memory; it cannot be combined with --database-url');
  }
  try {
    checkTrustedProxies(c.trustedProxies);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  if (c.ephemeral && c.databaseUrl !== undefined) {
    throw new Error('--ephemeral keeps the database in memory; it cannot be combined with --database-url');
  }
}
