import { unionTags } from './supporter-form.ts';

// What merging two records of one person does to the record that is kept. Pure, so the
// confirmation screen shows exactly what the merge will then do.

/** Why a merge cannot be done. */
export type MergeRefusal = 'not_found' | 'same_supporter' | 'already_merged' | 'erased';

/** The parts of a supporter a merge reads. */
export interface MergeableSupporter {
	name: string;
	email: string | null;
	phone: string | null;
	country: string | null;
	reference: string | null;
	stripe_customer_id: string | null;
	notes: string;
	tags: string[];
	is_anonymous_by_default: boolean;
}

/** The identifiers only one supporter may hold (unique indexes). */
export const uniqueIdentifiers = ['email', 'reference', 'stripe_customer_id'] as const;
export type UniqueIdentifier = (typeof uniqueIdentifiers)[number];

const fillableFields = ['name', 'phone', 'country', ...uniqueIdentifiers] as const;
export type FillableField = (typeof fillableFields)[number];

export interface SupporterMergeOutcome {
	/** The kept supporter's new values (only what changes). */
	keptChanges: Partial<MergeableSupporter>;
	/** Blank fields of the kept supporter that the other one fills. */
	filledFields: FillableField[];
	/**
	 * Identifiers of the other supporter that cannot move because the kept one has its own: they
	 * are cleared on the merged record (so a future gift by them finds no merged record) and stay
	 * in the audit log.
	 */
	unmovedIdentifiers: UniqueIdentifier[];
}

const isBlank = (value: string | null) => value === null || value.trim() === '';

/** Kept's notes, then the other's, each once. */
export function concatenateNotes(kept: string, other: string): string {
	const first = kept.trim();
	const second = other.trim();
	if (second === '' || second === first) return first;
	if (first === '') return second;
	return `${first}\n\n${second}`;
}

export function combineSupporters(
	kept: MergeableSupporter,
	other: MergeableSupporter
): SupporterMergeOutcome {
	const keptChanges: Partial<MergeableSupporter> = {};
	const filledFields: FillableField[] = [];
	for (const field of fillableFields) {
		if (isBlank(kept[field]) && !isBlank(other[field])) {
			keptChanges[field] = other[field] as string;
			filledFields.push(field);
		}
	}
	const unmovedIdentifiers = uniqueIdentifiers.filter(
		(field) => !isBlank(kept[field]) && !isBlank(other[field])
	);

	const tags = unionTags(kept.tags, other.tags);
	if (tags.length !== kept.tags.length) keptChanges.tags = tags;
	const notes = concatenateNotes(kept.notes, other.notes);
	if (notes !== kept.notes) keptChanges.notes = notes;
	// Someone who asked to give anonymously under either record keeps that wish.
	if (other.is_anonymous_by_default && !kept.is_anonymous_by_default)
		keptChanges.is_anonymous_by_default = true;

	return { keptChanges, filledFields, unmovedIdentifiers };
}
