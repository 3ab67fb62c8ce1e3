import type { Logger } from 'pino';
import type { Locale } from '$lib/locales';

declare global {
	namespace App {
		interface Locals {
			requestId: string;
			log: Logger;
			locale: Locale;
		}
		interface Error {
			message: string;
			requestId?: string;
		}
	}
}

export {};
