/** A CSV file the browser saves as `fileName`; exports hold personal data, so no cache keeps it. */
export function csvDownload(
	body: ReadableStream<Uint8Array> | string,
	fileName: string,
	cacheControl = 'no-store'
): Response {
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${fileName}"`,
			'cache-control': cacheControl
		}
	});
}
