import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { baseLocale } from '$lib/paraglide/runtime';
import { textDirection } from '$lib/locales';
import { authenticateStaff } from '$lib/server/auth/handle';
import {
	adoptBrowserLanguage,
	claimAdminLanguage,
	claimEmbedLanguage,
	isEmbedPath
} from '$lib/server/auth/admin-language';
import { appSecretKeys } from '$lib/server/auth/secret-box';
import { config } from '$lib/server/config';
import { announceFirstRunSetup } from '$lib/server/auth/setup';
import { closeDatabase, getDatabase, prepareDatabase } from '$lib/server/db/instance';
import { databaseOptionsFromEnv } from '$lib/server/db/connection';
import { log } from '$lib/server/log';
import { findOrganisation, getAppealSettings } from '$lib/server/organisation/settings';
import { mailWorkerOptionsFromEnv, startMailWorker } from '$lib/server/mail/worker';
import { holdPgliteDirectory } from '$lib/server/db/pglite-lock';
import { resumeStatementRuns } from '$lib/server/documents/statement-runs';
import { authenticateSupporter } from '$lib/server/self-service/handle';
import {
	checkVippsWebhookAtStart,
	startVippsChargeScheduler,
	startVippsEventApplier
} from '$lib/server/vipps/start';

export const init: ServerInit = async () => {
	// A bad setting, or a missing or malformed secret key, stops the start (scripts/start.ts says
	// why first).
	config();
	appSecretKeys();
	await prepareDatabase();
	const { databaseUrl, pgliteDir } = databaseOptionsFromEnv();
	// So that `npm run staff:create` refuses to open the embedded database while we hold it.
	if (!databaseUrl) holdPgliteDirectory(pgliteDir ?? './data/pglite');
	// Dates follow the organisation's time zone from the first request on.
	await findOrganisation(getDatabase());
	await announceFirstRunSetup(getDatabase(), config().ORIGIN);
	// Bulk statement sends that a restart interrupted carry on in the background.
	await resumeStatementRuns(getDatabase(), { origin: config().ORIGIN });
	const mailWorker = startMailWorker(getDatabase(), mailWorkerOptionsFromEnv());
	// In the background: a slow Vipps must not hold up the start.
	void checkVippsWebhookAtStart(getDatabase(), config().ORIGIN);
	// Monthly Vipps gifts: each month's charge is created ahead of its day (once, across instances).
	const vippsScheduler = startVippsChargeScheduler(getDatabase());
	// Vipps events the webhook stored are applied here, and those left from before at once.
	const vippsEvents = startVippsEventApplier(getDatabase(), config().ORIGIN);
	// scripts/start.ts emits this as soon as it is told to stop: no new mail is taken meanwhile.
	process.once('komak:draining', () => void mailWorker.stop());
	// adapter-node emits this after SIGTERM/SIGINT, once open requests have drained.
	process.once('sveltekit:shutdown', async (reason) => {
		log.info({ reason }, 'shutting down');
		// The message being sent is finished and marked before the pool closes.
		await mailWorker.stop();
		await vippsScheduler?.stop();
		await vippsEvents?.stop();
		await closeDatabase();
	});
};

const requestContext: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	const incoming = event.request.headers.get('x-request-id');
	event.locals.requestId =
		incoming && /^[\w-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
	event.locals.log = log.child({ requestId: event.locals.requestId });
	event.locals.staff = null;
	event.locals.staffSessionId = null;
	event.locals.supporter = null;
	event.locals.supporterSessionId = null;
	const response = await resolve(event);
	response.headers.set('x-request-id', event.locals.requestId);
	event.locals.log.info(
		{
			method: event.request.method,
			path: event.url.pathname,
			status: response.status,
			ms: Math.round(performance.now() - started)
		},
		'request'
	);
	return response;
};

// A NUL (%00) in an address is never a person's doing, and PostgreSQL cannot store or compare
// it: such a request gets a plain 400 before any page or list reads its parameters.
const refuseNulInAddress: Handle = ({ event, resolve }) => {
	if (/%00/i.test(event.url.pathname + event.url.search))
		return new Response('Bad request: the address contains a NUL character (%00).', {
			status: 400,
			headers: { 'content-type': 'text/plain; charset=utf-8' }
		});
	return resolve(event);
};

