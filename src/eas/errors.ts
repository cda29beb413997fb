// EAS-level error codes. Alibaba publishes no EAS error catalogue (domain notes §4.1); these
// follow EAS's own `InvalidService.NotFound` pattern and ECS codes for the same situations
// (domain notes §4.3). docs/errors.md lists them with their basis.
import { registerErrors } from '../gateway/errors.ts';

export const EAS_ERRORS = registerErrors({
  'InvalidResource.NotFound': { status: 404, message: 'Resource [{resourceId}] is not found.' },
  'InvalidInstance.NotFound': { status: 404, message: 'Instance [{instanceId}] is not found in resource [{resourceId}].' },
  'InvalidResourceLog.NotFound': { status: 404, message: 'Log service is not configured for resource [{resourceId}].' },
  'InvalidResourceDLink.NotFound': { status: 404, message: 'VPC direct connection is not configured for resource [{resourceId}].' },
  'InvalidInstanceType.NotSupported': { status: 400, message: 'The instance type [{instanceType}] is not supported in {where}.' },
  ChargeTypeViolation: {
    status: 403,
    message:
      'The operation is not supported for the charge type of instance(s) {instanceIds}: ' +
      'only pay-as-you-go (PostPaid) instances, or instances whose creation failed, can be deleted.',
  },
  'OperationDenied.ResourceNotEmpty': { status: 400, message: 'Resource [{resourceId}] still has {what}; {advice}' },
  'OperationDenied.InstanceStatus': { status: 400, message: 'The operation is not allowed while instance [{instanceId}] is {status}.' },
  OperationConflict: { status: 409, message: 'Another change of {what} for resource [{resourceId}] is in progress.' },
  'QuotaExceed.ElasticQuota': {
    status: 403,
    message: 'The request would exceed the {what} quota of this account in {region}: {used} used + {requested} requested > {limit}.',
  },
  IdempotentParameterMismatch: { status: 400, message: 'The client token has been used by a request with different parameters.' },
  'InvalidService.NotFound': { status: 404, message: 'The specified service [{serviceName}] does not exist in region [{region}].' },
  'InvalidService.AlreadyExists': { status: 409, message: 'A service named [{serviceName}] already exists in region [{region}].' },
  'OperationDenied.ServiceLocked': {
    status: 403,
    message:
      'Service [{serviceName}] is locked (safety lock {lock}): {action} is not allowed. Change the lock with UpdateServiceSafetyLock first.',
  },
  'OperationDenied.ServiceStatus': { status: 400, message: 'The operation is not allowed while service [{serviceName}] is {status}.' },
  'InvalidCronScaler.NotFound': { status: 404, message: 'Service [{serviceName}] has no cron scaler.' },
  'InvalidCronScaler.AlreadyExists': {
    status: 409,
    message: 'Service [{serviceName}] already has a cron scaler; change it with UpdateServiceCronScaler.',
  },
  InsufficientIpAddress: { status: 400, message: 'No private IP address is left in region {region}.' },
});

declare module '../gateway/errors.ts' {
  interface ErrorCodes {
    eas: keyof typeof EAS_ERRORS;
  }
}
