import type { Logger } from 'pino';
import type { Locale } from '$lib/locales';
import type { StaffIdentity } from '$lib/server/auth/guard';
import type { SupporterIdentity } from '$lib/server/self-service/session';

declare global {
	namespace App {
		interface Locals {
			requestId: string;
			log: Logger;
			locale: Locale;
			/** The signed-in staff member (second factor given, where they have one), else null. */
			staff: StaffIdentity | null;
			/** The id of the staff session behind `staff`, for signing out. */
			staffSessionId: string | null;
			/** The supporter signed in on /my, else null. */
			supporter: SupporterIdentity | null;
			supporterSessionId: string | null;
		}
		interface Error {
			message: string;
			requestId?: string;
		}
	}
}

export {};
