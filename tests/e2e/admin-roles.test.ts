import { expect, test } from '@playwright/test';
import type { StaffRole } from '../../src/lib/server/db/schema.ts';
import { canReachPostgres, e2eDatabaseUrl } from './database.ts';
import { query } from './processes.ts';
import { staffSessionCookie } from './staff.ts';

// Every admin page and action, tried as anonymous, viewer, staff and admin. The roles allowed get
// their page (or their form's answer); the others are sent to sign-in (anonymous) or get 403, and
// the database is left exactly as it was.

type Who = 'anonymous' | StaffRole;
const everyone: Who[] = ['anonymous', 'viewer', 'staff', 'admin'];
const rank: Record<Who, number> = { anonymous: -1, viewer: 0, staff: 1, admin: 2 };

let supporterId = '';
let otherSupporterId = '';
let giftId = '';
let cardGiftId = '';
let batchId = '';
let emailId = '';

/** Pages (GET) with the least role that may open them; ids are filled in once seeded. */
const pages: [() => string, StaffRole][] = [
	[() => '/admin', 'viewer'],
	[() => '/admin/account', 'viewer'],
	[() => '/admin/supporters', 'viewer'],
	[() => `/admin/supporters/${supporterId}`, 'viewer'],
	[() => `/admin/supporters/${supporterId}/edit`, 'staff'],
	[() => `/admin/supporters/${supporterId}/merge`, 'staff'],
	[() => `/admin/supporters/${supporterId}/export.json`, 'staff'],
	[() => `/admin/supporters/${supporterId}/erase`, 'admin'],
	[() => '/admin/supporters/export.csv', 'staff'],
	[() => '/admin/contributions', 'viewer'],
	[() => `/admin/contributions/${giftId}`, 'viewer'],
	[() => `/admin/contributions/${giftId}/receipt.pdf`, 'viewer'],
	[() => `/admin/supporters/${supporterId}/statement-2026.pdf`, 'viewer'],
	[() => '/admin/statements', 'staff'],
	[() => '/admin/tax-report', 'admin'],
	[() => '/admin/contributions/new', 'staff'],
	[() => '/admin/contributions/export.csv', 'staff'],
	[() => '/admin/imports', 'staff'],
	[() => `/admin/imports/${batchId}`, 'staff'],
	[() => '/admin/settings', 'admin'],
	[() => '/admin/staff', 'admin'],
	[() => '/admin/audit', 'admin'],
	[() => '/admin/outbox', 'admin'],
	[() => `/admin/outbox/${emailId}`, 'admin'],
	[() => `/admin/outbox/${emailId}/preview`, 'admin']
];

/** Form actions (POST) with the least role that may use them. */
const actions: [() => string, StaffRole][] = [
	[() => '/admin/account?/password', 'viewer'],
	[() => '/admin/account?/language', 'viewer'],
	[() => '/admin/account?/startTwoFactor', 'viewer'],
	[() => `/admin/supporters/${supporterId}/edit?/save`, 'staff'],
	[() => `/admin/supporters/${supporterId}/merge?/merge`, 'staff'],
	[() => `/admin/supporters/${otherSupporterId}/erase?/erase`, 'admin'],
	[() => '/admin/contributions/new?/record', 'staff'],
	[() => `/admin/contributions/${giftId}?/edit`, 'staff'],
	[() => `/admin/contributions/${giftId}?/void`, 'staff'],
	[() => `/admin/contributions/${cardGiftId}?/refund`, 'admin'],
	[() => '/admin/imports?/preview', 'staff'],
	[() => '/admin/imports?/commit', 'staff'],
	[() => '/admin/statements?/start', 'staff'],
	[() => '/admin/settings?/save', 'admin'],
	[() => '/admin/staff?/invite', 'admin'],
	[() => '/admin/staff?/resend', 'admin'],
	[() => '/admin/staff?/role', 'admin'],
	[() => '/admin/staff?/disable', 'admin'],
	[() => `/admin/outbox/${emailId}?/sendAgain`, 'admin']
];

const cookies: Partial<Record<Who, string>> = {};

/** What a browser sends with a plain form post (SvelteKit answers others in JSON). */
const browserForm = (origin: string) => ({ origin, accept: 'text/html' });

/** A fingerprint of everything an admin action could write. */
async function databaseState() {
	const [state] = await query<Record<string, string>>(
		e2eDatabaseUrl(),
		`select
			(select count(*) from audit_log) as audit_entries,
			(select md5(coalesce(string_agg(s::text, '|' order by id), '')) from supporter s) as supporters,
			(select md5(coalesce(string_agg(c::text, '|' order by id), '')) from contribution c) as gifts,
			(select md5(coalesce(string_agg(u::text, '|' order by id), '')) from staff_user u) as staff,
			(select md5(o::text) from organisation o) as organisation,
			(select md5(coalesce(string_agg(c::text, '|' order by currency), '')) from currency_setting c) as currencies,
			(select count(*) from import_batch) as imports,
			(select md5(coalesce(string_agg(e::text, '|' order by id), '')) from email_message e) as emails`
	);
	return state;
}

const hasPostgres = await canReachPostgres();

