import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { databaseUrl, runAsAdmin } from '../postgres.ts';
import { testSecretKey } from '../secret-key.ts';

// Helpers for tests that run the built server as its own process (as production does), on a
// database of their own, sometimes behind a TCP relay the test can cut like a network fault.

export const admin = runAsAdmin;

/** A fresh database on the test server; returns its URL. */
export async function freshDatabase(name: string): Promise<string> {
	await admin(`drop database if exists ${name} with (force)`);
	await admin(`create database ${name}`);
	return databaseUrl(name);
}

export async function query<T extends object>(url: string, text: string, values: unknown[] = []) {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return (await client.query<T>(text, values)).rows;
	} finally {
		await client.end();
	}
}

export async function freePort(): Promise<number> {
	const server = net.createServer().listen(0, '127.0.0.1');
	await once(server, 'listening');
	const { port } = server.address() as net.AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

export function startRelay(target: URL) {
	const sockets = new Set<net.Socket>();
	let isSilent = false;
	const keep = (socket: net.Socket) => {
		sockets.add(socket);
		socket.on('error', () => {});
		socket.on('close', () => sockets.delete(socket));
	};
	const server = net.createServer((client) => {
		keep(client);
		// Silent: the connection is accepted and never answered.
		if (isSilent) return client.pause();
		const upstream = net.connect(Number(target.port || 5432), target.hostname);
		keep(upstream);
		client.pipe(upstream).pipe(client);
	});
	return {
		server,
		cut() {
			server.close();
			for (const socket of sockets) socket.destroy();
		},
		/** Like a frozen proxy: connections stay open, and nothing passes either way any more. */
		silence() {
			isSilent = true;
			for (const socket of sockets) {
				socket.unpipe();
				socket.pause();
			}
		}
	};
}

export interface AppProcess {
	app: ChildProcess;
	url: string;
	output: () => string;
	stop: () => Promise<void>;
}

/** Starts `node scripts/start.ts` and waits for its health check. */
export async function startApp(env: Record<string, string>, port?: number): Promise<AppProcess> {
	port ??= await freePort();
	let output = '';
	const url = `http://localhost:${port}`;
	const app = spawn(
		process.execPath,
		['--max-semi-space-size=8', path.resolve('scripts/start.ts')],
		{
			env: {
				...process.env,
				PORT: String(port),
				ORIGIN: url,
				LOG_LEVEL: 'info',
				KOMAK_SECRET_KEY: testSecretKey(),
				...env
			},
			stdio: ['ignore', 'pipe', 'pipe']
		}
	);
	app.stdout!.on('data', (chunk) => (output += chunk));
	app.stderr!.on('data', (chunk) => (output += chunk));
	const stop = async () => {
		if (app.exitCode !== null || app.signalCode !== null) return;
		const exited = once(app, 'exit');
		app.kill('SIGTERM');
		await exited;
	};
	for (let i = 0; i < 150; i++) {
		if (app.exitCode !== null) break;
		const ok = await fetch(`${url}/healthz`).then(
			(r) => r.ok,
			() => false
		);
		if (ok) return { app, url, output: () => output, stop };
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	app.kill();
	throw new Error(`the app did not start:\n${output}`);
}
