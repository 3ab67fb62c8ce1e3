import { sql, type Kysely } from 'kysely';

// Contact consent can now be withdrawn and given again by the supporter on "My giving" as well as
// on the appeal and by staff. The supporter row keeps where the current answer was given (so the
// staff page can say "on the appeal" or "on My giving") and when consent was last withdrawn.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('supporter')
		.addColumn('contact_consent_source', 'text', (col) =>
			col.check(sql`contact_consent_source in ('appeal', 'my_giving', 'staff')`)
		)
		.addColumn('contact_consent_withdrawn_at', 'timestamptz')
		.execute();
	// Until now only the appeal stored the words shown; a consent without them was set by staff.
	await sql`update supporter set contact_consent_source = case
		when contact_consent_wording is not null then 'appeal' else 'staff' end
		where has_contact_consent`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('supporter')
		.dropColumn('contact_consent_source')
		.dropColumn('contact_consent_withdrawn_at')
		.execute();
}
