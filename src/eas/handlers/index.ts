// The hand-written behaviour of each EAS operation, by action name.
import type { EasHandler } from '../operations.ts';
import type { OperationSpec } from '../operation-spec.ts';
import { RESOURCE_HANDLERS } from './resources.ts';
import { INSTANCE_HANDLERS } from './instances.ts';
import { SUBFEATURE_HANDLERS } from './subfeatures.ts';
import { MACHINE_SPEC_OPERATION } from './machine-spec.ts';
import { RESOURCE_SERVICE_HANDLERS, SERVICE_HANDLERS } from './services.ts';
import { bindHandlers, type EasHandlers } from './common.ts';

export { SERVICE_HANDLERS };

/**
 * The resource family's handlers, each typed by its action (EasHandlers: `CreateResource` takes
 * CreateResourceInput), bound to the gateway's untyped operations in one place.
 */
export const TYPED_EAS_HANDLERS = {
  ...RESOURCE_HANDLERS,
  ...INSTANCE_HANDLERS,
  ...SUBFEATURE_HANDLERS,
} satisfies EasHandlers;

export const EAS_HANDLERS: Record<string, EasHandler> = {
  ...bindHandlers(TYPED_EAS_HANDLERS),
  ...RESOURCE_SERVICE_HANDLERS,
};

/** Operations that are not in the resource-group metadata file, with their own spec. */
export const EXTRA_OPERATIONS: Array<{ spec: OperationSpec; handler: EasHandler; resource?: string }> = [MACHINE_SPEC_OPERATION];
