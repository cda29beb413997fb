// What the service handlers share: the caller as owner, the start-due rule, the locked service.
import type { CallContext } from '../../gateway/context.ts';
import type { Tx } from '../../store/database.ts';
import { findGroup } from '../groups.ts';
import { startDueOf, type ServiceRow } from '../../scheduling/placement.ts';
import { checkSafetyLock, findService, type Owner } from '../../scheduling/services.ts';
import type { DeployTarget } from '../../scheduling/service-spec.ts';
import { isPublicPool } from '../../scheduling/public-pool.ts';

export const owner = (ctx: CallContext): Owner => ({ accountId: ctx.caller.accountId, region: ctx.region });
export const startDue = (ctx: CallContext) => startDueOf(ctx.services.config);
/** What a service document is checked against (public-pool instance types: the catalog of the region). */
export const deployTarget = (ctx: CallContext): DeployTarget => ({
  catalog: ctx.services.catalog,
  prices: ctx.services.prices,
  region: ctx.region,
});

/**
 * The service, with its group locked first and then the service row (the lock order); refused when
 * its safety lock guards `action` (scheduling/services.ts checkSafetyLock).
 */
export async function lockedService(tx: Tx, ctx: CallContext, name: string, action: string): Promise<ServiceRow> {
  const s = await findService(tx, owner(ctx), name);
  // A public-pool service has no group: its row lock alone orders its changes.
  if (!isPublicPool(s.resource_id)) await findGroup(tx, ctx, s.resource_id, { forUpdate: true });
  const locked = await findService(tx, owner(ctx), name, { forUpdate: true });
  checkSafetyLock(locked, action);
  return locked;
}

export const message = (s: ServiceRow, what: string) => `Service [${s.name}] in region [${s.region}] is ${what}`;

export const escapeLike = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
