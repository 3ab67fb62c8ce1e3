// The vocabulary of a gift, shared by the database schema, validation and the pages.
export const channels = ['card', 'bank_transfer', 'vipps', 'cash', 'other'] as const;
export type Channel = (typeof channels)[number];

export const contributionKinds = ['one_off', 'monthly'] as const;
export type ContributionKind = (typeof contributionKinds)[number];

export const contributionStatuses = [
	'pending',
	'succeeded',
	'failed',
	'refunded',
	'partially_refunded',
	'disputed',
	// A hand-recorded gift staff found to be wrong; kept, with its reason, out of every total.
	'voided'
] as const;
export type ContributionStatus = (typeof contributionStatuses)[number];

export const planStatuses = ['active', 'past_due', 'paused', 'canceled'] as const;
export type PlanStatus = (typeof planStatuses)[number];
