// EAS regions (ClusterId) and their zones, from the API metadata's endpoint list and the zone
// table in the domain notes §6. Zones of regions the notes do not list follow Alibaba's naming
// rule (mainland/HK `<region>-<letter>`, overseas `<region><letter>`) and are openeas choices.
import fs from 'node:fs';

const ZONES: Record<string, string[]> = {
  'cn-hangzhou': ['b', 'e', 'f', 'g', 'h', 'i', 'j', 'k'].map((z) => `cn-hangzhou-${z}`),
  'cn-shanghai': ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'k', 'l', 'm', 'n'].map((z) => `cn-shanghai-${z}`),
  'cn-beijing': ['c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'].map((z) => `cn-beijing-${z}`),
  'cn-zhangjiakou': ['a', 'b', 'c'].map((z) => `cn-zhangjiakou-${z}`),
  'cn-wulanchabu': ['a', 'b', 'c'].map((z) => `cn-wulanchabu-${z}`),
  'cn-shenzhen': ['a', 'b', 'c', 'd', 'e'].map((z) => `cn-shenzhen-${z}`),
  'cn-heyuan': ['a', 'b'].map((z) => `cn-heyuan-${z}`),
  'cn-guangzhou': ['a', 'b'].map((z) => `cn-guangzhou-${z}`),
  'cn-chengdu': ['a', 'b'].map((z) => `cn-chengdu-${z}`),
  'cn-hongkong': ['b', 'c', 'd'].map((z) => `cn-hongkong-${z}`),
  'ap-southeast-1': ['a', 'b', 'c'].map((z) => `ap-southeast-1${z}`),
  'ap-northeast-1': ['a', 'b', 'c'].map((z) => `ap-northeast-1${z}`),
};

function defaultZones(region: string): string[] {
  const overseas = !region.startsWith('cn-');
  return ['a', 'b'].map((z) => (overseas ? `${region}${z}` : `${region}-${z}`));
}

const SPEC = JSON.parse(fs.readFileSync(new URL('../../spec/eas-2021-07-01-resource-api.json', import.meta.url), 'utf8')) as {
  endpoints: Array<{ regionId: string }>;
};

export const REGIONS: readonly string[] = SPEC.endpoints.map((e) => e.regionId).sort();

export function isRegion(region: string): boolean {
  return REGIONS.includes(region);
}

export function zonesOf(region: string): string[] {
  return ZONES[region] ?? defaultZones(region);
}

/** Index of a region in the sorted endpoint list of the metadata. */
function regionIndex(region: string): number {
  return REGIONS.indexOf(region);
}

/**
 * Machine IPs: each region owns a 2^20-address block (10.0.0.0/8 then 11.0.0.0/8), and hosts are
 * numbered from a per-region counter that never goes back, so an IP is never handed out twice.
 */
export function ipOf(region: string, host: number): string {
  const n = ipBlockOf(region) + host;
  return [Math.floor(n / 2 ** 24) % 256, Math.floor(n / 2 ** 16) % 256, Math.floor(n / 256) % 256, n % 256].join('.');
}

/** The region's address block as a 32-bit number (host 0); `ipOf` adds the host number. */
export function ipBlockOf(region: string): number {
  const i = regionIndex(region);
  return (10 + Math.floor(i / 16)) * 2 ** 24 + (i % 16) * 2 ** 20;
}

export const HOSTS_PER_REGION = 2 ** 20 - 2;
