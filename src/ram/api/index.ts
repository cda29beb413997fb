// Registers the RAM (2015-05-01) and STS (2015-04-01) RPC operations.
import type { OperationRegistry } from '../../gateway/registry.ts';
import { rpcOperation } from './rpc.ts';
import { USER_OPERATIONS } from './users.ts';
import { GROUP_OPERATIONS } from './groups.ts';
import { ROLE_OPERATIONS } from './roles.ts';
import { POLICY_OPERATIONS } from './policies.ts';
import { STS_OPERATIONS } from './sts.ts';

export const RAM_ACTIONS = [...USER_OPERATIONS, ...GROUP_OPERATIONS, ...ROLE_OPERATIONS, ...POLICY_OPERATIONS].map((s) => s.action);
export const STS_ACTIONS = STS_OPERATIONS.map((s) => s.action);

export function registerRamOperations(registry: OperationRegistry): void {
  for (const spec of [...USER_OPERATIONS, ...GROUP_OPERATIONS, ...ROLE_OPERATIONS, ...POLICY_OPERATIONS])
    registry.addRpc(rpcOperation('ram', spec));
  for (const spec of STS_OPERATIONS) registry.addRpc(rpcOperation('sts', spec));
}
