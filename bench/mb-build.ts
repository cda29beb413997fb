// Microbenchmark of building one audit event (CreateResourceInstances), two builds alternating: CPU
// per event, and the heap one built event keeps while it waits to be written (its 50 ms):
//   node --expose-gc --import tsx bench/mb-build.ts <distA> <distB>
const [a, b] = [process.argv[2], process.argv[3]];
if (!a || !b) throw new Error('usage: node --import tsx bench/mb-build.ts <distA> <distB> (absolute paths of built dist/ folders)');
const builds = [(await import(`${a}/audit/event.js`)).buildEvent, (await import(`${b}/audit/event.js`)).buildEvent];
const config = { defaultRegion: 'cn-hangzhou', trustedProxies: [] } as any;
const mk = (i: number) => ({
  request: {
    id: 'C0FFEE00-0000-4000-8000-00000000000' + (i % 10),
    headers: { host: '127.0.0.1:8080', 'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/2' },
    protocol: 'http',
    log: console,
  },
  operation: { action: 'CreateResourceInstances', product: 'eas', version: '2021-07-01' },
  caller: {
    accountId: '1000000000000001',
    accessKeyId: 'LTAI5tBenchmarkKeyId000000',
    principalType: 'root',
    principalId: '1000000000000001',
    displayName: '1000000000000001',
    arn: 'acs:ram::1000000000000001:root',
  },
  ctx: { region: 'cn-hangzhou', sourceIp: '127.0.0.1' },
  authorization: { resource: 'acs:eas:cn-hangzhou:1000000000000001:resource/eas-r-abcdefghijklmnopqr', additionalResources: [] },
  raw: {
    params: { ClusterId: 'cn-hangzhou', ResourceId: 'eas-r-abcdefghijklmnopqr' },
    query: {},
    body: JSON.parse(JSON.stringify({ EcsInstanceType: 'ecs.g6.large', EcsInstanceCount: 1, ChargeType: 'PostPaid' })),
  },
  output: {
    RequestId: 'C0FFEE00-0000-4000-8000-000000000000',
    Message: 'success',
    ResourceId: 'eas-r-abcdefghijklmnopqr',
    InstanceIds: ['eas-i-0abcdefgh' + String(i).padStart(9, '0')],
  },
});
const calls = Array.from({ length: 1000 }, (_, i) => mk(i));
let keep: unknown[] = [];
const res: number[][] = [[], []];
for (let round = 0; round < 16; round++) {
  for (const w of [0, 1]) {
    const t0 = process.hrtime.bigint();
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      keep.push(builds[w](calls[i % 1000] as any, config, 1767225600000 + i));
      if (keep.length >= 100) keep = [];
    }
    res[w]!.push(Number(process.hrtime.bigint() - t0) / n / 1000);
  }
}
const med = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1]!;
console.log(`A ${med(res[0]!).toFixed(2)} µs, B ${med(res[1]!).toFixed(2)} µs per event (medians of 16 rounds)`);
const gc = (globalThis as { gc?: () => void }).gc;
/** Heap kept per event by 20,000 built events (measured inside a function, so they die when it returns). */
function keptPerEvent(build: (typeof builds)[number]): number {
  gc!();
  const before = process.memoryUsage().heapUsed;
  const kept = Array.from({ length: 20_000 }, (_, i) => build(calls[i % calls.length] as any, config, 1767225600000 + i));
  gc!();
  return (process.memoryUsage().heapUsed - before) / kept.length;
}
if (gc) {
  const [ka, kb] = [keptPerEvent(builds[0]), keptPerEvent(builds[1])];
  console.log(`heap kept per built event: A ${ka.toFixed(0)} bytes, B ${kb.toFixed(0)} bytes`);
}
