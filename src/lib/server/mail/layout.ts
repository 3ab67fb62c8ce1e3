import { textDirection } from '../../locales.ts';

// One look for every message Komak sends: a heading, paragraphs, an optional table of facts and
// an optional button, as HTML (right to left for Pashto and Dari) and as plain text. Callers pass
// text already in the supporter's language; everything they pass is escaped here.

export interface RenderedEmail {
	subject: string;
	html: string;
	text: string;
}

export interface EmailContent {
	locale: string;
	subject: string;
	heading: string;
	paragraphs: string[];
	/** Label and value pairs, e.g. amount, date, receipt number. */
	facts?: [string, string][];
	action?: { label: string; url: string };
	/** Small print under a rule: who sent this and why. */
	footer: string[];
}

const escapeHtml = (text: string) =>
	text.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
	);

export function renderEmail(content: EmailContent): RenderedEmail {
	const dir = textDirection(content.locale);
	const align = dir === 'rtl' ? 'right' : 'left';
	const paragraphs = content.paragraphs
		.map((p) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`)
		.join('\n');
	const facts = content.facts?.length
		? `<table role="presentation" style="border-collapse:collapse;margin:0 0 16px;width:100%">${content.facts
				.map(
					([label, value]) =>
						`<tr><th scope="row" style="text-align:${align};font-weight:normal;color:#555;padding:6px 0;border-bottom:1px solid #eee">${escapeHtml(label)}</th><td style="text-align:${align};padding:6px 0;border-bottom:1px solid #eee;font-weight:bold">${escapeHtml(value)}</td></tr>`
				)
				.join('')}</table>`
		: '';
	const action = content.action
		? `<p style="margin:24px 0"><a href="${escapeHtml(content.action.url)}" style="display:inline-block;background:#0b5d4b;color:#fff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:bold">${escapeHtml(content.action.label)}</a></p>`
		: '';
	const footer = content.footer
		.map((line) => `<p style="margin:0 0 8px">${escapeHtml(line)}</p>`)
		.join('');
	const html = `<!doctype html>
<html lang="${escapeHtml(content.locale)}" dir="${dir}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(content.subject)}</title></head>
<body style="margin:0;background:#f4f4f1;font-family:system-ui,-apple-system,'Segoe UI',Tahoma,sans-serif;color:#1d1d1b">
<div dir="${dir}" style="max-width:560px;margin:0 auto;padding:24px 16px;text-align:${align}">
<div style="background:#fff;border-radius:8px;padding:24px;line-height:1.5;font-size:16px">
<h1 style="font-size:22px;margin:0 0 16px">${escapeHtml(content.heading)}</h1>
${paragraphs}
${facts}
${action}
</div>
<div style="color:#666;font-size:13px;padding:16px 8px">${footer}</div>
</div>
</body>
</html>
`;
	const text = [
		content.heading,
		'',
		...content.paragraphs.flatMap((p) => [p, '']),
		...(content.facts ?? []).map(([label, value]) => `${label}: ${value}`),
		...(content.facts?.length ? [''] : []),
		...(content.action ? [`${content.action.label}: ${content.action.url}`, ''] : []),
		'--',
		...content.footer
	].join('\n');
	return { subject: content.subject, html, text };
}
