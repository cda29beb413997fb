// Billing's wiring for server.ts: the lifecycle hooks, the due jobs, the BSS API, admin routes.
import type { Scheduler } from '../engine/scheduler.ts';
import type { Services } from '../services.ts';
import { registerSettlementJobs } from './settlement.ts';
import { registerSubscriptionJobs } from './subscriptions.ts';

export { billingHooks } from './hooks.ts';
export { registerBssOperations } from './bss.ts';
export { billingAdminRoutes } from './admin-routes.ts';

export function registerBillingJobs(scheduler: Scheduler, services: Services): void {
  registerSettlementJobs(scheduler, services);
  registerSubscriptionJobs(scheduler, services);
}