test.describe('who may open which admin page and use which action', () => {
	test.skip(!hasPostgres, 'needs the PostgreSQL the test server runs on');
	test.describe.configure({ mode: 'serial' });

	test.beforeAll(async () => {
		const url = e2eDatabaseUrl();
		const suffix = Date.now().toString(36);
		[{ id: supporterId }, { id: otherSupporterId }] = await query<{ id: string }>(
			url,
			`insert into supporter (name, email) values ($1, $2), ($3, $4) returning id`,
			[
				'Matrix Supporter',
				`matrix-${suffix}@example.no`,
				'Matrix Other',
				`matrix-other-${suffix}@example.no`
			]
		);
		const { staff } = await staffSessionCookie('staff');
		[{ id: batchId }] = await query<{ id: string }>(
			url,
			`insert into import_batch (format, file_name, file_sha256, row_count, created_count, duplicate_count, staff_user_id)
			 values ('bank_csv', 'matrix.csv', $1, 0, 0, 0, $2) returning id`,
			[suffix, staff.id]
		);
		[{ id: giftId }, { id: cardGiftId }] = await query<{ id: string }>(
			url,
			// Past gifts to the mail worker (no receipt due), so it writes nothing while the matrix
			// compares the database before and after each refused action.
			`insert into contribution (supporter_id, channel, kind, amount_minor, currency, status, external_reference, payment_reference, recorded_by, receipt_skip_reason)
			 values ($1, 'bank_transfer', 'one_off', 50000, 'NOK', 'succeeded', $2, null, $3, 'before_receipts'),
			        ($1, 'card', 'one_off', 25000, 'NOK', 'succeeded', $4, $4, null, 'before_receipts')
			 returning id`,
			[supporterId, `MATRIX-${suffix}`, staff.id, `pi_matrix_${suffix}`]
		);
		[{ id: emailId }] = await query<{ id: string }>(
			url,
			`insert into email_message (kind, to_address, subject, text_body, html_body, status, attempts, last_error)
			 values ('receipt', $1, 'Matrix receipt', 'Thank you', '<p>Thank you</p>', 'failed', 7, '451 Try again later')
			 returning id`,
			[`matrix-${suffix}@example.no`]
		);
		for (const role of ['viewer', 'staff', 'admin'] as const) {
			cookies[role] = (await staffSessionCookie(role)).cookie;
		}
	});

	for (const who of everyone) {
		test(`pages as ${who}`, async ({ request }) => {
			for (const [path, least] of pages) {
				const response = await request.get(path(), {
					headers: cookies[who] ? { cookie: cookies[who]! } : {},
					maxRedirects: 0
				});
				const where = `${who} GET ${path()}`;
				if (who === 'anonymous') {
					expect(response.status(), where).toBe(303);
					expect(response.headers().location, where).toMatch(/^\/admin\/sign-in\?next=/);
				} else if (rank[who] < rank[least]) {
					expect(response.status(), where).toBe(403);
				} else {
					expect(response.status(), where).toBe(200);
				}
				expect(response.headers()['cache-control'] ?? '', where).toMatch(/no-store/);
			}
		});
	}

	for (const who of everyone) {
		test(`actions as ${who}`, async ({ request, baseURL }) => {
			for (const [path, least] of actions) {
				const isAllowed = who !== 'anonymous' && rank[who] >= rank[least];
				if (isAllowed) continue; // tried below, once nothing else will be compared
				const before = await databaseState();
				const response = await request.post(path(), {
					headers: { ...browserForm(baseURL!), ...(cookies[who] ? { cookie: cookies[who]! } : {}) },
					form: { reason: 'matrix', confirm: 'yes', role: 'admin', name: 'Changed' },
					maxRedirects: 0
				});
				const where = `${who} POST ${path()}`;
				if (who === 'anonymous') {
					expect(response.status(), where).toBe(303);
					expect(response.headers().location, where).toMatch(/^\/admin\/sign-in/);
				} else {
					expect(response.status(), where).toBe(403);
				}
				expect(await databaseState(), where).toEqual(before);
			}
		});
	}

	test('the allowed roles reach every action (an empty form gets its field messages, or 404 for a record it does not name)', async ({
		request,
		baseURL
	}) => {
		for (const [path, least] of actions) {
			for (const who of everyone.filter((w) => w !== 'anonymous' && rank[w] >= rank[least])) {
				const response = await request.post(path(), {
					headers: { ...browserForm(baseURL!), cookie: cookies[who]! },
					form: {},
					maxRedirects: 0
				});
				const where = `${who} POST ${path()}`;
				expect([200, 303, 400, 404], where).toContain(response.status());
				expect(response.headers().location ?? '', where).not.toMatch(/sign-in/);
			}
		}
	});

	test('a write from another site is refused, whoever is signed in', async ({ request }) => {
		const before = await databaseState();
		const response = await request.post('/admin/settings?/save', {
			headers: { ...browserForm('https://evil.example'), cookie: cookies.admin! },
			form: { name: 'Hijacked' },
			maxRedirects: 0
		});
		expect(response.status()).toBe(403);
		expect(await databaseState()).toEqual(before);
	});
});
