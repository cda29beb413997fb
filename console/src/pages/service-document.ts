// The console's as-you-type check of a service document, by the rules CreateService applies
// (docs/services.md); the API has the last word. Plain TypeScript, so unit tests can import it.
const NAME = /^[a-z][a-z0-9_]{2,62}$/;

/** What is wrong with a service document, by the rules CreateService applies (docs/services.md). */
export function serviceProblems(text: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return [`Not JSON: ${(e as Error).message}`];
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return ['The service document must be a JSON object.'];
  const d = doc as Record<string, unknown>;
  const meta = (d.metadata ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  const name = d.name ?? meta.name;
  if (typeof name !== 'string' || !NAME.test(name)) problems.push('name: 3–63 lowercase letters, digits or _, starting with a letter.');
  const int = (v: unknown, min: number, max: number) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
  if (meta.instance !== undefined && !int(meta.instance, 1, 1000)) problems.push('metadata.instance: an integer from 1 to 1000.');
  // Without metadata.resource the service runs on the public pool; an instance type there
  // (cloud.computing) makes cpu and memory optional (the server checks the type: docs/services.md).
  const pub = meta.resource === undefined || meta.resource === null || meta.resource === '';
  const computing = ((d.cloud ?? {}) as { computing?: { instance_type?: unknown; instances?: unknown } }).computing;
  const typed =
    pub && ((typeof computing?.instance_type === 'string' && computing.instance_type !== '') || Array.isArray(computing?.instances));
  if (typed ? meta.cpu !== undefined && !int(meta.cpu, 1, 512) : !int(meta.cpu, 1, 512))
    problems.push(typed ? 'metadata.cpu: an integer from 1 to 512.' : 'metadata.cpu: required, an integer from 1 to 512.');
  if (typed ? meta.memory !== undefined && !int(meta.memory, 1, 4194304) : !int(meta.memory, 1, 4194304))
    problems.push(
      typed ? 'metadata.memory: MB, an integer from 1 to 4194304.' : 'metadata.memory: required, MB, an integer from 1 to 4194304.',
    );
  if (meta.gpu !== undefined && !int(meta.gpu, 0, 64)) problems.push('metadata.gpu: an integer from 0 to 64.');
  if (!pub && (typeof meta.resource !== 'string' || !meta.resource.startsWith('eas-r-')))
    problems.push('metadata.resource: the id of a dedicated group (eas-r-…), or none for the public pool.');
  const containers = d.containers;
  const hasWorkload =
    (Array.isArray(containers) &&
      containers.length > 0 &&
      containers.every((c) => typeof (c as { image?: unknown })?.image === 'string')) ||
    d.processor !== undefined ||
    d.processor_path !== undefined;
  if (!hasWorkload) problems.push('A workload: containers (each with an image), processor, or processor_path.');
  return problems;
}
