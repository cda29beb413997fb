// The service JSON (CreateService's raw body): what openeas checks and what scheduling needs from it.
// Fields follow Alibaba's parameter tables for model services (name, metadata.instance, cpu,
// memory in MB, gpu, resource; processor or containers). Each failure names the field, dotted as in
// the document (`metadata.cpu`). Bounds marked "openeas" are ours: Alibaba documents none.
import { apiError } from '../gateway/errors.ts';
import type { Catalog } from '../eas/catalog.ts';
import type { PriceList } from '../billing/prices.ts';
import { PUBLIC_POOL, publicSizing } from './public-pool.ts';

/** Service names: 3–63 lowercase letters, digits and underscores, starting with a letter (docs/services.md). */
export const SERVICE_NAME = /^[a-z][a-z0-9_]{2,62}$/;

/** openeas bounds per instance and per service. */
export const LIMITS = { instances: 1000, cpu: 512, memoryMb: 4 * 1024 * 1024, gpu: 64 } as const;

export interface ServiceSpec {
  name: string;
  instances: number;
  cpu: number;
  memoryMb: number;
  gpu: number;
  /** The dedicated group (`eas-r-…`) the instances run on, or PUBLIC_POOL (no `metadata.resource`). */
  resourceId: string;
  /** Public pool: the instance type each instance runs as ('' on a dedicated group). */
  instanceType: string;
  /** The first container's image, '' for processor deployments. */
  image: string;
  /** The invocation token the document sets (top-level `token`); undefined: openeas generates one. */
  token: string | undefined;
  /** The service group (`metadata.group`), '' for none. */
  group: string;
  /** The document as given; stored and returned by DescribeService (`ServiceConfig`). */
  config: Record<string, unknown>;
}

function invalid(name: string, reason: string): never {
  throw apiError('InvalidParameter', { name, reason });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function integer(meta: Record<string, unknown>, key: string, min: number, max: number, fallback?: number): number {
  const v = meta[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw apiError('MissingParameter', { name: `metadata.${key}` });
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    invalid(`metadata.${key}`, `It must be an integer from ${min} to ${max}.`);
  return v;
}

export function checkServiceName(name: unknown, param = 'name'): string {
  if (name === undefined || name === null || name === '') throw apiError('MissingParameter', { name: param });
  if (typeof name !== 'string' || !SERVICE_NAME.test(name)) {
    invalid(param, 'A service name is 3 to 63 lowercase letters, digits or underscores, starting with a letter.');
  }
  return name;
}

/** Where a document is deployed: public-pool instance types are checked against the catalog of the region. */
export interface DeployTarget {
  catalog: Catalog;
  prices: PriceList;
  region: string;
}

/** Checks a service document; `doc` is the body as received (any JSON value). */
export function parseServiceSpec(doc: unknown, target: DeployTarget): ServiceSpec {
  if (!isObject(doc)) throw apiError('InvalidBody.NotObject');
  const metadata = doc.metadata;
  if (metadata === undefined || metadata === null) throw apiError('MissingParameter', { name: 'metadata' });
  if (!isObject(metadata)) invalid('metadata', 'It must be a JSON object.');
  // `name` at the top, or `metadata.name` (both appear in Alibaba's examples); they must agree.
  if (doc.name !== undefined && metadata.name !== undefined && doc.name !== metadata.name) {
    invalid('metadata.name', 'It must equal name when both are given.');
  }
  const name = checkServiceName(
    doc.name ?? metadata.name,
    doc.name === undefined && metadata.name !== undefined ? 'metadata.name' : 'name',
  );
  const instances = integer(metadata, 'instance', 1, LIMITS.instances, 1);
  const resource = metadata.resource;
  // Without metadata.resource the service runs on the public pool, where the instance type may
  // give the size (0: left to the type).
  const pub = resource === undefined || resource === null || resource === '';
  const cpu = integer(metadata, 'cpu', 1, LIMITS.cpu, pub ? 0 : undefined);
  const memoryMb = integer(metadata, 'memory', 1, LIMITS.memoryMb, pub ? 0 : undefined);
  const gpu = integer(metadata, 'gpu', 0, LIMITS.gpu, 0);
  if (!pub && (typeof resource !== 'string' || !/^eas-r-[a-z0-9]{1,64}$/.test(resource)))
    invalid('metadata.resource', 'It must be a resource group id like eas-r-abc123.');
  const image = checkWorkload(doc);
  const token = optionalText(doc.token, 'token');
  const group = optionalText(metadata.group, 'metadata.group') ?? '';
  // Stored as given (Terraform compares ServiceConfig with what it sent); scaling rewrites metadata.instance.
  if (pub) {
    const size = publicSizing(doc, { cpu, memoryMb, gpu }, target);
    return { name, instances, ...size, resourceId: PUBLIC_POOL, image, token, group, config: doc };
  }
  return { name, instances, cpu, memoryMb, gpu, resourceId: resource as string, instanceType: '', image, token, group, config: doc };
}

/** `token` and `metadata.group`: absent, or a string of 1 to 256 characters (an openeas bound). */
function optionalText(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > 256) invalid(name, 'It must be a string of 1 to 256 characters.');
  return v;
}

/** A processor (built-in `processor`, or `processor_path` + `processor_type`) or containers with an image; returns the image. */
function checkWorkload(doc: Record<string, unknown>): string {
  const { containers, processor, processor_path: path, processor_type: type } = doc;
  if (containers !== undefined) {
    if (!Array.isArray(containers) || containers.length === 0 || containers.length > 16) {
      invalid('containers', 'It must be a list of 1 to 16 containers.');
    }
    containers.forEach((c, i) => {
      if (!isObject(c)) invalid(`containers.${i + 1}`, 'It must be a JSON object.');
      if (typeof c.image !== 'string' || c.image === '') throw apiError('MissingParameter', { name: `containers.${i + 1}.image` });
    });
    return (containers[0] as { image: string }).image;
  }
  if (processor !== undefined) {
    if (typeof processor !== 'string' || processor === '') invalid('processor', 'It must be the name of a built-in processor, e.g. pmml.');
    return '';
  }
  if (path !== undefined || type !== undefined) {
    if (typeof path !== 'string' || path === '') throw apiError('MissingParameter', { name: 'processor_path' });
    if (typeof type !== 'string' || !['cpp', 'c', 'java', 'python'].includes(type))
      invalid('processor_type', 'It must be one of: cpp, c, java, python.');
    return '';
  }
  throw apiError('MissingParameter', { name: 'processor or containers' });
}
