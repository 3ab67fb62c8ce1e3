import { config, type Config } from '../config.ts';

// The Vipps MobilePay settings, from the config module (VIPPS_* variables).

type VippsVariables = Pick<
	Config,
	| 'VIPPS_CLIENT_ID'
	| 'VIPPS_CLIENT_SECRET'
	| 'VIPPS_SUBSCRIPTION_KEY'
	| 'VIPPS_MERCHANT_SERIAL_NUMBER'
	| 'VIPPS_API_URL'
>;

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
export function vippsSettings(env: Partial<VippsVariables> = config()): VippsSettings | null {
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

export const isVippsConfigured = (env: Partial<VippsVariables> = config()) =>
	vippsSettings(env) !== null;
