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
    if (key.length < 1 || key.length > 128)
      throw apiError('InvalidParameter', { name: where, reason: 'A label key must be 1 to 128 characters.' });
    if (RESERVED_PREFIX.test(key))
      throw apiError('InvalidParameter', { name: where, reason: 'A label key cannot start with aliyun or acs:.' });
    if (URL_SCHEME.test(key))
      throw apiError('InvalidParameter', { name: where, reason: 'A label key cannot contain http:// or https://.' });
    if (typeof value !== 'string') throw apiError('InvalidParameter', { name: where, reason: 'A label value must be a string.' });
    if (value.length > 128) throw apiError('InvalidParameter', { name: where, reason: 'A label value must be at most 128 characters.' });
    if (URL_SCHEME.test(value))
      throw apiError('InvalidParameter', { name: where, reason: 'A label value cannot contain http:// or https://.' });
  }
  return labels as Record<string, string>;
}

/**
 * Most keys a ListResourceInstances `Label` filter may name. Each key is one more subquery, and on
 * PostgreSQL planning time grows steeply with their number (150 keys: 3.7 s); ECS's tag filters
 * allow 20, which is also the most labels a machine can carry.
 */
export const MAX_LABEL_FILTER_KEYS = MAX_LABELS;

export function checkLabelFilter(filter: unknown, param = 'Label'): Record<string, unknown> {
  if (filter === undefined || filter === null || filter === '') return {};
  if (typeof filter !== 'object' || Array.isArray(filter)) {
    throw apiError('InvalidParameter', { name: param, reason: 'It must be an object mapping label keys to values.' });
  }
  const keys = Object.keys(filter);
  if (keys.length > MAX_LABEL_FILTER_KEYS) {
    throw apiError('InvalidParameter', { name: param, reason: `At most ${MAX_LABEL_FILTER_KEYS} label keys can be filtered on.` });
  }
  return filter as Record<string, unknown>;
}
