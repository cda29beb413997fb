// List prices per machine type, in fen (1 CNY = 100 fen; money is never a float). Known hourly
// prices come from the catalog (instance-types.json, cited there); other types are priced from
// documented per-vCPU, per-GiB and per-GPU-model hourly rates. A subscription month costs
// `monthlyFactor` × 730 hours of the hourly price unless the catalog names a monthly price.
// Every rate is an openeas choice (see docs/billing.md) and can be overridden in the catalog file.
import type { MachineType } from '../eas/catalog.ts';

export interface PriceRates {
  /** Fen per vCPU-hour for types without a known price. */
  vcpuHour: number;
  /** Fen per GiB-hour of memory. */
  memoryGiBHour: number;
  /** Fen per GPU-hour, by GPU model; `default` for unknown models. */
  gpuHour: Record<string, number>;
  /** Fen per GiB-month of system disk beyond the free 200 GiB. */
  diskGiBMonth: number;
  /** A subscription month = monthlyFactor × 730 h of the pay-as-you-go price. */
  monthlyFactor: number;
}

export const DEFAULT_RATES: PriceRates = {
  vcpuHour: 12, // ¥0.12 per vCPU-hour
  memoryGiBHour: 3, // ¥0.03 per GiB-hour
  gpuHour: {
    'NVIDIA T4': 900,
    'NVIDIA A10': 800,
    'NVIDIA V100': 2400,
    'NVIDIA A100 40GB': 2800,
    'NVIDIA A100 80GB': 3200,
    'NVIDIA L20': 1300,
    default: 1500,
  },
  diskGiBMonth: 50, // ¥0.50 per GiB-month (ESSD PL0 list price order of magnitude)
  monthlyFactor: 0.7,
};

export const FREE_DISK_GIB = 200;
export const HOURS_PER_MONTH = 730;

export class PriceList {
  constructor(private readonly rates: PriceRates = DEFAULT_RATES) {}

  /** Pay-as-you-go price of one machine-hour, in fen. */
  hourly(type: MachineType): number {
    if (type.hourlyPriceCNY !== null && type.hourlyPriceCNY !== undefined) return Math.round(type.hourlyPriceCNY * 100);
    const gpu = type.gpu > 0 ? type.gpu * (this.rates.gpuHour[type.gpuModel ?? ''] ?? this.rates.gpuHour.default ?? 0) : 0;
    return Math.round(type.vcpu * this.rates.vcpuHour + type.memoryGiB * this.rates.memoryGiBHour + gpu);
  }

  /** Subscription price of one machine-month, in fen. */
  monthly(type: MachineType): number {
    if (type.monthlyPriceCNY !== null && type.monthlyPriceCNY !== undefined) return Math.round(type.monthlyPriceCNY * 100);
    return Math.round(this.hourly(type) * HOURS_PER_MONTH * this.rates.monthlyFactor);
  }

  /** System disk beyond the free 200 GiB, per month, in fen. */
  diskMonthly(diskGiB: number): number {
    return Math.max(0, diskGiB - FREE_DISK_GIB) * this.rates.diskGiBMonth;
  }

  /** System disk beyond the free 200 GiB, per hour, in fen (may be fractional: metering rounds at settlement). */
  diskHourly(diskGiB: number): number {
    return this.diskMonthly(diskGiB) / HOURS_PER_MONTH;
  }

  /** Fields DescribeMachineSpec adds for a type (prices as CNY strings, two decimals). */
  forType(type: MachineType, _region: string): Record<string, unknown> {
    return {
      Currency: 'CNY',
      HourlyPrice: (this.hourly(type) / 100).toFixed(2),
      MonthlyPrice: (this.monthly(type) / 100).toFixed(2),
    };
  }
}
