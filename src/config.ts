// One typed configuration object, built in one place from CLI flags, environment and defaults
// (flags win over env, env over defaults). Every OPENEAS_* variable is listed in the README.
import path from 'node:path';
import { checkTrustedProxies } from './gateway/client-address.ts';

export type ProgressionMode = 'time' | 'immediate' | 'manual';
export type RamMode = 'enforce' | 'soft' | 'off';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** PostgreSQL URL; when absent the embedded SQLite file `<dataDir>/openeas.db` is used. */
  databaseUrl?: string;
  /** In-memory SQLite database and master key: nothing is written to disk (tests, demos). */
  ephemeral: boolean;
  logLevel: string;
  /** How log lines are written: one readable line each (default on a terminal), or JSON (otherwise). */
  logFormat: 'pretty' | 'json';
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
  /** Machine provisioning: how long a new machine stays Attaching, and how progression happens. */
  provisionSeconds: number;
  /** How long a released machine stays Deleting, and a log/DLink change stays in progress, seconds. */
  releaseSeconds: number;
  /** How long a service instance placed on a machine takes to start (Pending → Running), seconds. */
  serviceStartSeconds: number;
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

function envInt(name: string, env: NodeJS.ProcessEnv): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got "${v}"`);
  return n;
}

/** A CNY amount such as "100" or "99.50" → integer fen, without floating-point arithmetic. */
export function parseCny(text: string, name = 'amount'): number {
  const m = /^(-)?(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text.trim().replace(/,/g, ''));
  if (!m) throw new Error(`${name} must be a CNY amount like 100 or 99.50, got "${text}"`);
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

function envCny(name: string, env: NodeJS.ProcessEnv): number | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : parseCny(v, name);
}

function envStr(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

/** Builds the configuration: explicit overrides (CLI flags, tests) > environment > defaults. */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const defined = Object.fromEntries(
    Object.entries(overrides).filter(([, v]) => v !== undefined),
  ) as ConfigOverrides;
  const fromEnv: ConfigOverrides = {
    host: envStr('OPENEAS_HOST', env),
    port: envInt('OPENEAS_PORT', env),
    dataDir: envStr('OPENEAS_DATA_DIR', env),
    databaseUrl: envStr('OPENEAS_DATABASE_URL', env),
    logLevel: envStr('OPENEAS_LOG_LEVEL', env),
    accountId: envStr('OPENEAS_ACCOUNT_ID', env),
    rootAccessKeyId: envStr('OPENEAS_ROOT_ACCESS_KEY_ID', env),
    rootAccessKeySecret: envStr('OPENEAS_ROOT_ACCESS_KEY_SECRET', env),
    masterKey: envStr('OPENEAS_MASTER_KEY', env),
    defaultRegion: envStr('OPENEAS_REGION', env),
    adminToken: envStr('OPENEAS_ADMIN_TOKEN', env),
    provisionSeconds: envInt('OPENEAS_PROVISION_SECONDS', env),
    releaseSeconds: envInt('OPENEAS_RELEASE_SECONDS', env),
    serviceStartSeconds: envInt('OPENEAS_SERVICE_START_SECONDS', env),
    subscriptionMonths: envInt('OPENEAS_SUBSCRIPTION_MONTHS', env),
    progression: oneOf('OPENEAS_PROGRESSION', envStr('OPENEAS_PROGRESSION', env), ['time', 'immediate', 'manual'] as const),
    catalogFile: envStr('OPENEAS_CATALOG', env),
    ram: oneOf('OPENEAS_RAM', envStr('OPENEAS_RAM', env), ['enforce', 'soft', 'off'] as const),
    ramCacheMs: envInt('OPENEAS_RAM_CACHE_MS', env),
    initialBalanceFen: envCny('OPENEAS_INITIAL_BALANCE', env),
    postPaidMinimumBalanceFen: envCny('OPENEAS_POSTPAID_MIN_BALANCE', env),
    renewalLeadDays: envInt('OPENEAS_RENEWAL_LEAD_DAYS', env),
    renewalRetryHours: envInt('OPENEAS_RENEWAL_RETRY_HOURS', env),
    expiryGraceDays: envInt('OPENEAS_EXPIRY_GRACE_DAYS', env),
    overdueStopDays: envInt('OPENEAS_OVERDUE_STOP_DAYS', env),
    overdueReleaseDays: envInt('OPENEAS_OVERDUE_RELEASE_DAYS', env),
    billingUtcOffsetMinutes: envInt('OPENEAS_BILLING_UTC_OFFSET_MINUTES', env),
    bssProductCode: envStr('OPENEAS_BSS_PRODUCT_CODE', env),
    jobMaxAttempts: envInt('OPENEAS_JOB_MAX_ATTEMPTS', env),
    jobRetrySeconds: envInt('OPENEAS_JOB_RETRY_SECONDS', env),
    bodyLimit: envInt('OPENEAS_BODY_LIMIT_BYTES', env),
    pgStatementTimeoutMs: envInt('OPENEAS_PG_STATEMENT_TIMEOUT_MS', env),
    idleTimeoutMs: envInt('OPENEAS_IDLE_TIMEOUT_MS', env),
    requestTimeoutMs: envInt('OPENEAS_REQUEST_TIMEOUT_MS', env),
    maxEventLoopDelayMs: envInt('OPENEAS_MAX_EVENT_LOOP_DELAY_MS', env),
    trustedProxies: envStr('OPENEAS_TRUSTED_PROXIES', env)?.split(',').map((s) => s.trim()).filter(Boolean),
  };
  const fromEnvDefined = Object.fromEntries(
    Object.entries(fromEnv).filter(([, v]) => v !== undefined),
  ) as ConfigOverrides;

  const config: Config = {
    host: '127.0.0.1',
    port: 8080,
    dataDir: '.openeas',
    ephemeral: false,
    logLevel: 'info',
    logFormat: process.stdout.isTTY ? 'pretty' : 'json',
    defaultRegion: 'cn-hangzhou',
    bodyLimit: 128 * 1024,
    pgStatementTimeoutMs: 10_000,
    idleTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    admission: {
      maxExpensiveInFlight: envInt('OPENEAS_MAX_EXPENSIVE_IN_FLIGHT', env) ?? 2,
      queueLength: envInt('OPENEAS_ADMISSION_QUEUE', env) ?? 64,
      queueWaitMs: envInt('OPENEAS_ADMISSION_WAIT_MS', env) ?? 2000,
    },
    maxEventLoopDelayMs: 500,
    clockSkewSeconds: 15 * 60,
    nonceTtlSeconds: 31 * 60,
    provisionSeconds: 5,
    releaseSeconds: 2,
    serviceStartSeconds: 3,
    progression: 'time',
    subscriptionMonths: 1,
    initialBalanceFen: 1_000_000_00, // CNY 1,000,000: the quick start never runs out
    postPaidMinimumBalanceFen: 100_00,
    renewalLeadDays: 9,
    renewalRetryHours: 24,
    expiryGraceDays: 15,
    overdueStopDays: 15,
    overdueReleaseDays: 15,
    billingUtcOffsetMinutes: 480,
    bssProductCode: 'eas',
    quota: {
      instances: envInt('OPENEAS_QUOTA_INSTANCES', env) ?? 100_000,
      vcpus: envInt('OPENEAS_QUOTA_VCPUS', env) ?? 4_000_000,
      gpus: envInt('OPENEAS_QUOTA_GPUS', env) ?? 100_000,
    },
    schedulerIntervalMs: 200,
    jobMaxAttempts: 10,
    jobRetrySeconds: 2,
    ram: 'enforce',
    ramCacheMs: 1000,
    trustedProxies: [],
    ...fromEnvDefined,
    ...defined,
  };
  config.dataDir = path.resolve(config.dataDir);
  validateConfig(config);
  return config;
}

function validateConfig(c: Config): void {
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535) throw new Error(`port must be 0-65535, got ${c.port}`);
  if (c.accountId !== undefined && !/^\d{16}$/.test(c.accountId)) {
    throw new Error(`OPENEAS_ACCOUNT_ID must be 16 digits, got "${c.accountId}"`);
  }
  if ((c.rootAccessKeyId === undefined) !== (c.rootAccessKeySecret === undefined)) {
    throw new Error('OPENEAS_ROOT_ACCESS_KEY_ID and OPENEAS_ROOT_ACCESS_KEY_SECRET must be set together');
  }
  for (const [name, v] of [
    ['OPENEAS_RENEWAL_LEAD_DAYS', c.renewalLeadDays], ['OPENEAS_EXPIRY_GRACE_DAYS', c.expiryGraceDays],
    ['OPENEAS_OVERDUE_STOP_DAYS', c.overdueStopDays], ['OPENEAS_OVERDUE_RELEASE_DAYS', c.overdueReleaseDays],
    ['OPENEAS_POSTPAID_MIN_BALANCE', c.postPaidMinimumBalanceFen],
  ] as const) {
    if (!(v >= 0)) throw new Error(`${name} must be >= 0`);
  }
  if (!(c.renewalRetryHours > 0)) throw new Error('OPENEAS_RENEWAL_RETRY_HOURS must be > 0');
  if (!Number.isInteger(c.jobMaxAttempts) || c.jobMaxAttempts < 1) throw new Error('OPENEAS_JOB_MAX_ATTEMPTS must be a whole number >= 1');
  if (!(c.jobRetrySeconds >= 0)) throw new Error('OPENEAS_JOB_RETRY_SECONDS must be >= 0');
  if (!Number.isInteger(c.billingUtcOffsetMinutes / 60)) throw new Error('OPENEAS_BILLING_UTC_OFFSET_MINUTES must be whole hours');
  if (!Number.isInteger(c.subscriptionMonths) || c.subscriptionMonths < 1) throw new Error('OPENEAS_SUBSCRIPTION_MONTHS must be a positive integer');
  for (const [name, v] of [
    ['OPENEAS_BODY_LIMIT_BYTES', c.bodyLimit], ['OPENEAS_IDLE_TIMEOUT_MS', c.idleTimeoutMs], ['OPENEAS_REQUEST_TIMEOUT_MS', c.requestTimeoutMs],
    ['OPENEAS_MAX_EXPENSIVE_IN_FLIGHT', c.admission.maxExpensiveInFlight],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  }
  for (const [name, v] of [
    ['OPENEAS_PG_STATEMENT_TIMEOUT_MS', c.pgStatementTimeoutMs], ['OPENEAS_ADMISSION_QUEUE', c.admission.queueLength],
    ['OPENEAS_ADMISSION_WAIT_MS', c.admission.queueWaitMs], ['OPENEAS_MAX_EVENT_LOOP_DELAY_MS', c.maxEventLoopDelayMs],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be an integer >= 0`);
  }
  if (c.provisionSeconds < 0) throw new Error('OPENEAS_PROVISION_SECONDS must be >= 0');
  if (!Number.isInteger(c.serviceStartSeconds) || c.serviceStartSeconds < 0) throw new Error('OPENEAS_SERVICE_START_SECONDS must be an integer >= 0');
  checkTrustedProxies(c.trustedProxies);
  if (c.databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(c.databaseUrl)) {
    throw new Error('--database-url must be a postgres:// URL');
  }
  if (c.ephemeral && c.databaseUrl !== undefined) {
    throw new Error('--ephemeral keeps the database in memory; it cannot be combined with --database-url');
  }
}
