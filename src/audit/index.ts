// The audit trail's wiring for server.ts: the recorder every API call reports to (services.audit)
// and ActionTrail's LookupEvents, answered on the same endpoint by version 2020-07-06.
import type { OperationRegistry } from '../gateway/registry.ts';
import { lookupEventsOperation } from './lookup-events.ts';
import type { AuditTrail } from './recorder.ts';

export { AuditTrail } from './recorder.ts';

export function registerAuditOperations(registry: OperationRegistry, trail: AuditTrail): void {
  registry.addRpc(lookupEventsOperation(trail));
}
