// The Explorer's catalog as the server sends it (src/console/explorer/catalog.ts): the console
// is built separately from the server, so the shapes are restated here.
import type { Product } from '../api.ts';

export type CatalogType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';

export interface CatalogParam {
  name: string;
  location: 'path' | 'query' | 'body';
  type: CatalogType;
  required: boolean;
  format?: string;
  style?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  deprecated?: boolean;
  description?: string;
  example?: string;
  items?: CatalogParam;
  properties?: CatalogParam[];
  additionalProperties?: CatalogParam;
}

export interface CatalogSummary {
  product: Product;
  version: string;
  action: string;
  style: 'ROA' | 'RPC';
  method: string;
  path: string;
  title?: string;
}

export interface CatalogOperation extends CatalogSummary {
  productCode: string;
  summary?: string;
  params: CatalogParam[];
  wholeBody: boolean;
  response?: unknown;
}

export type Language = 'typescript' | 'python' | 'go' | 'java';
export const LANGUAGES: Array<{ value: Language; label: string }> = [
  { value: 'typescript', label: 'TypeScript' },
  { value: 'python', label: 'Python' },
  { value: 'go', label: 'Go' },
  { value: 'java', label: 'Java' },
];
