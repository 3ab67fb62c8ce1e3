import { m } from '$lib/paraglide/messages';
import { isolateDirection } from '$lib/locales';
import { formatMoney } from '$lib/money';
import type { StaffRole } from '$lib/server/db/schema';

// The audit log in words: "Laila Ahmadi disabled the account of Farid Noori", in the reader's
// language, with the actor and the subject as parts of the sentence so the page can link them
// (and keep a Latin name whole inside Dari or Pashto). Names inside a part are isolated.
// An action this file does not know yet is still shown, as its stored code.

export interface AuditSubjectFacts {
	action: string;
	entity_type: string;
	entity_id: string | null;
	after: unknown;
	staff_user_id: string | null;
	staffName: string | null;
	staffEmail: string | null;
	subjectStaffName: string | null;
	subjectStaffEmail: string | null;
	supporterName: string | null;
	supporterEmail: string | null;
	giftAmountMinor: number | string | null;
	giftCurrency: string | null;
	giverName: string | null;
	emailTo: string | null;
	importFileName: string | null;
	statementYear: number | null;
	campaignName?: string | null;
}

/** A piece of the sentence: plain words, or a name (with a link when it can be opened). */
export type SentencePart = { text: string; kind: 'words' | 'name'; href?: string };

interface SentenceInputs {
	actor: string;
	subject: string;
	role: string;
	action: string;
}

// Stand-ins the message puts where the names go; private-use characters no translation contains.
const ACTOR = '\uE000';
const SUBJECT = '\uE001';

const sentences: Record<string, (inputs: SentenceInputs) => string> = {
	'staff.create': m.audit_staff_create,
	'staff.invite': m.audit_staff_invite,
	'staff.invite_resend': m.audit_staff_invite_resend,
	'staff.invite_accept': m.audit_staff_invite_accept,
	'staff.setup': m.audit_staff_setup,
	'staff.role_change': m.audit_staff_role_change,
	'staff.disable': m.audit_staff_disable,
	'staff.enable': m.audit_staff_enable,
	'staff.password_change': m.audit_staff_password_change,
	'staff.sign_out_everywhere': m.audit_staff_sign_out_everywhere,
	'staff.two_factor_enrolment_start': m.audit_staff_two_factor_enrolment_start,
	'staff.two_factor_enrolment_cancel': m.audit_staff_two_factor_enrolment_cancel,
	'staff.two_factor_enable': m.audit_staff_two_factor_enable,
	'staff.two_factor_disable': m.audit_staff_two_factor_disable,
	'staff.recovery_codes_regenerate': m.audit_staff_recovery_codes_regenerate,
	'supporter.update': m.audit_supporter_update,
	'supporter.merge': m.audit_supporter_merge,
	'supporter.merged_into': m.audit_supporter_merged_into,
	'supporter.erase': m.audit_supporter_erase,
	'supporter.export': m.audit_supporter_export,
	'supporters.export': m.audit_supporters_export,
	'contributions.export': m.audit_contributions_export,
	'contribution.record': m.audit_contribution_record,
	'contribution.edit': m.audit_contribution_edit,
	'contribution.void': m.audit_contribution_void,
	'contribution.refund': m.audit_contribution_refund,
	'email.send_again': m.audit_email_send_again,
	'settings.update': m.audit_settings_update,
	'campaign.create': m.audit_campaign_create,
	'campaign.update': m.audit_campaign_update,
	'import.commit': m.audit_import_commit,
	'statements.send': m.audit_statements_send,
	'tax_report.export': m.audit_tax_report_export,
	'secrets.rotate': m.audit_secrets_rotate
};

const roleNames: Record<StaffRole, () => string> = {
	admin: m.admin_role_admin,
	staff: m.admin_role_staff,
	viewer: m.admin_role_viewer
};

function roleAfter(after: unknown): string {
	const role = (after as { role?: string } | null)?.role;
	return role && role in roleNames ? roleNames[role as StaffRole]() : '';
}

function actorPart(entry: AuditSubjectFacts): SentencePart {
	if (!entry.staff_user_id) return { text: m.admin_audit_system(), kind: 'name' };
	return {
		text: entry.staffName || entry.staffEmail || m.audit_actor_removed(),
		kind: 'name',
		href: `/admin/staff#staff-${entry.staff_user_id}`
	};
}

/** What the entry was done to, named as the reader would, with where to open it. */
function subjectPart(entry: AuditSubjectFacts, locale: string): SentencePart | null {
	const id = entry.entity_id;
	const name = (text: string, href?: string): SentencePart => ({ text, kind: 'name', href });
	switch (entry.entity_type) {
		case 'supporter':
			if (!id) return null;
			return name(
				entry.supporterName || entry.supporterEmail || m.audit_subject_supporter_unnamed(),
				`/admin/supporters/${id}`
			);
		case 'contribution': {
			if (!id) return null;
			if (entry.giftAmountMinor === null || !entry.giftCurrency)
				return name(m.audit_subject_missing({ id }), `/admin/contributions/${id}`);
			const amount = formatMoney(Number(entry.giftAmountMinor), entry.giftCurrency, locale);
			return name(
				entry.giverName
					? m.audit_subject_gift({
							amount: isolateDirection(amount),
							giver: isolateDirection(entry.giverName)
						})
					: m.audit_subject_gift_anonymous({ amount: isolateDirection(amount) }),
				`/admin/contributions/${id}`
			);
		}
		case 'staff_user':
			if (!id) return null;
			return name(
				entry.subjectStaffName || entry.subjectStaffEmail || m.audit_actor_removed(),
				`/admin/staff#staff-${id}`
			);
		case 'email_message':
			if (!id) return null;
			return name(
				entry.emailTo
					? m.audit_subject_email({ to: isolateDirection(entry.emailTo) })
					: m.audit_subject_missing({ id }),
				`/admin/outbox/${id}`
			);
		case 'organisation':
			return name(m.audit_subject_settings(), '/admin/settings');
		case 'import_batch':
			if (!id) return null;
			return name(
				entry.importFileName
					? m.audit_subject_import({ file: isolateDirection(entry.importFileName) })
					: m.audit_subject_missing({ id }),
				`/admin/imports/${id}`
			);
		case 'statement_run':
			return name(
				entry.statementYear
					? m.audit_subject_statements({ year: String(entry.statementYear) })
					: m.audit_subject_missing({ id: id ?? '' }),
				'/admin/statements'
			);
		case 'campaign':
			if (!id) return null;
			return name(
				entry.campaignName
					? m.audit_subject_campaign({ name: isolateDirection(entry.campaignName) })
					: m.audit_subject_missing({ id }),
				`/admin/campaigns/${id}`
			);
		default:
			return id ? name(`${entry.entity_type} ${id}`) : null;
	}
}

/** The entry as a sentence in the current language, split where the names go. */
export function describeAuditEntry(entry: AuditSubjectFacts, locale: string): SentencePart[] {
	const subject = subjectPart(entry, locale);
	const sentence = sentences[entry.action] ?? m.audit_other;
	const text = sentence({
		actor: ACTOR,
		subject: SUBJECT,
		role: roleAfter(entry.after),
		action: entry.action
	});
	const parts: SentencePart[] = [];
	for (const piece of text.split(new RegExp(`([${ACTOR}${SUBJECT}])`))) {
		if (piece === ACTOR) parts.push(actorPart(entry));
		else if (piece === SUBJECT) parts.push(subject ?? { text: entry.entity_type, kind: 'words' });
		else if (piece) parts.push({ text: piece, kind: 'words' });
	}
	return parts;
}
