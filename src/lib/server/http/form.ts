import { error } from '@sveltejs/kit';
import { storableText } from '../../storable-text.ts';

/**
 * A posted form with every text value made storable (no NUL, no lone surrogate), so no form can
 * carry into the database what PostgreSQL refuses. A body that is not a form (a `text/plain` or
 * JSON post to a form action) gets a 400 that says so instead of a crash.
 */
export async function readForm(request: Request): Promise<FormData> {
	let form: FormData;
	try {
		form = await request.formData();
	} catch {
		error(
			400,
			'This address takes a web form (application/x-www-form-urlencoded or multipart/form-data).'
		);
	}
	const clean = new FormData();
	for (const [name, value] of form)
		clean.append(storableText(name), typeof value === 'string' ? storableText(value) : value);
	return clean;
}
