// The RAM action and resource ARN of every EAS operation, derived from the registered operations
// themselves (so the table in docs/ram.md cannot drift from what the gateway authorizes).
import { OperationRegistry } from '../gateway/registry.ts';
import { registerEasOperations } from '../eas/operations.ts';
import type { CallContext } from '../gateway/context.ts';

export interface EasAuthorizationRow {
  api: string;
  method: string;
  path: string;
  action: string;
  resource: string;
  /** Further resources the call touches, authorized for the same action. */
  alsoTouches: string[];
}

export async function easAuthorizationTable(): Promise<EasAuthorizationRow[]> {
  const registry = new OperationRegistry();
  registerEasOperations(registry);
  const rows: EasAuthorizationRow[] = [];
  for (const route of registry.roaRoutes) {
    const params: Record<string, string> = {};
    for (const m of route.routePath.matchAll(/:(\w+)/g)) params[m[1]] = `{${m[1]}}`;
    params.ClusterId = '{regionId}';
    const ctx = { region: '{regionId}', caller: { accountId: '{accountId}' } } as unknown as CallContext;
    // Body parameters that name a resource group or a service, as placeholders.
    const body = { DestResourceId: '{DestResourceId}', name: '{ServiceName}', metadata: { resource: '{ResourceId}' } };
    const auth = await route.operation.authorize({ params, query: {}, body }, ctx);
    rows.push({
      api: route.operation.action,
      method: route.method,
      path: route.routePath.replace(/:(\w+)/g, '{$1}'),
      action: auth.action,
      resource: auth.resource,
      alsoTouches: [...(auth.additionalResources ?? [])],
    });
  }
  return rows.sort((a, b) => a.api.localeCompare(b.api));
}

/** The Markdown table docs/ram.md carries (scripts/ram-table.ts prints it). */
export async function easAuthorizationMarkdown(): Promise<string> {
  const lines = ['| API | method and path | RAM action | resource ARN |', '|---|---|---|---|'];
  for (const r of await easAuthorizationTable()) {
    lines.push(
      `| ${r.api} | \`${r.method} ${r.path}\` | \`${r.action}\` | ${[r.resource, ...r.alsoTouches].map((x) => `\`${x}\``).join(' and ')} |`,
    );
  }
  return lines.join('\n') + '\n';
}
