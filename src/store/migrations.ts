// The one ordered list of schema migrations, applied at start-up on either engine.
// Migrations use Kysely's schema builder only, so the same list runs on SQLite and PostgreSQL.
import crypto from 'node:crypto';
import { newServiceToken } from '../ids.ts';
import { isPostgres, type Db } from './database.ts';
import {
  Migrator,
  sql,
  type CreateTableBuilder,
  type DatabaseIntrospector,
  type Kysely,
  type Migration,
  type MigrationProvider,
} from 'kysely';

/**
 * Rebuilds `table` as `define` declares it, keeping its rows: the old table is renamed to `old`, its
 * rows are copied column by column (the new table has the same columns), and it is dropped. On
 * SQLite the new table is stored as its primary key (WITHOUT ROWID): these tables are written row
 * by row and read along that key.
 */
async function rebuildKeyedTable(
  db: Kysely<any>,
  table: string,
  old: string,
  define: (b: CreateTableBuilder<string, never>) => CreateTableBuilder<string, string>,
): Promise<void> {
  await db.schema.alterTable(table).renameTo(old).execute();
  const built = define(db.schema.createTable(table));
  await built.$call((b) => (isPostgres(db as Db) ? b : b.modifyEnd(sql`without rowid`))).execute();
  const columns = sql.join(built.toOperationNode().columns.map((c) => sql.ref(c.column.column.name)));
  await sql`insert into ${sql.table(table)} (${columns}) select ${columns} from ${sql.table(old)}`.execute(db);
  await db.schema.dropTable(old).execute();
}