let checkoutOrigin: string | undefined;

/**
 * The origins of a local Stripe's Checkout (STRIPE_API_URL) and a local Vipps's landing page
 * (VIPPS_API_URL, unless it is Vipps's own), or ''; found at the first request.
 */
function localCheckoutOrigin(): string {
	if (checkoutOrigin === undefined) {
		const { STRIPE_API_URL, VIPPS_API_URL } = config();
		checkoutOrigin = [STRIPE_API_URL, VIPPS_API_URL]
			.filter(
				(url): url is string => Boolean(url) && !/^https:\/\/[a-z.]*vipps\.no(\/|$)/.test(url!)
			)
			.map((url) => new URL(url).origin)
			.join(' ');
	}
	return checkoutOrigin;
}

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const headers = response.headers;
	headers.set('x-content-type-options', 'nosniff');
	headers.set('referrer-policy', 'strict-origin-when-cross-origin');
	// The appeal inside an article may be framed by the sites staff listed in settings, and only
	// by them (the list is in memory: no query per page; unreadable, by none).
	const framingOrigins = isEmbedPath(event.url.pathname)
		? await getAppealSettings(getDatabase()).then(
				({ organisation }) => organisation.embed_origins,
				() => []
			)
		: [];
	// A page that is meant to be framed by the admin (an email preview) says so itself.
	if (!headers.has('x-frame-options') && !framingOrigins.length)
		headers.set('x-frame-options', 'DENY');
	headers.set('cross-origin-opener-policy', 'same-origin');
	headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=(self)');
	if (event.url.protocol === 'https:')
		headers.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
	// The appeal's form ends at Stripe Checkout or Vipps; with a local Stripe or Vipps
	// (STRIPE_API_URL, VIPPS_API_URL) that is another origin, which the policy must name for the
	// redirect after the form post.
	let policy = headers.get('content-security-policy');
	if (policy && localCheckoutOrigin())
		policy = policy.replace('form-action ', `form-action ${localCheckoutOrigin()} `);
	if (policy && framingOrigins.length)
		policy = policy.replace(
			"frame-ancestors 'none'",
			`frame-ancestors ${framingOrigins.join(' ')}`
		);
	if (policy) headers.set('content-security-policy', policy);
	return response;
};

/** The Arabic-script web font for Pashto and Dari pages; English and Norwegian get no byte of it. */
const fontLinks = (locale: string) =>
	textDirection(locale) === 'rtl'
		? '<link rel="stylesheet" href="/fonts/arabic-script.css" />'
		: '';

// Machine endpoints speak no language; skipping the middleware spares a copy of each request.
const unlocalisedPaths = /^\/(webhooks\/|healthz$|embed\.js$)/;

const localisation: Handle = async ({ event, resolve }) => {
	if (unlocalisedPaths.test(event.url.pathname)) {
		event.locals.locale = baseLocale;
		return resolve(event);
	}
	await claimAdminLanguage(event);
	claimEmbedLanguage(event);
	return paraglideMiddleware(event.request, async ({ request, locale }) => {
		event.request = request;
		event.locals.locale = locale;
		await adoptBrowserLanguage(event, locale);
		const response = await resolve(event, {
			transformPageChunk: ({ html }) =>
				html
					.replace('%komak.lang%', locale)
					.replace('%komak.dir%', textDirection(locale))
					.replace('%komak.fonts%', fontLinks(locale))
		});
		// The language comes from the cookie or else Accept-Language (on /admin, from the signed-in
		// account, whose pages are private anyway): caches must keep them apart.
		response.headers.append('vary', 'Cookie, Accept-Language');
		return response;
	});
};

export const handle = sequence(
	requestContext,
	securityHeaders,
	refuseNulInAddress,
	authenticateStaff,
	authenticateSupporter,
	localisation
);

export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status !== 404) event.locals.log?.error({ err: error, status }, 'unhandled error');
	return {
		message: status === 404 ? 'Not found' : 'Something went wrong',
		requestId: event.locals.requestId
	};
};
