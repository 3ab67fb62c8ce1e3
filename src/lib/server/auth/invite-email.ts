import { intlLocale, type Locale } from '../../locales.ts';
import { m } from '../../paraglide/messages.js';
import { renderEmail, type RenderedEmail } from '../mail/layout.ts';

export interface InviteEmailContent {
	locale: Locale;
	/** The invitee's name, or '' when the admin gave none. */
	name: string;
	organisationName: string;
	/** The whole single-use link, e.g. https://give.example.org/admin/invite?token=… */
	inviteUrl: string;
	validDays: number;
}

/** The staff invitation in the language the inviting admin chose, as HTML and plain text. Pure. */
export function renderInviteEmail(content: InviteEmailContent): RenderedEmail {
	const options = { locale: content.locale };
	const organisation = content.organisationName;
	const days = new Intl.NumberFormat(intlLocale(content.locale)).format(content.validDays);
	return renderEmail({
		locale: content.locale,
		subject: m.staff_invite_email_subject({ organisation }, options),
		heading: m.staff_invite_email_heading({ organisation }, options),
		paragraphs: [
			content.name
				? m.staff_invite_email_greeting({ name: content.name }, options)
				: m.staff_invite_email_greeting_anonymous({}, options),
			m.staff_invite_email_intro({ organisation }, options),
			m.staff_invite_email_validity({ days }, options)
		],
		action: { label: m.staff_invite_email_action({}, options), url: content.inviteUrl },
		footer: [m.staff_invite_email_ignore({}, options), organisation]
	});
}
