// What the command line says when it cannot do its work: one line that names the cause and what to
// change, never a stack trace. Settings (ConfigError) and the data directory (DataDirError) already
// say it; network failures at start-up are translated here.

interface NetworkError extends NodeJS.ErrnoException {
  address?: string;
  port?: number;
  hostname?: string;
}

function listenFailure(e: NetworkError): string | undefined {
  const host = e.address?.includes(':') ? `[${e.address}]` : e.address;
  const where = e.port === undefined ? `${host}` : `${host}:${e.port}`;
  switch (e.code) {
    case 'EADDRINUSE':
      return (
        `cannot listen on ${where}: the port is already in use (EADDRINUSE); ` +
        'stop what is using it or choose another port with --port (OPENEAS_PORT; 0 picks a free one)'
      );
    case 'EACCES':
      return `cannot listen on ${where}: permission denied (EACCES); ports below 1024 need privileges, choose another with --port`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: no network interface of this machine has that address (EADDRNOTAVAIL); check --host`;
    default:
      return undefined;
  }
}

/** The one line printed after `openeas: `. */
export function describeFailure(error: unknown): string {
  const e = error as NetworkError;
  if (e?.syscall === 'listen') return listenFailure(e) ?? e.message;
  if (e?.syscall === 'getaddrinfo' && e.hostname !== undefined) {
    return `cannot resolve ${e.hostname} (${e.code}); check --host or the --database-url host`;
  }
  if (e?.syscall === 'connect' && e.code === 'ECONNREFUSED') {
    return `nothing accepts connections at ${e.address}:${e.port} (ECONNREFUSED); is the PostgreSQL server of --database-url running?`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ');
}
