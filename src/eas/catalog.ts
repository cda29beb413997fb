// The machine types openeas sells: the built-in catalog (spec/instance-types*.json, from the
// reference research) merged with an operator's catalog file (--catalog), which can add types,
// restrict them to regions/zones, or set prices. Loaded once at start-up.
import fs from 'node:fs';

export interface MachineType {
  type: string;
  family: string;
  vcpu: number;
  memoryGiB: number;
  gpu: number;
  gpuModel: string | null;
  gpuMemoryGiB: number;
  arch: string;
  /** Pay-as-you-go list price per hour in CNY, when known. */
  hourlyPriceCNY: number | null;
  /** Monthly subscription price in CNY, when known. */
  monthlyPriceCNY?: number | null;
  /** Regions where the type is sold; absent = every region. */
  regions?: string[];
  /** Zones where the type is sold; absent = every zone of its regions. */
  zones?: string[];
  vendor?: 'ECS' | 'BareMetal' | 'Lingjun';
}

function readTypes(url: URL | string): MachineType[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(url, 'utf8'));
  } catch (e) {
    throw new Error(`${String(url)}: ${(e as Error).message}`); // JSON.parse's message names no file
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { instanceTypes?: unknown }).instanceTypes;
  if (!Array.isArray(list)) throw new Error(`${String(url)}: a catalog is a JSON array of machine types`);
  return list.map((raw, i) => checkType(raw, `${String(url)}[${i}]`));
}

function checkType(raw: unknown, where: string): MachineType {
  const t = raw as Partial<MachineType>;
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`${where}: ${what}`);
  };
  need(typeof t.type === 'string' && /^ecs\.[a-z0-9.-]+$/.test(t.type), 'type must look like ecs.<family>.<size>');
  need(Number.isInteger(t.vcpu) && t.vcpu! > 0, 'vcpu must be a positive integer');
  need(typeof t.memoryGiB === 'number' && t.memoryGiB > 0, 'memoryGiB must be positive');
  need(Number.isInteger(t.gpu ?? 0) && (t.gpu ?? 0) >= 0, 'gpu must be a non-negative integer');
  need(
    t.hourlyPriceCNY === undefined || t.hourlyPriceCNY === null || (typeof t.hourlyPriceCNY === 'number' && t.hourlyPriceCNY >= 0),
    'hourlyPriceCNY must be a non-negative number',
  );
  return {
    type: t.type!,
    family: t.family ?? t.type!.split('.')[1]!,
    vcpu: t.vcpu!,
    memoryGiB: t.memoryGiB!,
    gpu: t.gpu ?? 0,
    gpuModel: t.gpuModel ?? null,
    gpuMemoryGiB: t.gpuMemoryGiB ?? 0,
    arch: t.arch ?? 'amd64',
    hourlyPriceCNY: t.hourlyPriceCNY ?? null,
    monthlyPriceCNY: t.monthlyPriceCNY ?? null,
    regions: t.regions,
    zones: t.zones,
    vendor: t.vendor ?? (t.type!.startsWith('ecs.ebm') ? 'BareMetal' : 'ECS'),
  };
}

export class Catalog {
  readonly #types = new Map<string, MachineType>();

  constructor(types: MachineType[]) {
    for (const t of types) this.#types.set(t.type, t);
  }

  static load(extraFile?: string): Catalog {
    const builtIn = [
      ...readTypes(new URL('../../spec/instance-types.json', import.meta.url)),
      ...readTypes(new URL('../../spec/instance-types-extra.json', import.meta.url)),
    ];
    return new Catalog([...builtIn, ...(extraFile ? readTypes(extraFile) : [])]);
  }

  get(type: string): MachineType | undefined {
    return this.#types.get(type);
  }

  all(): MachineType[] {
    return [...this.#types.values()];
  }

  /** Whether `type` is sold in `region` (and `zone`, when given). */
  sells(type: MachineType, region: string, zone?: string): boolean {
    if (type.regions && !type.regions.includes(region)) return false;
    if (zone && type.zones && !type.zones.includes(zone)) return false;
    return true;
  }
}
