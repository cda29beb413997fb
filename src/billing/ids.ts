import { randomString } from '../ids.ts';

/** Order and bill record ids look like Alibaba's: 15 digits, e.g. 202657601410661. */
export function newOrderId(): string {
  return randomString(1, '123456789') + randomString(14, '0123456789');
}
