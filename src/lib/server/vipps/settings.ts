// Everything Komak reads from the environment about Vipps MobilePay, in one place, so that it
// moves as one piece into the shared config module.

export const VIPPS_PRODUCTION_URL = 'https://api.vipps.no';
export const VIPPS_TEST_URL = 'https://apitest.vipps.no';

export interface VippsSettings {
	clientId: string;
	clientSecret: string;
	subscriptionKey: string;
	merchantSerialNumber: string;
	/** Production by default; the test environment or a local fake by URL. */
	apiUrl: string;
}

/** The Vipps keys, or null when any is missing: then the appeal shows Vipps as before. */
export function vippsSettings(env: NodeJS.ProcessEnv = process.env): VippsSettings | null {
	const clientId = env.VIPPS_CLIENT_ID?.trim();
	const clientSecret = env.VIPPS_CLIENT_SECRET?.trim();
	const subscriptionKey = env.VIPPS_SUBSCRIPTION_KEY?.trim();
	const merchantSerialNumber = env.VIPPS_MERCHANT_SERIAL_NUMBER?.trim();
	if (!clientId || !clientSecret || !subscriptionKey || !merchantSerialNumber) return null;
	const apiUrl = new URL(env.VIPPS_API_URL?.trim() || VIPPS_PRODUCTION_URL);
	return {
		clientId,
		clientSecret,
		subscriptionKey,
		merchantSerialNumber,
		apiUrl: apiUrl.origin
	};
}

export const isVippsConfigured = (env: NodeJS.ProcessEnv = process.env) =>
	vippsSettings(env) !== null;
