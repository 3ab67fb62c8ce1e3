// npm run staff:create -- --email laila@dawatmedia.no --role admin [--name "Laila Ahmadi"] [--password-stdin]
// Creates a staff account from the shell: the first admin, or anyone when the admin is out of
// reach. Asks for the password twice without showing it, or reads one line from stdin.
import { parseArgs } from 'node:util';
import { recordAudit } from '../src/lib/server/organisation/audit.ts';
import {
	checkPasswordRule,
	hashPassword,
	type PasswordRuleKey
} from '../src/lib/server/auth/password.ts';
import { createStaffUser, isStaffRole, staffAuditView } from '../src/lib/server/auth/staff.ts';
import {
	createDatabase,
	databaseOptionsFromEnv,
	describeDatabase
} from '../src/lib/server/db/connection.ts';
import { migrateToLatest } from '../src/lib/server/db/migrate.ts';
import { embeddedDatabaseInUse } from '../src/lib/server/db/pglite-lock.ts';
import { config } from '../src/lib/server/config.ts';

const usage =
	'Usage: npm run staff:create -- --email <address> --role <admin|staff|viewer> [--name "<name>"] [--password-stdin]';

const passwordRuleText: Record<PasswordRuleKey, string> = {
	auth_password_too_short: 'The password must have at least 12 characters.',
	auth_password_too_long: 'The password must have at most 256 characters.',
	auth_password_is_email: 'The password must not be the email address.',
	auth_password_too_common: 'That password is one of the first an attacker tries; choose another.'
};

function fail(message: string): never {
	console.error(message);
	process.exit(1);
}

/** Reads one line from a terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const input = process.stdin;
		process.stdout.write(question);
		input.setRawMode(true);
		input.resume();
		input.setEncoding('utf8');
		let answer = '';
		const done = (error?: Error) => {
			input.setRawMode(false);
			input.pause();
			input.removeListener('data', onData);
			process.stdout.write('\n');
			if (error) reject(error);
			else resolve(answer);
		};
		const onData = (chunk: string) => {
			for (const char of chunk) {
				if (char === '\r' || char === '\n') return done();
				if (char === '\u0003') return done(new Error('cancelled'));
				if (char === '\u007f' || char === '\b') answer = answer.slice(0, -1);
				else if (char >= ' ') answer += char;
			}
		};
		input.on('data', onData);
	});
}

async function readPasswordFromStdin(): Promise<string> {
	let text = '';
	for await (const chunk of process.stdin) text += chunk;
	return text.split(/\r?\n/)[0];
}

const { values } = parseArgs({
	options: {
		email: { type: 'string' },
		role: { type: 'string' },
		name: { type: 'string', default: '' },
		'password-stdin': { type: 'boolean', default: false },
		help: { type: 'boolean', short: 'h', default: false }
	}
});
if (values.help) {
	console.log(usage);
	process.exit(0);
}
const email = values.email?.trim() ?? '';
if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) fail(`Give an email address.\n${usage}`);
const role = values.role;
if (!isStaffRole(role)) fail(`Give a role: admin, staff or viewer.\n${usage}`);

const options = databaseOptionsFromEnv();
const inUse = embeddedDatabaseInUse(options);
if (inUse) {
	fail(
		`${inUse}\n` +
			'Two processes writing to it would damage it: stop the app (Ctrl+C) and run this again,\n' +
			'or, while no staff account exists, use the setup link the app printed at start.'
	);
}

let password: string;
if (values['password-stdin']) {
	password = await readPasswordFromStdin();
} else {
	if (!process.stdin.isTTY)
		fail('No terminal to ask for the password: pipe it in with --password-stdin.');
	password = await promptHidden('Password: ').catch(() => fail('Cancelled.'));
	const repeated = await promptHidden('Password again: ').catch(() => fail('Cancelled.'));
	if (password !== repeated) fail('The two passwords are not the same.');
}
const broken = checkPasswordRule(password, email);
if (broken) fail(passwordRuleText[broken]);

const db = createDatabase(options);
try {
	await migrateToLatest(db);
	const passwordHash = await hashPassword(password);
	const result = await db.transaction().execute(async (trx) => {
		const created = await createStaffUser(trx, { email, name: values.name, role, passwordHash });
		if (created.ok) {
			await recordAudit(trx, {
				staffUserId: null,
				action: 'staff.create',
				entityType: 'staff_user',
				entityId: created.user.id,
				after: { ...staffAuditView(created.user), source: 'staff:create' }
			});
		}
		return created;
	});
	if (!result.ok) {
		process.exitCode = 1;
		console.error(`There is already a staff account with the email ${email}.`);
	} else {
		const origin = config().ORIGIN;
		console.log(`Created ${role} ${result.user.email} in ${describeDatabase(options)}.`);
		console.log(`Sign in at ${origin}/admin/sign-in`);
	}
} catch (error) {
	process.exitCode = 1;
	console.error('Could not create the staff account:');
	console.error(error);
} finally {
	await db.destroy();
}
