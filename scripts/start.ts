// The production server (npm start, the Docker image): SvelteKit's adapter-node handler behind a
// short-lived page cache, every text response compressed, with the same graceful shutdown as
// adapter-node's own entry.
// The app migrates the database before it listens: embedded PGlite under ./data unless
// DATABASE_URL names a PostgreSQL server.
import http from 'node:http';
import path from 'node:path';
import { loadSecretKeys, SecretKeyError } from '../src/lib/server/auth/secret-box.ts';
import { config, ConfigError, type Config } from '../src/lib/server/config.ts';
import { log } from '../src/lib/server/log.ts';
import { compressResponse } from '../src/lib/server/http/compression.ts';
import { createPageCache } from '../src/lib/server/http/page-cache.ts';

process.env.NODE_ENV ??= 'production';

// A setting Komak cannot use (PORT=abc, an ORIGIN that is no URL) stops the start, naming the
// variable. Without its secret key on PostgreSQL, Komak would lock out two-factor sign-in and tax
// numbers sealed with it: refuse to start, saying how to make one, before anything else happens.
function checkedSettings(): Config {
	try {
		const settings = config();
		loadSecretKeys();
		return settings;
	} catch (error) {
		if (!(error instanceof ConfigError || error instanceof SecretKeyError)) throw error;
		console.error(`Komak cannot start: ${error.message}`);
		process.exit(1);
	}
}
const settings = checkedSettings();
const { PORT: port, HOST: host, SHUTDOWN_TIMEOUT: shutdownTimeoutSeconds } = settings;
// adapter-node assumes https when ORIGIN is unset, which would refuse every form post on a
// local http://localhost (the default is http://localhost:$PORT). Behind a proxy, set ORIGIN to
// the public address.
process.env.ORIGIN = settings.ORIGIN;
// adapter-node refuses bodies over 512 kB by default; a year's bank statement is larger (4M).
process.env.BODY_SIZE_LIMIT = settings.BODY_SIZE_LIMIT;

// Importing the handler runs the app's init hook: the database is migrated before we listen.
const { handler } = await import(path.resolve('build/handler.js'));

const pageCache = createPageCache({
	ttlMs: settings.PAGE_CACHE_SECONDS * 1000,
	paths: ['/', '/embed'],
	// The appeal inside articles: one entry per campaign, language and article.
	pathPrefixes: ['/embed/'],
	localeCookie: 'PARAGLIDE_LOCALE',
	onHit: ({ requestId, path, status }) =>
		log.info({ requestId, method: 'GET', path, status, ms: 0, cache: 'hit' }, 'request')
});

const server = http.createServer((request, response) => {
	// Static files (the script bundles, robots.txt) are served by adapter-node outside the app's
	// hooks, so the one header every response needs is set here for all of them.
	response.setHeader('x-content-type-options', 'nosniff');
	// Outermost, so that what the page cache keeps is the page itself; its copies arrive already
	// compressed and pass through.
	compressResponse(request, response);
	pageCache.handle(request, response, () => handler(request, response));
});

server.listen(port, host, () => {
	const database = settings.DATABASE_URL
		? `PostgreSQL (${new URL(settings.DATABASE_URL).host})`
		: `embedded PGlite in ${settings.PGLITE_DIR ?? './data/pglite'}`;
	const address = settings.ORIGIN;
	console.log(`Listening on http://${host}:${port}
  Komak is ready: ${address}
  Database: ${database}
  Health check: ${address}/healthz   Stop: Ctrl+C`);
});

let isShuttingDown = false;
function shutdown(reason: string) {
	if (isShuttingDown) return;
	isShuttingDown = true;
	const emit = process.emit as (event: string, ...args: unknown[]) => boolean;
	// The app's mail worker stops taking new messages while requests drain.
	emit.call(process, 'komak:draining', reason);
	// Keep-alive connections would hold close() open: drop the idle ones, let busy ones finish.
	server.closeIdleConnections();
	const forceClose = setTimeout(() => server.closeAllConnections(), shutdownTimeoutSeconds * 1000);
	server.close(() => {
		clearTimeout(forceClose);
		// The app's hook stops the mail worker and closes the database pool on this event (as with
		// adapter-node's entry).
		emit.call(process, 'sveltekit:shutdown', reason);
	});
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
