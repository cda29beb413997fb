// Every setting openeas reads, in one table: its Config field, its OPENEAS_* variable, its
// `openeas serve` flag (if it has one), its type and allowed values, its default and its help text.
// config.ts builds the Config from it (flags > environment > defaults), the command line derives its
// flags and `serve --help` from it, and a test checks that the README lists every variable.
import type { Config } from './config.ts';

/** A Config field; nested objects by dotted path (`admission.queueLength`). */
export type SettingField = {
  [K in keyof Config & string]-?: NonNullable<Config[K]> extends readonly unknown[]
    ? K
    : NonNullable<Config[K]> extends object
      ? `${K}.${keyof NonNullable<Config[K]> & string}`
      : K;
}[keyof Config & string];

export type SettingType =
  | { kind: 'string'; pattern?: RegExp; patternText?: string }
  | { kind: 'int'; min: number; max?: number }
  | { kind: 'number'; min: number; above?: boolean }
  | { kind: 'cny'; min?: number }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'boolean' }
  | { kind: 'list' };

export type SettingValue = string | number | boolean | string[];

export interface Setting {
  field: SettingField;
  /** The environment variable. Absent for the few fixed values only code (tests) may change. */
  env?: `OPENEAS_${string}`;
  /** The `openeas serve` flag, without dashes, and what its value is called in `--help`. */
  flag?: string;
  arg?: string;
  type: SettingType;
  /** Absent: the setting is optional (undefined unless given). A function: decided at start-up. */
  default?: SettingValue | (() => SettingValue);
  /** How `--help` shows a default that is not a plain value. */
  defaultText?: string;
  help: string;
  /** A rule beyond the type (e.g. whole hours): the problem, or undefined when the value is fine. */
  check?: (value: never) => string | undefined;
}

const int = (min: number, max?: number): SettingType => ({ kind: 'int', min, max });
const str: SettingType = { kind: 'string' };
const positive = int(1);
const atLeastZero = int(0);

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['pretty', 'json'] as const;
export const RAM_MODES = ['enforce', 'soft', 'off'] as const;
export const PROGRESSION_MODES = ['time', 'immediate', 'manual'] as const;

