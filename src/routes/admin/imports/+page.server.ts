import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { requireStaff } from '$lib/server/auth/guard';
import { getDatabase } from '$lib/server/db/instance';
import { listImportBatches } from '$lib/server/imports/batches';
import { commitImport } from '$lib/server/imports/commit';
import {
	MAX_IMPORT_FILE_BYTES,
	decodeImportFile,
	encodeImportFile,
	readUploadedText
} from '$lib/server/imports/import-file';
import { previewImport, shownPreview } from '$lib/server/imports/preview';
import {
	readChoices,
	readFileName,
	readHiddenSuggestions,
	readFormat,
	readMapping,
	readSendReceipts
} from './import-form.server';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/http/form';

export const load: PageServerLoad = async (event) => {
	requireStaff(event, 'staff');
	return { batches: await listImportBatches(getDatabase()) };
};

/** The file from the upload (a new file) or from the preview form (the same file again). */
async function readSubmittedFile(form: FormData) {
	const upload = form.get('file');
	if (upload instanceof File && upload.size > 0) {
		if (upload.size > MAX_IMPORT_FILE_BYTES) return { error: m.imports_error_file_too_large() };
		const content = readUploadedText(new Uint8Array(await upload.arrayBuffer()));
		return { content, fileName: readFileName(upload.name) };
	}
	const field = form.get('file-content');
	if (typeof field === 'string' && field !== '') {
		const content = decodeImportFile(field);
		if (content === null) return { error: m.imports_error_file_unreadable() };
		return { content, fileName: readFileName(form.get('file-name')) };
	}
	return { error: m.imports_error_file_required() };
}

/** The format and file of a posted import form, or the field errors to show. */
async function readImportRequest(form: FormData) {
	const format = readFormat(form);
	const file = await readSubmittedFile(form);
	if (format && !('error' in file)) return { format, ...file, mapping: readMapping(form) };
	return {
		failure: fail(400, {
			format: format ?? '',
			errors: {
				format: format ? undefined : m.imports_error_format_required(),
				file: 'error' in file ? file.error : undefined
			}
		})
	};
}

export const actions = {
	preview: async (event) => {
		requireStaff(event, 'staff');
		const form = await readForm(event.request);
		const request = await readImportRequest(form);
		if ('failure' in request) return request.failure;
		const { format, fileName, content, mapping } = request;
		const preview = await previewImport(getDatabase(), { format, fileName, content, mapping });
		return {
			preview: shownPreview(preview),
			fileContent: encodeImportFile(content),
			sendReceipts: readSendReceipts(form)
		};
	},

	commit: async (event) => {
		const staff = requireStaff(event, 'staff');
		const form = await readForm(event.request);
		const request = await readImportRequest(form);
		if ('failure' in request) return request.failure;
		const { format, fileName, content, mapping } = request;
		const db = getDatabase();
		const input = { format, fileName, content, mapping };
		const result = await commitImport(db, {
			...input,
			staffUserId: staff.id,
			requestId: event.locals.requestId,
			choices: readChoices(form),
			hiddenSuggestions: readHiddenSuggestions(form),
			sendReceipts: readSendReceipts(form)
		});
		if (result.ok) {
			event.locals.log.info(
				{
					batchId: result.batchId,
					created: result.createdCount,
					duplicates: result.duplicateCount
				},
				'import committed'
			);
			redirect(303, `/admin/imports/${result.batchId}`);
		}
		const commitError =
			result.reason === 'unknown_supporters'
				? m.imports_commit_error_unknown_supporters({ lines: result.lines.join(', ') })
				: result.reason === 'choices_missing'
					? m.imports_commit_error_choices_missing({ lines: result.lines.join(', ') })
					: result.reason === 'no_rows'
						? m.imports_commit_error_no_rows()
						: m.imports_commit_error_malformed();
		return fail(400, {
			preview: shownPreview(await previewImport(db, input)),
			fileContent: encodeImportFile(content),
			sendReceipts: readSendReceipts(form),
			commitError
		});
	}
} satisfies Actions;
