import { intlLocale, isLocale, type Locale } from '../../locales.ts';
import { m } from '../../paraglide/messages.js';
import { renderEmail, type RenderedEmail } from '../mail/layout.ts';

export interface SignInEmailContent {
	/** The supporter's language; an unknown one falls back to English. */
	locale: string;
	organisationName: string;
	/** The whole single-use link, e.g. https://give.example.org/my/sign-in?token=… */
	signInUrl: string;
	validMinutes: number;
}

/** The sign-in link email in the supporter's language, as HTML and plain text. Pure. */
export function renderSignInEmail(content: SignInEmailContent): RenderedEmail {
	const locale: Locale = isLocale(content.locale) ? content.locale : 'en';
	const options = { locale };
	const organisation = content.organisationName;
	return renderEmail({
		locale,
		subject: m.my_email_subject({ organisation }, options),
		heading: m.my_email_heading({}, options),
		paragraphs: [
			m.my_email_intro({ organisation }, options),
			m.my_email_validity(
				{ minutes: new Intl.NumberFormat(intlLocale(locale)).format(content.validMinutes) },
				options
			)
		],
		action: { label: m.my_email_action({}, options), url: content.signInUrl },
		footer: [m.my_email_ignore({}, options), organisation]
	});
}
