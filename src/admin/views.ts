// Read-only admin views of the state, to see it without SDK code: accounts, groups and machines
// (with why a machine failed), across accounts, paged and filterable. Keys and times as in the
// API: PascalCase, ISO-8601 UTC.
import { sql } from 'kysely';
import type { AdminRoute } from './routes.ts';
import { pageAnswer, pageOf, queryOf, queryText } from './paging.ts';
import { formatTime } from '../eas/presenters.ts';
import { formatCny } from '../billing/money.ts';
import type { InstancesTable, ResourcesTable } from '../store/schema.ts';

const count = sql<number>`count(*)`.as('n');
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : formatTime(ms));

function groupView(r: ResourcesTable): Record<string, unknown> {
  return {
    ResourceId: r.id,
    ResourceName: r.name,
    AccountId: r.account_id,
    Region: r.region,
    ResourceType: r.resource_type,
    Status: r.status,
    InstanceCount: r.instance_count,
    PrePaidInstanceCount: r.prepaid_instance_count,
    PostPaidInstanceCount: r.postpaid_instance_count,
    CpuCount: r.cpu_count,
    GpuCount: r.gpu_count,
    Memory: r.memory_mb,
    CreateTime: formatTime(r.created_at),
    UpdateTime: formatTime(r.updated_at),
  };
}

/** A machine as operators see it: the API's names, plus the account and why creation failed. */
export function machineView(m: InstancesTable): Record<string, unknown> {
  return {
    InstanceId: m.id,
    InstanceName: m.name,
    AccountId: m.account_id,
    ResourceId: m.resource_id,
    Region: m.region,
    Zone: m.zone,
    InstanceType: m.instance_type,
    ChargeType: m.charge_type,
    InstanceStatus: m.status,
    FailureReason: m.failure_reason,
    InstanceIp: m.ip,
    CreateTime: formatTime(m.created_at),
    UpdateTime: formatTime(m.updated_at),
    ExpiredTime: isoOrNull(m.expired_at),
  };
}

export const viewAdminRoutes: AdminRoute[] = [
  {
    method: 'GET',
    path: '/accounts',
    handler: async (req, s) => {
      const page = pageOf(queryOf(req));
      const base = s.store.db.selectFrom('accounts');
      const [rows, total] = await Promise.all([
        base
          .leftJoin('billing_accounts', 'billing_accounts.account_id', 'accounts.id')
          .select(['accounts.id', 'accounts.created_at', 'billing_accounts.balance_fen', 'billing_accounts.overdue_since'])
          .orderBy('accounts.created_at')
          .orderBy('accounts.id')
          .offset(page.offset)
          .limit(page.pageSize)
          .execute(),
        base.select(count).executeTakeFirstOrThrow(),
      ]);
      const accounts = rows.map((a) => ({
        AccountId: a.id,
        Root: a.id === s.rootAccountId,
        CreateTime: formatTime(a.created_at),
        AvailableAmount: a.balance_fen === null ? null : formatCny(a.balance_fen),
        OverdueSince: isoOrNull(a.overdue_since),
      }));
      return pageAnswer('Accounts', accounts, Number(total.n), page);
    },
  },
  {
    method: 'GET',
    path: '/groups',
    handler: async (req, s) => {
      const q = queryOf(req);
      const page = pageOf(q);
      const accountId = queryText(q, 'AccountId');
      const region = queryText(q, 'Region');
      const base = s.store.db
        .selectFrom('resources')
        .$if(accountId !== undefined, (qb) => qb.where('account_id', '=', accountId!))
        .$if(region !== undefined, (qb) => qb.where('region', '=', region!));
      const [rows, total] = await Promise.all([
        base.selectAll().orderBy('created_at').orderBy('id').offset(page.offset).limit(page.pageSize).execute(),
        base.select(count).executeTakeFirstOrThrow(),
      ]);
      return pageAnswer('Groups', rows.map(groupView), Number(total.n), page);
    },
  },
  {
    method: 'GET',
    path: '/machines',
    handler: async (req, s) => {
      const q = queryOf(req);
      const page = pageOf(q);
      const filters = {
        account_id: queryText(q, 'AccountId'),
        resource_id: queryText(q, 'ResourceId'),
        status: queryText(q, 'InstanceStatus'),
        region: queryText(q, 'Region'),
      } as const;
      let base = s.store.db.selectFrom('instances');
      for (const [column, value] of Object.entries(filters)) {
        if (value !== undefined) base = base.where(column as keyof typeof filters, '=', value);
      }
      const [rows, total] = await Promise.all([
        base.selectAll().orderBy('created_at').orderBy('id').offset(page.offset).limit(page.pageSize).execute(),
        base.select(count).executeTakeFirstOrThrow(),
      ]);
      return pageAnswer('Machines', rows.map(machineView), Number(total.n), page);
    },
  },
];