export const SETTINGS: readonly Setting[] = [
  // Serving
  { field: 'host', env: 'OPENEAS_HOST', flag: 'host', arg: 'host', type: str, default: '127.0.0.1', help: 'address to listen on' },
  {
    field: 'port',
    env: 'OPENEAS_PORT',
    flag: 'port',
    arg: 'port',
    type: int(0, 65535),
    default: 8080,
    help: 'port to listen on (0 = any free port)',
  },
  {
    field: 'dataDir',
    env: 'OPENEAS_DATA_DIR',
    flag: 'data-dir',
    arg: 'dir',
    type: str,
    default: '.openeas',
    help: 'data directory: the SQLite file and master.key; created (0700) if missing',
  },
  {
    field: 'databaseUrl',
    env: 'OPENEAS_DATABASE_URL',
    flag: 'database-url',
    arg: 'url',
    type: { kind: 'string', pattern: /^postgres(ql)?:\/\//, patternText: 'a postgres:// URL' },
    help: 'PostgreSQL instead of the embedded SQLite',
  },
  {
    field: 'ephemeral',
    env: 'OPENEAS_EPHEMERAL',
    flag: 'ephemeral',
    type: { kind: 'boolean' },
    default: false,
    help: 'keep everything in memory and write nothing to disk (tests, demos)',
  },
  {
    field: 'logLevel',
    env: 'OPENEAS_LOG_LEVEL',
    flag: 'log-level',
    type: { kind: 'enum', values: LOG_LEVELS },
    default: 'info',
    help: "log level; debug also logs the server's string to sign on signature mismatches",
  },
  {
    field: 'logFormat',
    env: 'OPENEAS_LOG_FORMAT',
    flag: 'log-format',
    type: { kind: 'enum', values: LOG_FORMATS },
    default: () => (process.stdout.isTTY ? 'pretty' : 'json'),
    defaultText: 'pretty on a terminal, else json',
    help: 'log lines for people or for machines',
  },
  { field: 'catalogFile', env: 'OPENEAS_CATALOG', flag: 'catalog', arg: 'file', type: str, help: 'extra machine types (a JSON file)' },
  {
    field: 'ram',
    env: 'OPENEAS_RAM',
    flag: 'ram',
    type: { kind: 'enum', values: RAM_MODES },
    default: 'enforce',
    help: 'RAM authorization: enforce policies, only log denials (soft), or off',
  },
  {
    field: 'progression',
    env: 'OPENEAS_PROGRESSION',
    flag: 'progression',
    type: { kind: 'enum', values: PROGRESSION_MODES },
    default: 'time',
    help: 'how machines move on: with time, immediately, or when POST /_openeas/engine/progress says',
  },
  { field: 'defaultRegion', env: 'OPENEAS_REGION', type: str, default: 'cn-hangzhou', help: 'region for calls that name none' },

  // The root account and secrets
  {
    field: 'accountId',
    env: 'OPENEAS_ACCOUNT_ID',
    type: { kind: 'string', pattern: /^\d{16}$/, patternText: '16 digits' },
    defaultText: 'generated',
    help: 'root account id, used on first start',
  },
  {
    field: 'rootAccessKeyId',
    env: 'OPENEAS_ROOT_ACCESS_KEY_ID',
    type: str,
    defaultText: 'generated',
    help: 'root AccessKey id, used on first start',
  },
  {
    field: 'rootAccessKeySecret',
    env: 'OPENEAS_ROOT_ACCESS_KEY_SECRET',
    type: str,
    defaultText: 'generated',
    help: 'root AccessKey secret, used on first start',
  },
  {
    field: 'masterKey',
    env: 'OPENEAS_MASTER_KEY',
    type: str,
    defaultText: '<data-dir>/master.key',
    help: '32-byte key (64 hex or base64) that seals AccessKey secrets at rest',
  },
  {
    field: 'adminToken',
    env: 'OPENEAS_ADMIN_TOKEN',
    type: str,
    help: 'lets non-loopback callers use /_openeas (Authorization: Bearer <token>)',
  },
  {
    field: 'consoleSessionMinutes',
    env: 'OPENEAS_CONSOLE_SESSION_MINUTES',
    type: int(1, 43200),
    default: 720,
    help: 'how long a web console sign-in lasts, minutes (then the browser signs in again)',
  },
  {
    field: 'trustedProxies',
    env: 'OPENEAS_TRUSTED_PROXIES',
    type: { kind: 'list' },
    default: [],
    help: 'comma-separated proxies (addresses or CIDR blocks) whose X-Forwarded-For is believed',
  },

  // Machines and jobs
  {
    field: 'provisionSeconds',
    env: 'OPENEAS_PROVISION_SECONDS',
    type: { kind: 'number', min: 0 },
    default: 5,
    help: 'how long a new machine stays Attaching',
  },
  {
    field: 'releaseSeconds',
    env: 'OPENEAS_RELEASE_SECONDS',
    type: { kind: 'number', min: 0 },
    default: 2,
    help: 'how long a released machine stays Deleting (and a log/DLink change in progress)',
  },
  {
    field: 'serviceStartSeconds',
    env: 'OPENEAS_SERVICE_START_SECONDS',
    type: { kind: 'number', min: 0 },
    default: 3,
    help: 'how long a placed service instance takes to start (Pending → Running)',
  },
  {
    field: 'serviceEventsPerService',
    env: 'OPENEAS_SERVICE_EVENTS_PER_SERVICE',
    type: int(100),
    default: 1000,
    help: 'events kept per service (DescribeServiceEvent); the oldest beyond it are deleted',
  },
  {
    field: 'serviceVersionsPerService',
    env: 'OPENEAS_SERVICE_VERSIONS_PER_SERVICE',
    type: positive,
    default: 100,
    help: 'versions kept per service (ListServiceVersions): the latest ones',
  },
  {
    field: 'subscriptionMonths',
    env: 'OPENEAS_SUBSCRIPTION_MONTHS',
    type: positive,
    default: 1,
    help: 'term of a PrePaid machine, months',
  },
  {
    field: 'jobMaxAttempts',
    env: 'OPENEAS_JOB_MAX_ATTEMPTS',
    type: positive,
    default: 10,
    help: 'a background job that failed this often is parked as Failed until retried',
  },
  {
    field: 'jobRetrySeconds',
    env: 'OPENEAS_JOB_RETRY_SECONDS',
    type: { kind: 'number', min: 0 },
    default: 2,
    help: 'wait before retrying a failed job; doubles with each failure, at most an hour',
  },
  {
    field: 'quota.instances',
    env: 'OPENEAS_QUOTA_INSTANCES',
    type: atLeastZero,
    default: 100_000,
    help: 'machines per account and region',
  },
  { field: 'quota.vcpus', env: 'OPENEAS_QUOTA_VCPUS', type: atLeastZero, default: 4_000_000, help: 'vCPUs per account and region' },
  { field: 'quota.gpus', env: 'OPENEAS_QUOTA_GPUS', type: atLeastZero, default: 100_000, help: 'GPUs per account and region' },
  { field: 'schedulerIntervalMs', type: positive, default: 200, help: 'how often the scheduler polls for due work, ms' },

  // Billing (money in CNY in the environment, fen in Config)
  {
    field: 'initialBalanceFen',
    env: 'OPENEAS_INITIAL_BALANCE',
    type: { kind: 'cny' },
    default: 1_000_000_00,
    defaultText: '1000000',
    help: 'CNY a new account starts with',
  },
  {
    field: 'postPaidMinimumBalanceFen',
    env: 'OPENEAS_POSTPAID_MIN_BALANCE',
    type: { kind: 'cny', min: 0 },
    default: 100_00,
    defaultText: '100',
    help: 'CNY needed on the account to create PostPaid machines',
  },
  {
    field: 'renewalLeadDays',
    env: 'OPENEAS_RENEWAL_LEAD_DAYS',
    type: { kind: 'number', min: 0 },
    default: 9,
    help: 'auto-renewal is charged this many days before expiry',
  },
  {
    field: 'renewalRetryHours',
    env: 'OPENEAS_RENEWAL_RETRY_HOURS',
    type: { kind: 'number', min: 0, above: true },
    default: 24,
    help: 'a failed auto-renewal is retried this often until expiry',
  },
  {
    field: 'expiryGraceDays',
    env: 'OPENEAS_EXPIRY_GRACE_DAYS',
    type: { kind: 'number', min: 0 },
    default: 15,
    help: 'an expired PrePaid machine stays Stopped this long, then is released',
  },
  {
    field: 'overdueStopDays',
    env: 'OPENEAS_OVERDUE_STOP_DAYS',
    type: { kind: 'number', min: 0 },
    default: 15,
    help: 'PostPaid machines stop this long after the balance went negative',
  },
  {
    field: 'overdueReleaseDays',
    env: 'OPENEAS_OVERDUE_RELEASE_DAYS',
    type: { kind: 'number', min: 0 },
    default: 15,
    help: 'machines stopped for overdue payment are released this long after stopping',
  },
  {
    field: 'billingUtcOffsetMinutes',
    env: 'OPENEAS_BILLING_UTC_OFFSET_MINUTES',
    type: int(-720, 840),
    default: 480,
    help: 'time zone of billing cycles and bill dates, minutes east of UTC',
    check: (v: number) => (v % 60 === 0 ? undefined : 'must be whole hours'),
  },
  { field: 'bssProductCode', env: 'OPENEAS_BSS_PRODUCT_CODE', type: str, default: 'eas', help: 'BSS ProductCode of EAS machines' },

  // Limits and timeouts
  {
    field: 'ramCacheMs',
    env: 'OPENEAS_RAM_CACHE_MS',
    type: atLeastZero,
    default: 1000,
    help: 'how long a RAM policy-epoch read is trusted, ms',
  },
  {
    field: 'auditTrail',
    env: 'OPENEAS_AUDIT_TRAIL',
    type: { kind: 'boolean' },
    default: true,
    help: 'record every authenticated API call as an audit event (LookupEvents); false skips recording',
  },
  {
    field: 'auditRetentionDays',
    env: 'OPENEAS_AUDIT_RETENTION_DAYS',
    type: int(1, 3650),
    default: 90,
    help: 'days of business time audit events (LookupEvents) are kept',
  },
  {
    field: 'auditLookupScanLimit',
    env: 'OPENEAS_AUDIT_LOOKUP_SCAN_LIMIT',
    type: int(100, 1_000_000),
    default: 10_000,
    help: 'events one LookupEvents page may read past (other regions, filters no index serves) before it ends early with a NextToken',
  },
  { field: 'bodyLimit', env: 'OPENEAS_BODY_LIMIT_BYTES', type: positive, default: 128 * 1024, help: 'largest request body, bytes' },
  {
    field: 'pgStatementTimeoutMs',
    env: 'OPENEAS_PG_STATEMENT_TIMEOUT_MS',
    type: atLeastZero,
    default: 10_000,
    help: 'PostgreSQL statement_timeout of request-path statements, ms (0 = none)',
  },
  {
    field: 'sqliteWalLimitMb',
    env: 'OPENEAS_SQLITE_WAL_LIMIT_MB',
    type: int(1, 4096),
    default: 256,
    help: 'size, MB, the SQLite WAL file is trimmed back to when it starts again from its beginning; smaller saves disk, costs writes under sustained load',
  },
  {
    field: 'pgNamedStatements',
    env: 'OPENEAS_PG_NAMED_STATEMENTS',
    type: { kind: 'boolean' },
    default: true,
    help: 'send statement texts that repeat to PostgreSQL as named statements, parsed and planned once per connection; false behind a pooler in transaction mode (PgBouncer)',
  },
  {
    field: 'idleTimeoutMs',
    env: 'OPENEAS_IDLE_TIMEOUT_MS',
    type: positive,
    default: 10_000,
    help: 'a connection with no request in flight that sends nothing this long is closed, ms',
  },
  {
    field: 'requestTimeoutMs',
    env: 'OPENEAS_REQUEST_TIMEOUT_MS',
    type: positive,
    default: 30_000,
    help: "a request's headers and body must arrive within this, ms",
  },
  {
    field: 'admission.maxExpensiveInFlight',
    env: 'OPENEAS_MAX_EXPENSIVE_IN_FLIGHT',
    type: positive,
    default: 2,
    help: 'expensive API calls running at once',
  },
  {
    field: 'admission.queueLength',
    env: 'OPENEAS_ADMISSION_QUEUE',
    type: atLeastZero,
    default: 64,
    help: 'expensive calls that may wait for a slot',
  },
  {
    field: 'admission.queueWaitMs',
    env: 'OPENEAS_ADMISSION_WAIT_MS',
    type: atLeastZero,
    default: 2000,
    help: 'longest wait for a slot, ms',
  },
  {
    field: 'maxEventLoopDelayMs',
    env: 'OPENEAS_MAX_EVENT_LOOP_DELAY_MS',
    type: atLeastZero,
    default: 500,
    help: 'API calls get 503 while the event loop lags more than this, ms (0 = never)',
  },
  // Alibaba's gateway: 15 minutes of clock skew; a nonce outlives every timestamp that may carry it.
  { field: 'clockSkewSeconds', type: positive, default: 15 * 60, help: 'allowed clock skew of signed requests, seconds' },
  { field: 'nonceTtlSeconds', type: positive, default: 31 * 60, help: 'how long a signature nonce is remembered, seconds' },
];
