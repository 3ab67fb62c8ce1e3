import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// PGlite lets a second process open a directory another process is using, and two writers
// corrupt it. A server on PGlite writes its process id beside the directory; a command-line tool
// that would open the same directory checks it first and refuses while that process lives.

export function pgliteOwnerFile(pgliteDir: string): string {
	return `${path.resolve(pgliteDir).replace(/[/\\]+$/, '')}.pid`;
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: the process exists but belongs to someone else.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** The id of another live process that holds the directory, or null. */
export function pgliteHolder(pgliteDir: string): number | null {
	let pid: number;
	try {
		pid = Number(readFileSync(pgliteOwnerFile(pgliteDir), 'utf8').trim());
	} catch {
		return null;
	}
	if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
	return isAlive(pid) ? pid : null;
}

/**
 * For a command-line tool: why it must not open the embedded database the options name (another
 * process, most likely the app, has it open), or null when it may (or the database is PostgreSQL).
 */
export function embeddedDatabaseInUse(options: { databaseUrl?: string; pgliteDir?: string }) {
	if (options.databaseUrl) return null;
	const pgliteDir = options.pgliteDir ?? './data/pglite';
	const holder = pgliteHolder(pgliteDir);
	if (holder === null) return null;
	return `The embedded database in ${pgliteDir} is open in another process (pid ${holder}), most likely the running app.`;
}

/** Marks the directory as this process's until it exits. */
export function holdPgliteDirectory(pgliteDir: string): void {
	if (pgliteDir.includes('://')) return;
	const file = pgliteOwnerFile(pgliteDir);
	mkdirSync(path.dirname(file), { recursive: true });
	writeFileSync(file, `${process.pid}\n`);
	process.once('exit', () => {
		try {
			if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
		} catch {
			// Already gone.
		}
	});
}
