// The baseline: a bare Fastify JSON route, same Node, same machine, same load generator. It checks
// no signature, so the signing load generator and the official client both get a 200.
import Fastify from 'fastify';
import crypto from 'node:crypto';

const app = Fastify({ logger: false });
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.all('/*', async (_req, reply) => {
  const id = crypto.randomUUID().toUpperCase();
  reply.header('x-acs-request-id', id);
  return { RequestId: id, ok: true };
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