export const migrations: Record<string, Migration> = {
  '0001_foundation': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('access_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('owner_type', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text')
        .addColumn('secret_enc', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .execute();
      await db.schema.createIndex('access_keys_account').on('access_keys').columns(['account_id', 'owner_type', 'owner_id']).execute();
      await db.schema
        .createTable('nonces')
        .addColumn('access_key_id', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('nonces_pk', ['access_key_id', 'nonce'])
        .execute();
      await db.schema.createIndex('nonces_expiry').on('nonces').column('expires_at').execute();
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0002_resource_groups': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('resources')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('resource_type', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('self_managed', 'text')
        .addColumn('labels', 'text', (c) => c.notNull())
        .addColumn('instance_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('prepaid_instance_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('postpaid_instance_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('cpu_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('gpu_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('memory_mb', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('service_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('resources_account_region_created')
        .on('resources')
        .columns(['account_id', 'region', 'created_at'])
        .execute();
      await db.schema.createIndex('resources_account_region_name').on('resources').columns(['account_id', 'region', 'name']).execute();

      await db.schema
        .createTable('instances')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id'))
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('zone', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('instance_type', 'text', (c) => c.notNull())
        .addColumn('cpu', 'integer', (c) => c.notNull())
        .addColumn('memory_mb', 'bigint', (c) => c.notNull())
        .addColumn('gpu', 'integer', (c) => c.notNull())
        .addColumn('gpu_memory_gb', 'integer', (c) => c.notNull())
        .addColumn('arch', 'text', (c) => c.notNull())
        .addColumn('system_disk_gb', 'integer', (c) => c.notNull())
        .addColumn('charge_type', 'text', (c) => c.notNull())
        .addColumn('auto_renewal', 'integer', (c) => c.notNull())
        .addColumn('health', 'text', (c) => c.notNull())
        .addColumn('cordoned', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('failure_reason', 'text')
        .addColumn('user_data', 'text')
        .addColumn('labels', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('expired_at', 'bigint')
        .execute();
      // One index per list filter, each ending in (created_at, id) so the default sort needs no sort step.
      await db.schema.createIndex('instances_group_created').on('instances').columns(['resource_id', 'created_at', 'id']).execute();
      await db.schema
        .createIndex('instances_group_status')
        .on('instances')
        .columns(['resource_id', 'status', 'created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('instances_group_charge')
        .on('instances')
        .columns(['resource_id', 'charge_type', 'created_at', 'id'])
        .execute();
      await db.schema.createIndex('instances_group_expiry').on('instances').columns(['resource_id', 'expired_at']).execute();
      await db.schema.createIndex('instances_group_name').on('instances').columns(['resource_id', 'name']).execute();
      await db.schema.createIndex('instances_region_ip').on('instances').columns(['region', 'ip']).unique().execute();
      await db.schema.createIndex('instances_account_region').on('instances').columns(['account_id', 'region']).execute();

      await db.schema
        .createTable('instance_labels')
        .addColumn('instance_id', 'text', (c) => c.notNull().references('instances.id').onDelete('cascade'))
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('instance_labels_pk', ['instance_id', 'key'])
        .execute();
      await db.schema.createIndex('instance_labels_group_kv').on('instance_labels').columns(['resource_id', 'key', 'value']).execute();

      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('due_at', 'bigint')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jobs_due').on('jobs').columns(['due_at']).execute();
      await db.schema.createIndex('jobs_subject').on('jobs').columns(['subject_id', 'kind']).execute();

      await db.schema
        .createTable('account_usage')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('instances', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('vcpus', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('gpus', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('account_usage_pk', ['account_id', 'region'])
        .execute();
      await db.schema
        .createTable('account_quotas')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('max_instances', 'integer')
        .addColumn('max_vcpus', 'integer')
        .addColumn('max_gpus', 'integer')
        .addPrimaryKeyConstraint('account_quotas_pk', ['account_id', 'region'])
        .execute();
      await db.schema
        .createTable('ip_pools')
        .addColumn('region', 'text', (c) => c.primaryKey())
        .addColumn('next_host', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('client_tokens')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('token', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('client_tokens_pk', ['account_id', 'token'])
        .execute();
      await db.schema
        .createTable('resource_logs')
        .addColumn('resource_id', 'text', (c) => c.primaryKey().references('resources.id').onDelete('cascade'))
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('project_name', 'text', (c) => c.notNull())
        .addColumn('log_store', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('resource_dlinks')
        .addColumn('resource_id', 'text', (c) => c.primaryKey().references('resources.id').onDelete('cascade'))
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('vpc_id', 'text', (c) => c.notNull())
        .addColumn('vswitch_id', 'text', (c) => c.notNull())
        .addColumn('security_group_id', 'text', (c) => c.notNull())
        .addColumn('aux_vswitch_list', 'text', (c) => c.notNull())
        .addColumn('destination_cidrs', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('stock')
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('zone', 'text', (c) => c.notNull())
        .addColumn('instance_type', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('available', 'integer')
        .addPrimaryKeyConstraint('stock_pk', ['region', 'zone', 'instance_type'])
        .execute();
      await db.schema
        .createTable('faults')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('remaining', 'integer')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0003_billing': {
    async up(db: Kysely<any>) {
      // One row per account that has touched billing: the balance (integer fen), how far
      // pay-as-you-go usage has been settled (an hour boundary) and since when it is overdue.
      await db.schema
        .createTable('billing_accounts')
        .addColumn('account_id', 'text', (c) => c.primaryKey())
        .addColumn('balance_fen', 'bigint', (c) => c.notNull())
        .addColumn('settled_until', 'bigint', (c) => c.notNull())
        .addColumn('overdue_since', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // Running intervals of pay-as-you-go machines, written by engine/instance-lifecycle.ts on
      // every entry into / exit from a running state; settlement prices and then deletes them.
      await db.schema
        .createTable('metered_intervals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('instance_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('zone', 'text', (c) => c.notNull())
        .addColumn('instance_type', 'text', (c) => c.notNull())
        .addColumn('system_disk_gb', 'integer', (c) => c.notNull())
        .addColumn('start_at', 'bigint', (c) => c.notNull())
        .addColumn('end_at', 'bigint')
        .execute();
      await db.schema.createIndex('metered_intervals_account').on('metered_intervals').columns(['account_id', 'start_at']).execute();
      await db.schema.createIndex('metered_intervals_instance').on('metered_intervals').columns(['instance_id', 'end_at']).execute();
      await db.schema
        .createTable('orders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('order_type', 'text', (c) => c.notNull())
        .addColumn('subscription_type', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('instance_ids', 'text', (c) => c.notNull())
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('months', 'integer', (c) => c.notNull())
        .addColumn('amount_fen', 'bigint', (c) => c.notNull())
        .addColumn('payment_status', 'text', (c) => c.notNull())
        .addColumn('usage_start', 'bigint', (c) => c.notNull())
        .addColumn('usage_end', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('orders_account_created').on('orders').columns(['account_id', 'created_at']).execute();
      // Bill items: one per machine and subscription term, or per machine and settled span of
      // whole hours. The primary key makes settlement idempotent per (machine, hour).
      await db.schema
        .createTable('bill_items')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('instance_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('zone', 'text', (c) => c.notNull())
        .addColumn('instance_type', 'text', (c) => c.notNull())
        .addColumn('subscription_type', 'text', (c) => c.notNull())
        .addColumn('billing_cycle', 'text', (c) => c.notNull())
        .addColumn('period_start', 'bigint', (c) => c.notNull())
        .addColumn('period_end', 'bigint', (c) => c.notNull())
        .addColumn('usage_ms', 'bigint', (c) => c.notNull())
        .addColumn('list_price_fen', 'bigint', (c) => c.notNull())
        .addColumn('amount_fen', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        // (instance, kind, first hour) is unique; leading with the account serves the BSS queries
        // without a second index (an index less to write on every settlement).
        .addPrimaryKeyConstraint('bill_items_pk', ['account_id', 'instance_id', 'subscription_type', 'period_start'])
        .execute();
      // Settlement asks for an account's next due event.
      await db.schema.createIndex('jobs_account_due').on('jobs').columns(['account_id', 'due_at']).execute();
    },
  },
  '0004_ram': {
    async up(db: Kysely<any>) {
      // RAM identities and policies (docs/ram.md). Names are unique per account regardless of
      // case (name_lower); system policies live in code, so attachments name policies by type + name.
      await db.schema
        .createTable('ram_users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_lower', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('comments', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('mobile_phone', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('ram_users_name', ['account_id', 'name_lower'])
        .execute();
      await db.schema
        .createTable('ram_groups')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_lower', 'text', (c) => c.notNull())
        .addColumn('comments', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('ram_groups_name', ['account_id', 'name_lower'])
        .execute();
      await db.schema
        .createTable('ram_group_members')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('joined_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('ram_group_members_pk', ['group_id', 'user_id'])
        .execute();
      await db.schema.createIndex('ram_group_members_user').on('ram_group_members').columns(['user_id', 'group_id']).execute();
      await db.schema
        .createTable('ram_roles')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_lower', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('trust_policy', 'text', (c) => c.notNull())
        .addColumn('max_session_duration', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('ram_roles_name', ['account_id', 'name_lower'])
        .execute();
      await db.schema
        .createTable('ram_policies')
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_lower', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('default_version', 'text', (c) => c.notNull())
        .addColumn('next_version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('ram_policies_pk', ['account_id', 'name_lower'])
        .execute();
      await db.schema
        .createTable('ram_policy_versions')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('policy_name_lower', 'text', (c) => c.notNull())
        .addColumn('version_id', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('ram_policy_versions_pk', ['account_id', 'policy_name_lower', 'version_id'])
        .execute();
      await db.schema
        .createTable('ram_attachments')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('principal_type', 'text', (c) => c.notNull()) // User | Group | Role
        .addColumn('principal_id', 'text', (c) => c.notNull())
        .addColumn('policy_type', 'text', (c) => c.notNull()) // System | Custom
        .addColumn('policy_name_lower', 'text', (c) => c.notNull())
        .addColumn('attached_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('ram_attachments_pk', ['account_id', 'principal_type', 'principal_id', 'policy_type', 'policy_name_lower'])
        .execute();
      await db.schema
        .createIndex('ram_attachments_policy')
        .on('ram_attachments')
        .columns(['account_id', 'policy_type', 'policy_name_lower'])
        .execute();
      // Bumped in the same transaction as every change that can alter a decision, so every
      // process's compiled-policy cache notices the change on its next request.
      await db.schema
        .createTable('ram_epochs')
        .addColumn('account_id', 'text', (c) => c.primaryKey())
        .addColumn('epoch', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sts_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('role_id', 'text', (c) => c.notNull())
        .addColumn('role_name', 'text', (c) => c.notNull())
        .addColumn('session_name', 'text', (c) => c.notNull())
        .addColumn('access_key_id', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull())
        .addColumn('session_policy', 'text')
        .addColumn('source_arn', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sts_sessions_expiry').on('sts_sessions').columns(['account_id', 'expires_at']).execute();
      // Would-be denials recorded in --ram soft mode.
      await db.schema
        .createTable('ram_denials')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('principal_arn', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('no_permission_type', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ram_denials_account').on('ram_denials').columns(['account_id', 'created_at']).execute();
    },
  },
  '0005_instance_versions': {
    async up(db: Kysely<any>) {
      // Bumped by every change of a machine row (store/instances.ts): a rendered API view of a
      // machine stays valid exactly as long as its (id, version) does.
      await db.schema
        .alterTable('instances')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
  '0006_job_failures': {
    async up(db: Kysely<any>) {
      // A failing job is retried with backoff and parked after too many attempts (engine/jobs.ts);
      // a job key names the one pending job of a purpose, so it can be replaced or cancelled.
      await db.schema
        .alterTable('jobs')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('jobs').addColumn('last_error', 'text').execute();
      await db.schema.alterTable('jobs').addColumn('failed_at', 'bigint').execute();
      await db.schema.alterTable('jobs').addColumn('job_key', 'text').execute();
      // Pending jobs that earlier versions replaced by (kind, subject) get that key (one per pair).
      await sql`update jobs set job_key = kind || ':' || subject_id
        where kind in ('billing.term', 'billing.overdue', 'billing.release', 'resource.log', 'resource.dlink')
          and id = (select min(j.id) from jobs j where j.kind = jobs.kind and j.subject_id = jobs.subject_id)`.execute(db);
      await db.schema.createIndex('jobs_key').on('jobs').column('job_key').unique().execute();
      // Claiming walks runnable jobs in due order (kinds this server knows are a filter on the way);
      // parked jobs leave the index, so however many pile up, claiming never walks past them.
      await db.schema.dropIndex('jobs_due').execute();
      await db.schema.createIndex('jobs_claim').on('jobs').column('due_at').where(sql.ref('failed_at'), 'is', null).execute();
    },
  },
  '0007_user_data': {
    async up(db: Kysely<any>) {
      // Imported here, not at the top: instances.ts prepares statements when it loads, through
      // prepared.ts → database.ts → this module, and a static import would close that cycle.
      const { updateInstances } = await import('./instances.ts');
      // UserData once per account and distinct content (store/user-data.ts), not copied onto every
      // machine: 1,000,000 characters x 100 machines grew the database by 202 MB in one request.
      await db.schema
        .createTable('user_data')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('refs', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_data_pk', ['account_id', 'hash'])
        .execute();
      await db.schema.alterTable('instances').addColumn('user_data_hash', 'text').execute();
      // Existing copies move over in batches (hashed here: the engines share no SHA-256 function).
      for (let after = ''; ; ) {
        const rows: Array<{ id: string; account_id: string; user_data: string; created_at: number }> = await db
          .selectFrom('instances')
          .select(['id', 'account_id', 'user_data', 'created_at'])
          .where('user_data', 'is not', null)
          .where('id', '>', after)
          .orderBy('id')
          .limit(100)
          .execute();
        if (rows.length === 0) break;
        for (const r of rows) {
          const hash = crypto.createHash('sha256').update(r.user_data, 'utf8').digest('hex');
          await db
            .insertInto('user_data')
            .values({ account_id: r.account_id, hash, content: r.user_data, refs: 1, created_at: Number(r.created_at) })
            .onConflict((oc) => oc.columns(['account_id', 'hash']).doUpdateSet({ refs: sql`user_data.refs + 1` }))
            .execute();
          await updateInstances(db as Db, { user_data_hash: hash })
            .where('id', '=', r.id)
            .execute();
        }
        after = rows[rows.length - 1]!.id;
      }
      await db.schema.alterTable('instances').dropColumn('user_data').execute();
    },
  },
  '0008_audit_events': {
    async up(db: Kysely<any>) {
      // The audit trail (audit/, docs/audit-trail.md). event_id is a time-ordered UUID, so every
      // lookup index ends in it: a filter plus a time window is one index range, newest or oldest first.
      await db.schema
        .createTable('audit_events')
        .addColumn('event_id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('event_time', 'bigint', (c) => c.notNull())
        .addColumn('event_name', 'text', (c) => c.notNull())
        .addColumn('service_name', 'text', (c) => c.notNull())
        .addColumn('event_rw', 'text', (c) => c.notNull())
        .addColumn('acs_region', 'text', (c) => c.notNull())
        .addColumn('is_global', 'integer', (c) => c.notNull())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('role_name', 'text')
        .addColumn('access_key_id', 'text', (c) => c.notNull())
        .addColumn('source_ip', 'text', (c) => c.notNull())
        .addColumn('error_code', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .execute();
      // Every index costs each write (recording may cost at most a tenth of a create), so two keys
      // walk audit_events_account instead: EventRW (about half of all events match either value) and
      // SourceIpAddress (an account's calls come from few addresses).
      await db.schema.createIndex('audit_events_account').on('audit_events').columns(['account_id', 'event_id']).execute();
      for (const column of ['event_name', 'service_name', 'user_name', 'access_key_id']) {
        await db.schema.createIndex(`audit_events_${column}`).on('audit_events').columns(['account_id', column, 'event_id']).execute();
      }
      await db.schema
        .createIndex('audit_events_role_name')
        .on('audit_events')
        .columns(['account_id', 'role_name', 'event_id'])
        .where(sql.ref('role_name'), 'is not', null)
        .execute();
      await db.schema
        .createTable('audit_event_resources')
        .addColumn('event_id', 'text', (c) => c.notNull().references('audit_events.event_id').onDelete('cascade'))
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('resource_type', 'text', (c) => c.notNull())
        .addColumn('resource_name', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_event_resources_pk', ['event_id', 'resource_type', 'resource_name'])
        .execute();
      await db.schema
        .createIndex('audit_event_resources_name')
        .on('audit_event_resources')
        .columns(['account_id', 'resource_name', 'event_id'])
        .execute();
      await db.schema
        .createIndex('audit_event_resources_type')
        .on('audit_event_resources')
        .columns(['account_id', 'resource_type', 'event_id'])
        .execute();
    },
  },
  '0009_fidelity': {
    async up(db: Kysely<any>) {
      // Fields of the EAS SDK 7.9 models (docs/sdk-models.md): the last cordon's reason and operator
      // on machines, the usage mode of a group, and an index for ListResourceInstances' Zone filter.
      await db.schema
        .alterTable('instances')
        .addColumn('last_cordon_reason', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema
        .alterTable('instances')
        .addColumn('last_cordon_operator', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema
        .alterTable('resources')
        .addColumn('usage_mode', 'text', (c) => c.notNull().defaultTo('inference'))
        .execute();
      await db.schema.createIndex('instances_group_zone').on('instances').columns(['resource_id', 'zone', 'created_at', 'id']).execute();
    },
  },
  '0010_services': {
    async up(db: Kysely<any>) {
      // Services on dedicated groups and their instances (workers); usage counters on groups and
      // machines kept by scheduling/placement.ts in the same transaction as every placement.
      await db.schema
        .createTable('services')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('instance_count', 'integer', (c) => c.notNull())
        .addColumn('cpu', 'integer', (c) => c.notNull())
        .addColumn('memory_mb', 'integer', (c) => c.notNull())
        .addColumn('gpu', 'integer', (c) => c.notNull())
        .addColumn('running_count', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('services_name').unique().on('services').columns(['account_id', 'region', 'name']).execute();
      await db.schema.createIndex('services_list').on('services').columns(['account_id', 'region', 'created_at', 'id']).execute();
      await db.schema.createIndex('services_group').on('services').columns(['resource_id', 'created_at', 'id']).execute();
      await db.schema
        .createTable('service_instances')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('machine_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('cpu', 'integer', (c) => c.notNull())
        .addColumn('memory_mb', 'integer', (c) => c.notNull())
        .addColumn('gpu', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('started_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('service_instances_service')
        .on('service_instances')
        .columns(['service_id', 'created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('service_instances_machine')
        .on('service_instances')
        .columns(['machine_id', 'created_at', 'id'])
        .execute();
      // Pending instances of a group (machine_id null), oldest first: what placement reads.
      await db.schema
        .createIndex('service_instances_pending')
        .on('service_instances')
        .columns(['resource_id', 'machine_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('service_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('time', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('service_events_service').on('service_events').columns(['service_id', 'time']).execute();
      for (const table of ['resources', 'instances']) {
        for (const column of ['cpu_used', 'gpu_used', 'memory_used_mb']) {
          await db.schema
            .alterTable(table)
            .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
            .execute();
        }
      }
      await db.schema
        .alterTable('instances')
        .addColumn('worker_count', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
  '0011_service_operations': {
    async up(db: Kysely<any>) {
      // Versions, rolling updates and restarts (a generation per rollout), labels, the safety lock,
      // the cron scaler, restart counts, and events about single instances (docs/services.md).
      for (const [column, fallback] of [
        ['current_version', 1],
        ['latest_version', 1],
        ['generation', 1],
      ] as const) {
        await db.schema
          .alterTable('services')
          .addColumn(column, 'integer', (c) => c.notNull().defaultTo(fallback))
          .execute();
      }
      await db.schema
        .alterTable('services')
        .addColumn('safety_lock', 'text', (c) => c.notNull().defaultTo('none'))
        .execute();
      await db.schema.alterTable('services').addColumn('cron_scaler', 'text').execute();
      await db.schema
        .alterTable('service_instances')
        .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .alterTable('service_instances')
        .addColumn('restart_count', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('service_events')
        .addColumn('resource', 'text', (c) => c.notNull().defaultTo('Service'))
        .execute();
      await db.schema
        .alterTable('service_events')
        .addColumn('instance_name', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema
        .alterTable('service_events')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createTable('service_versions')
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('service_versions_pk', ['service_id', 'version'])
        .execute();
      // Existing services get their configuration as version 1.
      await sql`insert into service_versions (service_id, account_id, version, config, created_at)
        select id, account_id, 1, config, created_at from services`.execute(db);
      await db.schema
        .createTable('service_labels')
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('service_labels_pk', ['service_id', 'key'])
        .execute();
      await db.schema.createIndex('service_labels_kv').on('service_labels').columns(['account_id', 'key', 'value']).execute();
    },
  },
  '0012_bss_paging': {
    async up(db: Kysely<any>) {
      // BSS pages at a year's scale (docs/billing.md, "Paging"). QueryInstanceBill groups a cycle's
      // items by (machine, billing method) in this index's order, and its pages, counts and
      // zero-charge filter read the index alone (amount_fen is its last column).
      await db.schema
        .createIndex('bill_items_cycle')
        .on('bill_items')
        .columns(['account_id', 'billing_cycle', 'instance_id', 'subscription_type', 'period_start', 'amount_fen'])
        .execute();
      // QueryBill and QueryBillOverview read records: one row per order or settlement run, written
      // with its items; filled here from the items billed so far.
      await db.schema
        .createTable('bill_records')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('billing_cycle', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('subscription_type', 'text', (c) => c.notNull())
        .addColumn('period_start', 'bigint', (c) => c.notNull())
        .addColumn('period_end', 'bigint', (c) => c.notNull())
        .addColumn('paid_at', 'bigint', (c) => c.notNull())
        .addColumn('amount_fen', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('bill_records_pk', ['account_id', 'billing_cycle', 'record_id', 'subscription_type'])
        .execute();
      await db.schema
        .createIndex('bill_records_paid')
        .on('bill_records')
        .columns(['account_id', 'billing_cycle', 'paid_at', 'record_id'])
        .execute();
      await db
        .insertInto('bill_records')
        .columns(['account_id', 'billing_cycle', 'record_id', 'subscription_type', 'period_start', 'period_end', 'paid_at', 'amount_fen'])
        .expression(
          db
            .selectFrom('bill_items')
            .select((eb) => [
              'account_id',
              'billing_cycle',
              'record_id',
              'subscription_type',
              eb.fn.min('period_start').as('period_start'),
              eb.fn.max('period_end').as('period_end'),
              eb.fn.max('created_at').as('paid_at'),
              eb.fn.sum('amount_fen').as('amount_fen'),
            ])
            .groupBy(['account_id', 'billing_cycle', 'record_id', 'subscription_type']),
        )
        .execute();
    },
  },
  '0013_console_sessions': {
    async up(db: Kysely<any>) {
      // Console sign-ins (src/console/sessions.ts), shared by every server process on the database.
      await db.schema
        .createTable('console_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('access_key_id', 'text', (c) => c.notNull())
        .addColumn('secret_enc', 'text', (c) => c.notNull())
        .addColumn('identity', 'text', (c) => c.notNull())
        .addColumn('local_root', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('console_sessions_expiry').on('console_sessions').column('expires_at').execute();
    },
  },
  '0014_public_pool': {
    async up(db: Kysely<any>) {
      // Services on the public pool (scheduling/public-pool.ts): the instance type a service's
      // instances run as ('' on a dedicated group), and per instance its type and zone.
      await db.schema
        .alterTable('services')
        .addColumn('instance_type', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      for (const column of ['instance_type', 'zone']) {
        await db.schema
          .alterTable('service_instances')
          .addColumn(column, 'text', (c) => c.notNull().defaultTo(''))
          .execute();
      }
    },
  },
  '0015_placement_indexes': {
    async up(db: Kysely<any>) {
      // Placement (scheduling/placement.ts) reads a group's schedulable machines (Ready,
      // uncordoned) most free first — free CPU, then free memory, then the oldest — and only as
      // many as it needs: the first rows of this index, which also holds every column it reads.
      await sql`create index instances_group_free on instances (resource_id, health, cordoned,
        (cpu - cpu_used) desc, (memory_mb - memory_used_mb) desc, created_at, id, name, cpu, memory_mb, gpu, cpu_used, memory_used_mb, gpu_used)`.execute(
        db,
      );
    },
  },
  '0016_service_access_token': {
    async up(db: Kysely<any>) {
      // Every service's invocation token (DescribeService AccessToken: the service JSON's `token`,
      // or one openeas generates) and the service group it belongs to (`metadata.group`, '' for
      // none). Services created before get a generated token and the group their JSON names.
      for (const column of ['access_token', 'service_group']) {
        await db.schema
          .alterTable('services')
          .addColumn(column, 'text', (c) => c.notNull().defaultTo(''))
          .execute();
      }
      const rows = await db.selectFrom('services').select(['id', 'config']).execute();
      for (const row of rows as Array<{ id: string; config: string }>) {
        const doc = JSON.parse(row.config) as { token?: unknown; metadata?: { group?: unknown } };
        await db
          .updateTable('services')
          .set({
            access_token: typeof doc.token === 'string' && doc.token !== '' ? doc.token : newServiceToken(),
            service_group: typeof doc.metadata?.group === 'string' ? doc.metadata.group : '',
          })
          .where('id', '=', row.id)
          .execute();
      }
      await db.schema.createIndex('services_service_group').on('services').columns(['account_id', 'region', 'service_group']).execute();
    },
  },
  '0017_audit_storage': {
    async up(db: Kysely<any>) {
      // audit_event_resources in fewer b-trees (each one written by every create's event, issue 10):
      // the primary key is ResourceName's lookup path, and on SQLite the table is that key alone
      // (WITHOUT ROWID), so a row is written to 2 b-trees instead of 4 (table, key on event_id, two
      // indexes). Without a key on event_id, rows no longer cascade from audit_events: the
      // recorder's retention sweep deletes them by (account, type, event id) range (audit/recorder.ts).
      await rebuildKeyedTable(db, 'audit_event_resources', 'audit_event_resources_0008', (b) =>
        b
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('resource_name', 'text', (c) => c.notNull())
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('resource_type', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('audit_event_resources_key', ['account_id', 'resource_name', 'event_id', 'resource_type']),
      );
      await db.schema
        .createIndex('audit_event_resources_type')
        .on('audit_event_resources')
        .columns(['account_id', 'resource_type', 'event_id'])
        .execute();
    },
  },
  '0018_service_event_retention': {
    async up(db: Kysely<any>) {
      // Each service counts its events, so that writing them tells when the oldest are due to be
      // trimmed (scheduling/service-events.ts) without counting rows.
      await db.schema
        .alterTable('services')
        .addColumn('event_count', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`update services set event_count = (select count(*) from service_events e where e.service_id = services.id)`.execute(db);
    },
  },
  '0019_pending_instances_index': {
    async up(db: Kysely<any>) {
      // Placement reads a group's instances waiting for a machine (machine_id null), oldest first;
      // placed instances need no entry (every CreateService placed 100 instances into 100 scattered
      // pages of the old index, keyed by their machine): the index holds the waiting ones alone.
      await db.schema.dropIndex('service_instances_pending').execute();
      await db.schema
        .createIndex('service_instances_pending')
        .on('service_instances')
        .columns(['resource_id', 'created_at', 'id'])
        .where(sql.ref('machine_id'), 'is', null)
        .execute();
    },
  },
  '0020_audit_lookup_walks': {
    async up(db: Kysely<any>) {
      // Every audit event wrote these two (ServiceName: one entry; ResourceType: one per resource
      // row, two for a create) for lookups whose values are few: an account's events are nearly all
      // of one service, and of a handful of resource types. LookupEvents now walks the account's
      // events for them, bounded per page like EventRW; the retention sweep deletes resource rows
      // by name (audit/recorder.ts). WAL pages per event 0.884 → 0.690 (bench/audit-write-cost.ts).
      await db.schema.dropIndex('audit_events_service_name').execute();
      await db.schema.dropIndex('audit_event_resources_type').execute();
    },
  },
  '0021_bill_lines': {
    async up(db: Kysely<any>) {
      // QueryInstanceBill's lines (docs/billing.md, "Paging"): one row per cycle, machine and billing
      // method, kept with the items (billing/bill-records.ts). Its monthly pages and TotalCount read
      // a range of these instead of grouping the cycle's items (10,000 lines: 3.3 ms on PostgreSQL
      // for the count alone). Filled here from the items billed so far.
      await db.schema
        .createTable('bill_lines')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('billing_cycle', 'text', (c) => c.notNull())
        .addColumn('instance_id', 'text', (c) => c.notNull())
        .addColumn('subscription_type', 'text', (c) => c.notNull())
        .addColumn('first_period_start', 'bigint', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('zone', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('instance_type', 'text', (c) => c.notNull())
        .addColumn('list_price_fen', 'bigint', (c) => c.notNull())
        .addColumn('amount_fen', 'bigint', (c) => c.notNull())
        .addColumn('usage_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('bill_lines_pk', ['account_id', 'billing_cycle', 'instance_id', 'subscription_type'])
        .execute();
      await sql`insert into bill_lines (account_id, billing_cycle, instance_id, subscription_type, first_period_start,
          region, zone, resource_id, instance_type, list_price_fen, amount_fen, usage_ms)
        select i.account_id, i.billing_cycle, i.instance_id, i.subscription_type, i.period_start,
          i.region, i.zone, i.resource_id, i.instance_type, i.list_price_fen, t.amount_fen, t.usage_ms
        from (select account_id, billing_cycle, instance_id, subscription_type, min(period_start) as first_start,
            sum(amount_fen) as amount_fen, sum(usage_ms) as usage_ms
          from bill_items group by account_id, billing_cycle, instance_id, subscription_type) t
        join bill_items i on i.account_id = t.account_id and i.instance_id = t.instance_id
          and i.subscription_type = t.subscription_type and i.period_start = t.first_start`.execute(db);
      // Only a daily QueryInstanceBill still reads items by cycle: it wants one day's, which this
      // narrower index finds directly (an entry less wide to write for every item).
      await db.schema.dropIndex('bill_items_cycle').execute();
      await db.schema.createIndex('bill_items_day').on('bill_items').columns(['account_id', 'period_start']).execute();
    },
  },
  '0022_bill_line_counts': {
    async up(db: Kysely<any>) {
      // QueryInstanceBill's TotalCount, kept per cycle and billing method with the lines
      // (billing/bill-records.ts): counting a cycle's 10,000 lines took 2–3 ms of PostgreSQL's time
      // on every page. A line's item_count tells the upsert that writes it whether it made the line.
      await db.schema
        .alterTable('bill_lines')
        .addColumn('item_count', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`update bill_lines set item_count = (select count(*) from bill_items i
          where i.account_id = bill_lines.account_id and i.instance_id = bill_lines.instance_id
            and i.subscription_type = bill_lines.subscription_type and i.billing_cycle = bill_lines.billing_cycle)`.execute(db);
      await db.schema
        .createTable('bill_line_counts')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('billing_cycle', 'text', (c) => c.notNull())
        .addColumn('subscription_type', 'text', (c) => c.notNull())
        .addColumn('lines', 'bigint', (c) => c.notNull())
        .addColumn('charged_lines', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('bill_line_counts_pk', ['account_id', 'billing_cycle', 'subscription_type'])
        .execute();
      await sql`insert into bill_line_counts (account_id, billing_cycle, subscription_type, lines, charged_lines)
        select account_id, billing_cycle, subscription_type, count(*), sum(case when amount_fen <> 0 then 1 else 0 end)
        from bill_lines group by account_id, billing_cycle, subscription_type`.execute(db);
    },
  },
  '0023_machine_pages_cover': {
    async up(db: Kysely<any>) {
      // ListResourceInstances' page reads (id, version) of its machines in creation order
      // (eas/handlers/instances.ts pageQuery). With version in the index the page never visits the
      // machines' rows: 30 against 47 µs for a page of 100 on SQLite. Every change of a machine
      // bumps its version, so it also rewrites this index entry (a few µs per machine changed).
      // SQLite only: PostgreSQL's page reads its sort columns from the rows anyway (its aggregate
      // orders by them), and there every renewal already writes each of the table's index entries
      // (docs/billing.md, "Speed"); one more would only slow the year's renewals.
      if (isPostgres(db as Db)) return;
      await db.schema.dropIndex('instances_group_created').execute();
      await db.schema
        .createIndex('instances_group_created')
        .on('instances')
        .columns(['resource_id', 'created_at', 'id', 'version'])
        .execute();
    },
  },
  '0024_service_events_by_service': {
    async up(db: Kysely<any>) {
      // A service's events are written and read by service in time order (DescribeServiceEvent, the
      // trim, DeleteService); nothing finds one by its id alone. Keyed by (service_id, time, id), and
      // on SQLite stored as that key (WITHOUT ROWID), an event goes into one b-tree instead of three
      // (the table, the key on id, the service index); a CreateService writes three events.
      await rebuildKeyedTable(db, 'service_events', 'service_events_0023', (b) =>
        b
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('service_id', 'text', (c) => c.notNull())
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('time', 'bigint', (c) => c.notNull())
          .addColumn('resource', 'text', (c) => c.notNull().defaultTo('Service'))
          .addColumn('instance_name', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addPrimaryKeyConstraint('service_events_key', ['service_id', 'time', 'id']),
      );
    },
  },
};

/** Names of all migrations this binary knows, in order. */
export const MIGRATION_NAMES = Object.keys(migrations).sort();

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies the migrations up to and including `last` only: for tests of a migration (data written by the schema before it). */
export async function migrateTo(db: Kysely<any>, dialect: 'sqlite' | 'postgres', last: string): Promise<void> {
  const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name <= last));
  const { error } = await (await migratorFor(db, dialect, { getMigrations: async () => before })).migrateToLatest();
  if (error) throw error;
}

/**
 * Applies pending migrations. A database migrated by a newer openeas (a migration this binary
 * does not know) is refused with a clear message instead of being half-understood.
 */
export async function migrateToLatest(db: Kysely<any>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const known = new Set(MIGRATION_NAMES);
  const applied = await appliedMigrations(db);
  const unknown = applied.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(
      `the database schema is newer than this openeas (unknown migrations: ${unknown.join(', ')}); ` +
        'upgrade openeas or use another data directory / database',
    );
  }
  const { error, results } = await (await migratorFor(db, dialect, provider)).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  }
}

async function migratorFor(db: Kysely<any>, dialect: 'sqlite' | 'postgres', source: MigrationProvider): Promise<Migrator> {
  if (dialect === 'sqlite') return new Migrator({ db, provider: source });
  // On PostgreSQL, Kysely looks for its bookkeeping tables in every schema unless told which one;
  // pin it to the connection's current schema so databases in other schemas never confuse it.
  const schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]!.schema;
  return new Migrator({ db: withSchemaIntrospection(db, schema), provider: source, migrationTableSchema: schema });
}

/**
 * The database as the Migrator sees it on PostgreSQL: Kysely's own introspection, which the Migrator
 * uses only to ask whether its two bookkeeping tables exist, reads the columns of every table of every
 * schema (and calls pg_get_serial_sequence on each). On a database shared by many schemas that is slow,
 * and it fails outright when another schema is dropped while it runs. This one lists the tables of
 * `schema` alone.
 */
function withSchemaIntrospection(db: Kysely<any>, schema: string): Kysely<any> {
  const introspection: DatabaseIntrospector = {
    getSchemas: async () => [{ name: schema }],
    getMetadata: async () => ({ tables: await introspection.getTables() }),
    getTables: async () => {
      const rows = await sql<{ name: string; kind: string }>`
        select table_name as name, table_type as kind from information_schema.tables where table_schema = ${schema}`.execute(db);
      return rows.rows.map((r) => ({ name: r.name, schema, isView: r.kind === 'VIEW', columns: [] }));
    },
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspection;
      const value = Reflect.get(target, property, target);
      // Kysely keeps its state in private fields: its methods must run on the real instance.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  try {
    const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    return rows.rows.map((r) => r.name);
  } catch {
    return []; // fresh database: the table does not exist yet
  }
}
