// npm start: serves the built app (npm's prestart builds it). The server migrates the database
// before it listens: the embedded PGlite under ./data unless DATABASE_URL names a PostgreSQL.
import path from 'node:path';

process.env.PORT ??= '3000';
process.env.NODE_ENV ??= 'production';

await import(path.resolve('build/index.js'));

const database = process.env.DATABASE_URL
	? `PostgreSQL (${new URL(process.env.DATABASE_URL).host})`
	: `embedded PGlite in ${process.env.PGLITE_DIR ?? './data/pglite'}`;
console.log(`
  Komak is ready: ${process.env.ORIGIN ?? `http://localhost:${process.env.PORT}`}
  Database: ${database}
  Health check: /healthz   Stop: Ctrl+C
`);
