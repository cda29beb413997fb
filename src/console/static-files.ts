// The console's front end (console/, built by `npm run build` with Vite into dist/console/web/) as
// static files: read once at start-up, gzip-compressed once, served from memory. Hashed assets
// (assets/<name>-<hash>.js|css) are immutable and cached for a year; index.html is never cached, so
// a new build is picked up on the next load. Any other path under /console/ is a client-side route
// and gets index.html. Nothing comes from a CDN: the console works offline.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Scripts only from this origin; Mantine sets inline styles; the console talks only to its own server. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

interface StaticFile {
  type: string;
  body: Buffer;
  gzip?: Buffer;
  immutable: boolean;
}

/** dist/console/web next to the compiled module, or (running from src/ under tsx) the built one in dist/. */
export function webRoot(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [path.join(here, 'web'), path.join(here, '../../dist/console/web')]) {
    if (fs.existsSync(path.join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

export class ConsoleFiles {
  readonly #files = new Map<string, StaticFile>();

  private constructor(root: string) {
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else {
          const rel = path.relative(root, full).split(path.sep).join('/');
          const body = fs.readFileSync(full);
          const type = TYPES[path.extname(entry.name)] ?? 'application/octet-stream';
          const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 1024;
          this.#files.set(rel, {
            type,
            body,
            gzip: compressible ? zlib.gzipSync(body, { level: 9 }) : undefined,
            immutable: rel.startsWith('assets/'),
          });
        }
      }
    };
    walk(root);
  }

  /** The built console, or undefined when it was not built (the server then shows its home page at `/`). */
  static load(): ConsoleFiles | undefined {
    const root = webRoot();
    return root ? new ConsoleFiles(root) : undefined;
  }

  /** Serves `/console/<rel>`: a file, or index.html for client-side routes. */
  send(req: FastifyRequest, reply: FastifyReply, rel: string): FastifyReply {
    let file = this.#files.get(rel);
    if (!file && rel.startsWith('assets/')) {
      return reply.code(404).header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-store').send('not found');
    }
    file ??= this.#files.get('index.html')!;
    reply
      .code(200)
      .header('content-type', file.type)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', CONSOLE_CSP)
      .header('referrer-policy', 'same-origin')
      .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('vary', 'accept-encoding');
    if (file.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').send(file.gzip);
    }
    return reply.send(file.body);
  }
}
