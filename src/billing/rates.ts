// What one machine costs, from the price list: per hour (pay-as-you-go, fen, may be fractional
// because of disk) and per month (subscription, whole fen).
import type { Services } from '../services.ts';
import type { MachineType } from '../eas/catalog.ts';

function typeOf(s: Services, instanceType: string): MachineType | undefined {
  return s.catalog.get(instanceType);
}

/** Pay-as-you-go price of one machine-hour including disk above the free 200 GiB, fen. */
export function hourlyRate(s: Services, instanceType: string, systemDiskGb: number): number {
  const type = typeOf(s, instanceType);
  return (type ? s.prices.hourly(type) : 0) + s.prices.diskHourly(systemDiskGb);
}

/** Subscription price of one machine-month including disk above the free 200 GiB, fen. */
export function monthlyPrice(s: Services, instanceType: string, systemDiskGb: number): number {
  const type = typeOf(s, instanceType);
  return (type ? s.prices.monthly(type) : 0) + s.prices.diskMonthly(systemDiskGb);
}
