// Binds the spec-derived EAS operations (generated/operations.ts) to their hand-written
// behaviour (handlers/). Routes, validation and RAM action names all come from the spec;
// an operation without a handler answers NotImplemented, and the README says which.
import { EAS_OPERATIONS, EAS_PRODUCT, EAS_SERVICE_OPERATIONS } from './generated/operations.ts';
import type { OperationSpec } from './operation-spec.ts';
import { validateInput } from '../gateway/validation.ts';
import { apiError } from '../gateway/errors.ts';
import type { OperationRegistry } from '../gateway/registry.ts';
import type { AuthorizationRequest, Input, Operation, Output, RawInput } from '../gateway/operation.ts';
import type { CallContext } from '../gateway/context.ts';
import { EAS_HANDLERS, EXTRA_OPERATIONS, SERVICE_HANDLERS } from './handlers/index.ts';
import { groupArn } from './groups.ts';

export interface EasHandler {
  handle(input: Input, ctx: CallContext): Promise<Output>;
  /** Condition values for RAM (acs:RequestTag/…, acs:ResourceTag/…), from the raw request. */
  conditions?(raw: RawInput, ctx: CallContext): Promise<AuthorizationRequest['conditionValues']>;
  /** Further groups the call touches (MigrateResourceInstance's destination), from the raw request. */
  alsoTouches?(raw: RawInput, ctx: CallContext): string[];
}

/** `acs:eas:{region}:{account}:service/{ServiceName}` (docs/services.md). */
export function serviceArn(ctx: CallContext, name: string): string {
  return `acs:eas:${ctx.region}:${ctx.caller.accountId}:service/${name}`;
}

/** The RAM resource of a service call: the service named in the path; listing acts on `service/*`. */
export function serviceResourceArn(raw: RawInput, ctx: CallContext): string {
  return serviceArn(ctx, raw.params.ServiceName ?? '*');
}

/** CreateService names its service in the body (`name`, else `metadata.name`); only it reads the body for RAM. */
export function newServiceArn(raw: RawInput, ctx: CallContext): string {
  const body = raw.body as { name?: unknown; metadata?: { name?: unknown } } | undefined;
  const named = body?.name ?? body?.metadata?.name;
  return serviceArn(ctx, typeof named === 'string' && named !== '' ? named : '*');
}

/**
 * The RAM resource of an EAS call (protocol notes §8): group-level operations act on
 * `resource/<ResourceId>`; creating and listing groups on `resource/*`; the public catalog on `*`.
 */
export function easResourceArn(raw: RawInput, ctx: CallContext): string {
  return groupArn(ctx, raw.params.ResourceId ?? '*');
}

function easOperation(spec: OperationSpec, handler: EasHandler | undefined, resourceOf = easResourceArn): Operation {
  return {
    product: EAS_PRODUCT.product,
    version: EAS_PRODUCT.version,
    action: spec.action,
    async authorize(raw, ctx) {
      const also = handler?.alsoTouches?.(raw, ctx);
      return {
        action: `eas:${spec.action}`,
        resource: resourceOf(raw, ctx),
        ...(also && also.length > 0 ? { additionalResources: also } : {}),
        conditionValues: handler?.conditions ? await handler.conditions(raw, ctx) : undefined,
      };
    },
    validate: (raw) => validateInput(spec, raw),
    handle: handler
      ? (input, ctx) => handler.handle(input, ctx)
      : async () => {
          throw apiError('NotImplemented', { action: spec.action });
        },
  };
}

/** Actions that have behaviour, for the README's API table. */
export function implementedEasActions(): string[] {
  return [...Object.keys(EAS_HANDLERS), ...Object.keys(SERVICE_HANDLERS), ...EXTRA_OPERATIONS.map((e) => e.spec.action)].sort();
}

export function registerEasOperations(registry: OperationRegistry): void {
  for (const spec of EAS_OPERATIONS) {
    registry.addRoa({ method: spec.method, routePath: spec.routePath, operation: easOperation(spec, EAS_HANDLERS[spec.action]) });
  }
  for (const spec of EAS_SERVICE_OPERATIONS) {
    registry.addRoa({
      method: spec.method,
      routePath: spec.routePath,
      operation: easOperation(spec, SERVICE_HANDLERS[spec.action], spec.action === 'CreateService' ? newServiceArn : serviceResourceArn),
    });
  }
  // Operations outside the resource-group metadata file (e.g. DescribeMachineSpec), same binding.
  for (const extra of EXTRA_OPERATIONS) {
    registry.addRoa({
      method: extra.spec.method,
      routePath: extra.spec.routePath,
      operation: easOperation(extra.spec, extra.handler, extra.resource ? () => extra.resource! : undefined),
    });
  }
}
