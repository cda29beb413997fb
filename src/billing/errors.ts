// Billing and BSS error codes. `PAY.INSUFFICIENT_BALANCE` is the code Alibaba's order system
// documents for a payment the balance cannot cover; `InvalidAccountStatus.NotEnoughBalance` is
// ECS's answer when the balance is below the pay-as-you-go minimum. docs/billing.md cites both.
import { registerErrors } from '../gateway/errors.ts';

export const BILLING_ERRORS = registerErrors({
  'PAY.INSUFFICIENT_BALANCE': {
    status: 400,
    message: 'The Account Balance is insufficient. The order costs {required} CNY; the available balance is {available} CNY.',
  },
  'InvalidAccountStatus.NotEnoughBalance': {
    status: 403,
    message:
      'Your account does not have enough balance: creating pay-as-you-go instances needs at least {minimum} CNY; ' +
      'the available balance is {available} CNY.',
  },
  'InvalidInstanceId.NotFound': { status: 404, message: 'The specified instance {instanceId} is not found.' },
  'InvalidOrderId.NotFound': { status: 404, message: 'The specified order {orderId} is not found.' },
  'InvalidInstance.ChargeType': { status: 400, message: 'The instance {instanceId} is not a subscription (PrePaid) instance.' },
  InvalidProductCode: { status: 400, message: 'The product code {productCode} is not supported; this service sells product {expected}.' },
});

declare module '../gateway/errors.ts' {
  interface ErrorCodes {
    billing: keyof typeof BILLING_ERRORS;
  }
}
