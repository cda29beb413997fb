// Row types of every table. Times are epoch milliseconds (BIGINT), money is integer fen.
// Every domain row carries the owning account id; every query filters by it.
import type { Generated } from 'kysely';

export interface AccountsTable {
  id: string;
  created_at: number;
}

export interface AccessKeysTable {
  id: string;
  account_id: string;
  /** 'root' for the account's own key, 'user' for a RAM user's, 'sts' for temporary keys. */
  owner_type: string;
  /** RAM user id or STS session id; null for root keys. */
  owner_id: string | null;
  /** AES-256-GCM ciphertext of the secret (see ram/secret-box.ts). */
  secret_enc: string;
  status: string;
  created_at: number;
  /** Temporary (STS) keys expire; permanent keys have null. */
  expires_at: number | null;
}

export interface NoncesTable {
  access_key_id: string;
  nonce: string;
  expires_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** A dedicated resource group. Counters are maintained with every machine change (never scanned). */
export interface ResourcesTable {
  id: string;
  account_id: string;
  region: string;
  name: string;
  resource_type: string;
  status: string;
  message: string;
  /** JSON: SelfManagedResourceOptions as given. */
  self_managed: string | null;
  /** JSON: the Labels given at creation. */
  labels: string;
  instance_count: number;
  prepaid_instance_count: number;
  postpaid_instance_count: number;
  /** Capacity of running machines (Ready/NotReady, cordoned or not). */
  cpu_count: number;
  gpu_count: number;
  memory_mb: number;
  service_count: number;
  /** What placed service instances reserve on the group's machines (scheduling/placement.ts). */
  cpu_used: number;
  gpu_used: number;
  memory_used_mb: number;
  /** UsageMode (CreateResource; `inference` unless given). */
  usage_mode: string;
  created_at: number;
  updated_at: number;
}

/** A machine in a group. `status` is the API's InstanceStatus: `health` plus `-SchedulingDisabled` when cordoned. */
export interface InstancesTable {
  id: string;
  account_id: string;
  resource_id: string;
  region: string;
  zone: string;
  name: string;
  ip: string;
  instance_type: string;
  cpu: number;
  memory_mb: number;
  gpu: number;
  gpu_memory_gb: number;
  arch: string;
  system_disk_gb: number;
  charge_type: string;
  auto_renewal: number;
  health: string;
  cordoned: number;
  status: string;
  /** Why creation failed (CreateFailed), for operators. */
  failure_reason: string | null;
  /** SHA-256 of the machine's UserData, a key of user_data (stored once per order, not per machine). */
  user_data_hash: string | null;
  /** JSON object of labels, as shown; instance_labels indexes them for filtering. */
  labels: string;
  /** Reason and caller of the last Cordon/Drain (LastCordonReason/LastCordonOperator); '' if never cordoned. */
  last_cordon_reason: string;
  last_cordon_operator: string;
  /** What the service instances placed on this machine reserve, and how many there are. */
  cpu_used: number;
  gpu_used: number;
  memory_used_mb: number;
  worker_count: number;
  created_at: number;
  updated_at: number;
  expired_at: number | null;
  /** Incremented by every update (store/instances.ts); keys cached renderings of the row. */
  version: number;
}

/** UserData content, once per account and distinct content; `refs` machines reference it. */
export interface UserDataTable {
  account_id: string;
  hash: string;
  content: string;
  refs: number;
  created_at: number;
}

export interface InstanceLabelsTable {
  instance_id: string;
  resource_id: string;
  key: string;
  value: string;
}

/** Due work: machine transitions, sub-feature progress, billing events. Claimed and deleted in one transaction. */
export interface JobsTable {
  id: string;
  kind: string;
  account_id: string;
  subject_id: string;
  /** Epoch ms on the business clock; null = waits for a manual nudge (progression=manual). */
  due_at: number | null;
  /** JSON payload. */
  payload: string;
  created_at: number;
  /** Failed runs so far; reset when an operator retries a parked job. */
  attempts: number;
  last_error: string | null;
  /** Set when the job was parked after too many attempts: it is not claimed again until retried. */
  failed_at: number | null;
  /** Names the one pending job of a purpose (e.g. `billing.term:<machine>`): scheduling it again replaces it. */
  job_key: string | null;
}

/** Per account and region: how much of the quota is used. Updated with a guarded UPDATE, so never overshot. */
export interface AccountUsageTable {
  account_id: string;
  region: string;
  instances: number;
  vcpus: number;
  gpus: number;
}

/** Per-account quota overrides (else the configured defaults). */
export interface AccountQuotasTable {
  account_id: string;
  region: string;
  max_instances: number | null;
  max_vcpus: number | null;
  max_gpus: number | null;
}

/** Next host number to hand out per region: machine IPs are never reused, so never duplicated. */
export interface IpPoolsTable {
  region: string;
  next_host: number;
}

export interface ClientTokensTable {
  account_id: string;
  token: string;
  action: string;
  fingerprint: string;
  response: string;
  created_at: number;
}

export interface ResourceLogsTable {
  resource_id: string;
  account_id: string;
  project_name: string;
  log_store: string;
  status: string;
  message: string;
  updated_at: number;
}

export interface ResourceDlinksTable {
  resource_id: string;
  account_id: string;
  vpc_id: string;
  vswitch_id: string;
  security_group_id: string;
  /** JSON array of auxiliary vSwitch ids. */
  aux_vswitch_list: string;
  destination_cidrs: string;
  status: string;
  updated_at: number;
}

/** Stock overrides per region/zone/type (default: WithStock, unlimited). */
export interface StockTable {
  region: string;
  zone: string;
  instance_type: string;
  status: string;
  /** Machines still available; null = unlimited. */
  available: number | null;
}

/** Injected faults (admin API). */
export interface FaultsTable {
  id: string;
  kind: string;
  /** JSON: scope and parameters (Region, Zone, InstanceType, Action, Count, Fraction, LatencyMs…). */
  spec: string;
  /** Remaining uses for counted faults; null = until cleared. */
  remaining: number | null;
  created_at: number;
}

/** Money and settlement state of an account (billing/accounts.ts). Money is integer fen. */
export interface BillingAccountsTable {
  account_id: string;
  balance_fen: number;
  /** Pay-as-you-go usage before this hour boundary is settled. */
  settled_until: number;
  /** When the balance went negative; null when not overdue. */
  overdue_since: number | null;
  created_at: number;
}

/** A running interval of a pay-as-you-go machine (end_at null while it runs). */
export interface MeteredIntervalsTable {
  id: string;
  account_id: string;
  instance_id: string;
  resource_id: string;
  region: string;
  zone: string;
  instance_type: string;
  system_disk_gb: number;
  start_at: number;
  end_at: number | null;
}

/** A paid subscription order (New: one per create call; Renew). */
export interface OrdersTable {
  id: string;
  account_id: string;
  /** New | Renew */
  order_type: string;
  /** Subscription */
  subscription_type: string;
  region: string;
  /** JSON array of machine ids. */
  instance_ids: string;
  quantity: number;
  months: number;
  amount_fen: number;
  /** Paid */
  payment_status: string;
  usage_start: number;
  usage_end: number;
  created_at: number;
}

/** A bill item: a subscription term of a machine, or a settled span of whole hours of one. */
export interface BillItemsTable {
  account_id: string;
  /** Order id (Subscription) or settlement id (PayAsYouGo): QueryBill's RecordID. */
  record_id: string;
  instance_id: string;
  resource_id: string;
  region: string;
  zone: string;
  instance_type: string;
  /** Subscription | PayAsYouGo */
  subscription_type: string;
  /** YYYY-MM in the billing time zone. */
  billing_cycle: string;
  period_start: number;
  period_end: number;
  /** Metered running time inside the period (PayAsYouGo); the term length (Subscription). */
  usage_ms: number;
  /** Hourly (PayAsYouGo) or monthly (Subscription) list price, fen. */
  list_price_fen: number;
  amount_fen: number;
  created_at: number;
}

/**
 * One QueryInstanceBill line per billing cycle, machine and billing method, maintained with its
 * bill items (billing/bill-records.ts): the sums of its items and the fields of its earliest one,
 * so a monthly page and its TotalCount read a range of lines instead of grouping the cycle's items.
 */
export interface BillLinesTable {
  account_id: string;
  billing_cycle: string;
  instance_id: string;
  /** Subscription | PayAsYouGo */
  subscription_type: string;
  /** period_start of its earliest item, whose fields follow. */
  first_period_start: number;
  region: string;
  zone: string;
  resource_id: string;
  instance_type: string;
  list_price_fen: number;
  /** Sum of its items' amounts, fen. */
  amount_fen: number;
  /** Sum of its items' usage_ms. */
  usage_ms: number;
  /** How many items it sums: an upsert that returns the count it added made the line. */
  item_count: number;
}

/**
 * How many lines a billing cycle holds per billing method, and how many of them are not zero:
 * QueryInstanceBill's TotalCount, kept with the lines (billing/bill-records.ts) instead of counted
 * over the cycle's lines on every page.
 */
export interface BillLineCountsTable {
  account_id: string;
  billing_cycle: string;
  subscription_type: string;
  lines: number;
  /** Lines whose amount is not zero (IsHideZeroCharge). */
  charged_lines: number;
}

/**
 * One QueryBill record (an order, or a settlement run) per billing cycle and billing method,
 * maintained with its bill items (billing/bill-records.ts): the aggregates of its items, so a page
 * of records or the cycle's overview never reads the cycle's items.
 */
export interface BillRecordsTable {
  account_id: string;
  billing_cycle: string;
  record_id: string;
  subscription_type: string;
  /** Earliest period_start of its items. */
  period_start: number;
  /** Latest period_end of its items. */
  period_end: number;
  /** Latest created_at of its items: QueryBill's PaymentTime. */
  paid_at: number;
  /** Sum of its items' amounts, fen. */
  amount_fen: number;
}

/** A RAM user. Names are unique per account regardless of case. */
export interface RamUsersTable {
  id: string;
  account_id: string;
  name: string;
  name_lower: string;
  display_name: string;
  comments: string;
  email: string;
  mobile_phone: string;
  created_at: number;
  updated_at: number;
}

export interface RamGroupsTable {
  id: string;
  account_id: string;
  name: string;
  name_lower: string;
  comments: string;
  created_at: number;
  updated_at: number;
}

export interface RamGroupMembersTable {
  account_id: string;
  group_id: string;
  user_id: string;
  joined_at: number;
}

export interface RamRolesTable {
  id: string;
  account_id: string;
  name: string;
  name_lower: string;
  description: string;
  /** AssumeRolePolicyDocument as given. */
  trust_policy: string;
  max_session_duration: number;
  created_at: number;
  updated_at: number;
}

/** A custom policy; system policies are defined in code (ram/system-policies.ts). */
export interface RamPoliciesTable {
  account_id: string;
  name: string;
  name_lower: string;
  description: string;
  default_version: string;
  /** Number of the next version id (v<n>); ids are never reused. */
  next_version: number;
  created_at: number;
  updated_at: number;
}

export interface RamPolicyVersionsTable {
  account_id: string;
  policy_name_lower: string;
  version_id: string;
  document: string;
  created_at: number;
}

export interface RamAttachmentsTable {
  account_id: string;
  /** User | Group | Role */
  principal_type: string;
  principal_id: string;
  /** System | Custom */
  policy_type: string;
  policy_name_lower: string;
  attached_at: number;
}

/** Per account: bumped with every change that can alter an authorization decision. */
export interface RamEpochsTable {
  account_id: string;
  epoch: number;
}

/** An AssumeRole session; its temporary key is in access_keys (owner_type 'sts', owner_id = id). */
export interface StsSessionsTable {
  id: string;
  account_id: string;
  role_id: string;
  role_name: string;
  session_name: string;
  access_key_id: string;
  /** SHA-256 (hex) of the SecurityToken: the token itself is a credential and is not stored. */
  token_hash: string;
  session_policy: string | null;
  /** ARN of the identity that called AssumeRole. */
  source_arn: string;
  /** Business time (services.clock). */
  expires_at: number;
  created_at: number;
}

/** A would-be denial recorded in --ram soft mode. */
export interface RamDenialsTable {
  id: string;
  account_id: string;
  request_id: string;
  principal_arn: string;
  action: string;
  resource: string;
  no_permission_type: string;
  /** JSON: the AccessDeniedDetail and the decoded diagnostic. */
  detail: string;
  created_at: number;
}

/**
 * One ActionTrail management event: an API call (audit/event.ts). `event_id` is a time-ordered
 * UUID of the business time, so ordering by it is ordering by time (ties in creation order).
 */
export interface AuditEventsTable {
  event_id: string;
  account_id: string;
  /** Business time (services.clock). */
  event_time: number;
  event_name: string;
  service_name: string;
  /** Read | Write */
  event_rw: string;
  acs_region: string;
  /** RAM, STS and BSS events are global: shown in every region. */
  is_global: number;
  /** userIdentity.userName: `root`, the RAM user's name, or RoleName:SessionName. */
  user_name: string;
  /** The assumed role's name; null for other callers. */
  role_name: string | null;
  access_key_id: string;
  source_ip: string;
  /** '' when the call succeeded. */
  error_code: string;
  /** The event record as LookupEvents returns it (JSON, bounded). */
  event: string;
}

/** A resource an audit event names (resourceType / resourceName), one row per name. */
export interface AuditEventResourcesTable {
  event_id: string;
  account_id: string;
  resource_type: string;
  resource_name: string;
}

/** A service on a dedicated group (scheduling/). `config` is the service JSON as DescribeService returns it. */
export interface ServicesTable {
  id: string;
  account_id: string;
  region: string;
  name: string;
  resource_id: string;
  status: string;
  reason: string;
  message: string;
  config: string;
  /** Desired instances (metadata.instance); its rows are service_instances. */
  instance_count: number;
  cpu: number;
  memory_mb: number;
  gpu: number;
  /** Instances in Running. */
  running_count: number;
  created_at: number;
  updated_at: number;
  /** The version whose configuration the service runs (UpdateServiceVersion switches it). */
  current_version: number;
  /** The newest version (UpdateService adds one). */
  latest_version: number;
  /** Rollout counter: instances of an older generation are replaced by a rolling update or restart. */
  generation: number;
  /** UpdateServiceSafetyLock: none, dangerous or all. */
  safety_lock: string;
  /** The cron scaler as JSON (scheduling/cron-scaler.ts), null without one. */
  cron_scaler: string | null;
  /** The instance type of a public-pool service ('' on a dedicated group). */
  instance_type: string;
  /** The invocation token (DescribeService AccessToken): the JSON's `token`, or generated at creation. */
  access_token: string;
  /** The service group (`metadata.group`), '' when the JSON names none. */
  service_group: string;
  /** How many events the service has (scheduling/service-events.ts keeps it; trims follow it). */
  event_count: number;
}

/** A service instance (worker). `machine_id` null: Pending, not placed; otherwise placed (Pending while starting, then Running). */
export interface ServiceInstancesTable {
  id: string;
  service_id: string;
  account_id: string;
  resource_id: string;
  machine_id: string | null;
  status: string;
  reason: string;
  ip: string;
  cpu: number;
  memory_mb: number;
  gpu: number;
  created_at: number;
  started_at: number | null;
  updated_at: number;
  /** The service generation it was created for; older ones are replaced by a rollout. */
  generation: number;
  restart_count: number;
  /** Public pool: the instance type and the zone it got capacity in ('' on a dedicated group / not placed). */
  instance_type: string;
  zone: string;
}

export interface ServiceEventsTable {
  id: string;
  service_id: string;
  account_id: string;
  type: string;
  reason: string;
  message: string;
  time: number;
  /** Service, or Pod for an event about one instance (instance_name). */
  resource: string;
  instance_name: string;
  /** The service version current when it happened. */
  version: number;
}

export interface ServiceVersionsTable {
  service_id: string;
  account_id: string;
  version: number;
  config: string;
  created_at: number;
}

export interface ServiceLabelsTable {
  service_id: string;
  account_id: string;
  key: string;
  value: string;
}

/** A console sign-in (src/console/sessions.ts): the browser holds the token, the row its hash. */
export interface ConsoleSessionsTable {
  /** SHA-256 (hex) of the session token in the cookie; the token itself is never stored. */
  id: string;
  account_id: string;
  access_key_id: string;
  /** The AccessKey secret, sealed by ram/secret-box.ts like access_keys.secret_enc. */
  secret_enc: string;
  /** The identity as GetCallerIdentity answered it (JSON). */
  identity: string;
  /** 1 for the one-click local root: usable only from loopback. */
  local_root: number;
  created_at: number;
  /** Wall time (not the business clock: advancing it a month must not sign the browser out). */
  expires_at: number;
}

export interface Schema {
  accounts: AccountsTable;
  access_keys: AccessKeysTable;
  nonces: NoncesTable;
  settings: SettingsTable;
  resources: ResourcesTable;
  instances: InstancesTable;
  instance_labels: InstanceLabelsTable;
  user_data: UserDataTable;
  jobs: JobsTable;
  account_usage: AccountUsageTable;
  account_quotas: AccountQuotasTable;
  ip_pools: IpPoolsTable;
  client_tokens: ClientTokensTable;
  resource_logs: ResourceLogsTable;
  resource_dlinks: ResourceDlinksTable;
  stock: StockTable;
  faults: FaultsTable;
  billing_accounts: BillingAccountsTable;
  metered_intervals: MeteredIntervalsTable;
  orders: OrdersTable;
  bill_items: BillItemsTable;
  bill_records: BillRecordsTable;
  bill_lines: BillLinesTable;
  bill_line_counts: BillLineCountsTable;
  ram_users: RamUsersTable;
  ram_groups: RamGroupsTable;
  ram_group_members: RamGroupMembersTable;
  ram_roles: RamRolesTable;
  ram_policies: RamPoliciesTable;
  ram_policy_versions: RamPolicyVersionsTable;
  ram_attachments: RamAttachmentsTable;
  ram_epochs: RamEpochsTable;
  sts_sessions: StsSessionsTable;
  ram_denials: RamDenialsTable;
  audit_events: AuditEventsTable;
  audit_event_resources: AuditEventResourcesTable;
  services: ServicesTable;
  service_instances: ServiceInstancesTable;
  service_events: ServiceEventsTable;
  service_versions: ServiceVersionsTable;
  service_labels: ServiceLabelsTable;
  console_sessions: ConsoleSessionsTable;
}

export type { Generated };
