// Where operations are found: ROA operations by method + path (Fastify's radix router), RPC
// operations (RAM, STS, BSS…) by API version + action. Products only add entries here.
import { apiError } from './errors.ts';
import type { Operation } from './operation.ts';

export interface RoaRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify path, e.g. `/api/v2/resources/:ClusterId/:ResourceId`. */
  routePath: string;
  operation: Operation;
}

export class OperationRegistry {
  readonly roaRoutes: RoaRoute[] = [];
  readonly #rpc = new Map<string, Map<string, Operation>>();
  readonly #products = new Map<string, string>();

  addRoa(route: RoaRoute): void {
    this.roaRoutes.push(route);
  }

  addRpc(operation: Operation): void {
    let actions = this.#rpc.get(operation.version);
    if (!actions) this.#rpc.set(operation.version, (actions = new Map()));
    this.#products.set(operation.version, operation.product);
    if (actions.has(operation.action)) throw new Error(`RPC action ${operation.version}/${operation.action} registered twice`);
    actions.set(operation.action, operation);
  }

  /** The product an RPC API version belongs to (also when the action is unknown). */
  productOf(version: string | undefined): string | undefined {
    return version === undefined ? undefined : this.#products.get(version);
  }

  /**
   * The RPC operation of a product (its code, any case: `ram`, `Sts`, `bssopenapi`) and action, for
   * callers that know the product rather than the API version (the console, src/console/api-call.ts).
   */
  rpcOperation(product: string, action: string): Operation | undefined {
    const wanted = product.toLowerCase();
    for (const [version, name] of this.#products) {
      if (name.toLowerCase() === wanted) return this.#rpc.get(version)?.get(action);
    }
    return undefined;
  }

  /** Unknown versions name no product (InvalidProduct.NotFound); unknown actions no API (InvalidApi.NotFound). */
  findRpc(version: string | undefined, action: string | undefined): Operation {
    const actions = version ? this.#rpc.get(version) : undefined;
    if (!actions) throw apiError('InvalidProduct.NotFound');
    const op = action ? actions.get(action) : undefined;
    if (!op) throw apiError('InvalidApi.NotFound');
    return op;
  }
}
