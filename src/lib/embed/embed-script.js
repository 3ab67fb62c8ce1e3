// embed.js, as a newsroom's article loads it: `<script src="<ORIGIN>/embed.js" async></script>`.
// Plain JavaScript, no dependency, no cookie, nothing stored. It turns
//   <a href="<ORIGIN>/?campaign=…" data-komak>…</a>  into a button that opens the appeal in a
//     dialog (a new tab on screens under 600 px), and
//   <div data-komak-campaign="…"></div>             into a frame of <ORIGIN>/embed/<campaign>,
//     sized to the appeal by the height it reports.
// Each speaks the language of the article around it (`data-locale` or `lang`). The server puts
// the words in (WORDS); this file is sent without its comments and indents, compressed.
(function () {
	var script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
	if (!script) return;
	var origin = new URL(script.src).origin;
	var words = /** @type {Record<string, { close: string, title: string }>} */ (WORDS);
	/** @type {HTMLIFrameElement[]} */
	var inline = [];
	/** @type {HTMLDialogElement} */
	var dialog;
	/** @type {HTMLElement} */
	var frameBox;
	/** @type {HTMLButtonElement} */
	var closeButton;
	/** @type {HTMLElement} */
	var opener;

	/** @param {Element} element */
	function localeOf(element) {
		var holder = element.closest('[data-locale]') || element.closest('[lang]');
		var lang = (
			(holder && (holder.getAttribute('data-locale') || holder.getAttribute('lang'))) ||
			''
		).toLowerCase();
		var primary = lang.split('-')[0];
		if (primary === 'fa' || primary === 'prs') return 'fa-AF';
		if (primary === 'nb' || primary === 'no' || primary === 'nn') return 'nb';
		return primary === 'ps' ? 'ps' : 'en';
	}

	/**
	 * @param {string | null} campaign
	 * @param {URLSearchParams} params
	 * @param {string} locale
	 */
	function frame(campaign, params, locale) {
		var url = new URL('/embed' + (campaign ? '/' + encodeURIComponent(campaign) : ''), origin);
		params.forEach(function (value, key) {
			if (/^(amount|currency|frequency|utm_\w+)$/.test(key)) url.searchParams.set(key, value);
		});
		url.searchParams.set('lang', locale);
		// The article: the gift's source page (a frame's own referrer would be the site only).
		url.searchParams.set('source', location.origin + location.pathname);
		var element = document.createElement('iframe');
		element.src = url.href;
		element.title = words[locale].title;
		element.style.cssText = 'display:block;width:100%;border:0;height:42rem';
		return element;
	}

	addEventListener('message', function (event) {
		var data = event.data;
		if (event.origin !== origin || !data || !data.komak) return;
		if (data.close && dialog && dialog.open && frameOf(frameBox).contentWindow === event.source)
			return dialog.close();
		inline.forEach(function (element) {
			if (data.height && element.contentWindow === event.source)
				element.style.height = data.height + 'px';
		});
	});

	/** @param {HTMLElement} box */
	function frameOf(box) {
		return /** @type {HTMLIFrameElement} */ (box.firstElementChild);
	}

	/**
	 * @param {HTMLAnchorElement} link
	 * @param {URLSearchParams} params
	 * @param {string} locale
	 */
	function openDialog(link, params, locale) {
		if (!dialog) {
			dialog = document.createElement('dialog');
			dialog.style.cssText =
				'padding:0;border:0;border-radius:12px;width:min(40rem,100vw - 2rem);height:min(52rem,100vh - 2rem);max-width:none;max-height:none;overflow:hidden;box-shadow:0 12px 40px rgba(0,0,0,.35)';
			closeButton = document.createElement('button');
			closeButton.type = 'button';
			// The dialog's first stop: the reader knows at once how to leave it.
			closeButton.autofocus = true;
			closeButton.textContent = '\u00d7';
			closeButton.style.cssText =
				'position:absolute;inset-block-start:.4rem;inset-inline-end:.4rem;width:2.75rem;height:2.75rem;font:700 1.6rem/1 sans-serif;border:0;border-radius:50%;background:#fff;color:#0f4c5c;cursor:pointer';
			closeButton.addEventListener('click', function () {
				dialog.close();
			});
			frameBox = document.createElement('div');
			// A bar for the close button above the appeal, so that it never covers the appeal's title.
			frameBox.style.cssText = 'height:calc(100% - 3.2rem);margin-top:3.2rem';
			// After the frame, so that Shift+Tab from it goes into the appeal's last field, and Tab
			// from it comes round to the appeal again: the reader stays inside the dialog.
			dialog.append(frameBox, closeButton);
			closeButton.addEventListener('keydown', function (event) {
				if (event.key === 'Tab' && !event.shiftKey) {
					event.preventDefault();
					frameOf(frameBox).focus();
				}
			});
			// A click on the dimmed page around the dialog closes it, as Esc does.
			dialog.addEventListener('click', function (event) {
				if (event.target === dialog) dialog.close();
			});
			dialog.addEventListener('close', function () {
				frameBox.replaceChildren();
				if (opener) opener.focus();
			});
			document.body.append(dialog);
		}
		opener = link;
		dialog.lang = locale;
		dialog.dir = locale === 'ps' || locale === 'fa-AF' ? 'rtl' : 'ltr';
		dialog.setAttribute('aria-label', (link.textContent || '').trim() || words[locale].title);
		closeButton.setAttribute('aria-label', words[locale].close);
		var element = frame(params.get('campaign'), params, locale);
		element.style.height = '100%';
		frameBox.replaceChildren(element);
		dialog.showModal();
	}

	document.querySelectorAll('a[data-komak]').forEach(function (element) {
		var link = /** @type {HTMLAnchorElement} */ (element);
		var url = new URL(link.href, location.href);
		if (url.origin !== origin || link.getAttribute('role')) return;
		var locale = localeOf(link);
		link.setAttribute('role', 'button');
		link.setAttribute('aria-haspopup', 'dialog');
		link.addEventListener('keydown', function (event) {
			if (event.key === ' ') {
				event.preventDefault();
				link.click();
			}
		});
		link.addEventListener('click', function (event) {
			event.preventDefault();
			if (innerWidth >= 600) return openDialog(link, url.searchParams, locale);
			// A phone: the whole appeal in a new tab, crediting this article.
			var page = new URL(url.href);
			page.searchParams.set('lang', locale);
			page.searchParams.set('source', location.origin + location.pathname);
			open(page.href, '_blank', 'noopener');
		});
	});

	document.querySelectorAll('[data-komak-campaign]').forEach(function (holder) {
		if (holder.querySelector('iframe')) return;
		var element = frame(
			holder.getAttribute('data-komak-campaign'),
			new URLSearchParams(),
			localeOf(holder)
		);
		inline.push(element);
		holder.replaceChildren(element);
	});
})();
