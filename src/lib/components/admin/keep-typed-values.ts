import { tick } from 'svelte';
import type { SubmitFunction } from '@sveltejs/kit';

/**
 * A form's `use:enhance` that keeps what was typed when the answer is a refusal, tells the page
 * while it is sending, and once the answer is shown calls `afterAnswer` (to move focus to it).
 */
export function keepTypedValues(
	setSubmitting: (isSubmitting: boolean) => void,
	afterAnswer: () => void
): SubmitFunction {
	return () => {
		setSubmitting(true);
		return async ({ update }) => {
			await update({ reset: false });
			setSubmitting(false);
			await tick();
			afterAnswer();
		};
	};
}
