// RPC-style products (RAM, STS, BSS) name their parameters in a small table per operation; this
// checks the decoded query/form parameters against it. (EAS parameters come from the API metadata
// instead: gateway/validation.ts.)
import { apiError } from './errors.ts';
import type { Input, RawInput } from './operation.ts';

export interface RpcParamSpec {
  type: 'string' | 'int' | 'bool';
  required?: boolean;
  /** Integer bounds; each one left out is the 32-bit limit (wider ids, e.g. OwnerId, say so). */
  min?: number;
  max?: number;
  enum?: readonly string[];
}

export type RpcParams = Record<string, RpcParamSpec>;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export function validateRpcParams(params: RpcParams, raw: RawInput): Input {
  const out: Input = {};
  for (const [name, p] of Object.entries(params)) {
    const v = raw.query[name];
    if (v === undefined || v === '') {
      if (p.required) throw apiError('MissingParameter', { name });
      continue;
    }
    if (p.type === 'int') {
      // Every integer has bounds: a page number of 10^20 must not reach an OFFSET clause.
      const min = p.min ?? INT32_MIN;
      const max = p.max ?? INT32_MAX;
      const n = Number(v);
      if (!/^-?\d{1,16}$/.test(v) || n < min || n > max) {
        throw apiError('InvalidParameter', { name, reason: `It must be an integer from ${min} to ${max}.` });
      }
      out[name] = n;
    } else if (p.type === 'bool') {
      if (!/^(true|false)$/i.test(v)) throw apiError('InvalidParameter', { name, reason: 'It must be true or false.' });
      out[name] = v.toLowerCase() === 'true';
    } else {
      if (p.enum && !p.enum.includes(v)) throw apiError('InvalidParameter', { name, reason: `It must be one of: ${p.enum.join(', ')}.` });
      out[name] = v;
    }
  }
  return out;
}
