// Everything a request handler or background job may use, built once at start-up (server.ts).
import type { Config } from './config.ts';
import type { Store } from './store/database.ts';
import type { Clock } from './engine/clock.ts';
import type { SecretBox } from './ram/secret-box.ts';
import type { Authorizer } from './ram/authorizer.ts';
import type { IdentityResolver } from './gateway/authenticate.ts';
import type { Catalog } from './eas/catalog.ts';
import type { Scheduler } from './engine/scheduler.ts';
import type { LatencyFaults } from './engine/faults.ts';
import type { Hooks } from './hooks.ts';
import type { PriceList } from './billing/prices.ts';
import type { InstanceViews } from './eas/instance-views.ts';
import type { CallObserver } from './gateway/context.ts';

export interface Services {
  config: Config;
  store: Store;
  clock: Clock;
  secrets: SecretBox;
  authorizer: Authorizer;
  resolveIdentity: IdentityResolver;
  catalog: Catalog;
  scheduler: Scheduler;
  latencyFaults: LatencyFaults;
  /** Rendered machines for lists (a cache checked against row versions). */
  instanceViews: InstanceViews;
  hooks: Hooks;
  prices: PriceList;
  /** Records every authenticated API call (the audit trail, audit/). */
  audit: CallObserver;
  /** The account created on first start. */
  rootAccountId: string;
  version: string;
}
