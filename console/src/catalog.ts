// The machine catalog of a region (DescribeMachineSpec) and the price arithmetic the pages share.
import { call } from './api.ts';

export interface MachineType {
  InstanceType: string;
  CPU: number;
  Memory: number;
  GPU?: string;
  GPUAmount: number;
  IsAvailable: boolean;
  StockStatus: string;
  HourlyPrice: string;
  MonthlyPrice: string;
  Currency: string;
}

/** A month of pay-as-you-go, as Alibaba's price pages count it. */
export const HOURS_PER_MONTH = 730;

const cache = new Map<string, Promise<MachineType[]>>();

export function machineTypes(region: string): Promise<MachineType[]> {
  let types = cache.get(region);
  if (!types) {
    types = call<{ InstanceMetas: MachineType[] }>({ Product: 'eas', Action: 'DescribeMachineSpec', Params: {}, Region: region }).then(
      (b) => b.InstanceMetas,
    );
    types.catch(() => cache.delete(region));
    cache.set(region, types);
  }
  return types;
}

/** CNY per month of one machine of the type under the charge type. */
export function monthlyCost(type: MachineType | undefined, chargeType: string): number {
  if (!type) return 0;
  return chargeType === 'PrePaid' ? Number(type.MonthlyPrice) : Number(type.HourlyPrice) * HOURS_PER_MONTH;
}

export function cny(amount: number): string {
  return `¥${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
