// Machine labels (the `Labels` maps of CreateResource, CreateResourceInstances and
// UpdateResourceInstanceLabel). Alibaba documents no EAS-specific limits; these are ECS tag
// rules (key 1–128, value ≤ 128, no `aliyun`/`acs:` prefix, no URL scheme, ≤ 20 per machine).
import { apiError } from '../gateway/errors.ts';

export const MAX_LABELS = 20;
const RESERVED_PREFIX = /^(aliyun|acs:)/i;
const URL_SCHEME = /(http|https):\/\//i;

export function checkLabels(labels: unknown, param = 'Labels'): Record<string, string> {
  if (labels === undefined || labels === null) return {};
  if (typeof labels !== 'object' || Array.isArray(labels)) {
    throw apiError('InvalidParameter', { name: param, reason: 'It must be an object mapping label keys to string values.' });
  }
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > MAX_LABELS) {
    throw apiError('InvalidParameter', { name: param, reason: `At most ${MAX_LABELS} labels are allowed.` });
  }
  for (const [key, value] of entries) {
    const where = `${param}.${key}`;
    if (key.length < 1 || key.length > 128) throw apiError('InvalidParameter', { name: where, reason: 'A label key must be 1 to 128 characters.' });
    if (RESERVED_PREFIX.test(key)) throw apiError('InvalidParameter', { name: where, reason: 'A label key cannot start with aliyun or acs:.' });
    if (URL_SCHEME.test(key)) throw apiError('InvalidParameter', { name: where, reason: 'A label key cannot contain http:// or https://.' });
    if (typeof value !== 'string') throw apiError('InvalidParameter', { name: where, reason: 'A label value must be a string.' });
    if (value.length > 128) throw apiError('InvalidParameter', { name: where, reason: 'A label value must be at most 128 characters.' });
    if (URL_SCHEME.test(value)) throw apiError('InvalidParameter', { name: where, reason: 'A label value cannot contain http:// or https://.' });
  }
  return labels as Record<string, string>;
}
