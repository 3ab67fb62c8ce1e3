// The appeal's only script. The page is complete without it (SvelteKit sends no client for it:
// `csr = false`); this adds what needs a browser: the card button and the fee named as amounts
// that follow what is chosen, preset amounts that follow the currency and the frequency, copy
// buttons, and no second submission while the first is on its way. It reads its rules and words,
// already in the page's language, from the form's data-rules attribute (see DonationForm.svelte).
import { intlLocale } from '../locales.ts';
import { cardFeeTopUp, formatMoney, parseAmount } from '../money.ts';

export interface EnhancementRules {
	currencies: {
		currency: string;
		presetAmountsMinor: number[];
		minimumMinor: number;
		maximumMinor: number;
		cardFeeFixedMinor: number;
	}[];
	cardFeeBasisPoints: number;
	/** Messages with `{amount}`, `{fee}`, `{minimum}`, `{percent}`, `{fixed}` left to fill in. */
	words: {
		giveOneOff: string;
		giveMonthly: string;
		perMonth: string;
		coverFee: string;
		coverFeeEstimate: string;
		minimum: string;
		percent: string;
	};
}

const fill = (template: string, values: Record<string, string>) =>
	template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);

function enhanceDonationForm(form: HTMLFormElement) {
	const rules = JSON.parse(form.dataset.rules ?? '{}') as EnhancementRules;
	const locale = intlLocale(document.documentElement.lang);
	const money = (amountMinor: number, currency: string) =>
		formatMoney(amountMinor, currency, locale);
	const { words } = rules;
	const inputs = (name: string) => [
		...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]`)
	];
	const checkedValue = (name: string) => inputs(name).find((input) => input.checked)?.value;
	const customAmount = form.querySelector<HTMLInputElement>('#custom-amount')!;
	const submit = form.querySelector<HTMLButtonElement>('button[type=submit]')!;
	const feeLabel = form.querySelector<HTMLElement>('label[for=cover-fee]')!;
	const coversFee = form.querySelector<HTMLInputElement>('#cover-fee')!;
	const unit = form.querySelector<HTMLElement>('.with-unit .unit');
	const hint = form.querySelector<HTMLElement>('#custom-amount-hint');

	const currencyRules = () =>
		rules.currencies.find((c) => c.currency === checkedValue('currency')) ?? rules.currencies[0];

	function update() {
		const currency = currencyRules();
		const isMonthly = checkedValue('frequency') === 'monthly';
		for (const preset of form.querySelectorAll<HTMLInputElement>('.presets input')) {
			const label = preset.nextElementSibling as HTMLElement;
			const amount = money(Number(preset.dataset.amountMinor), preset.dataset.currency!);
			label.textContent = isMonthly ? fill(words.perMonth, { amount }) : amount;
		}
		for (const group of form.querySelectorAll<HTMLElement>('.presets'))
			group.hidden = group.dataset.currency !== currency.currency;
		if (unit) unit.textContent = currency.currency;
		if (hint)
			hint.textContent = fill(words.minimum, {
				minimum: money(currency.minimumMinor, currency.currency)
			});

		const typed = customAmount.value || checkedValue(`amount_${currency.currency}`) || '';
		const parsed = parseAmount(typed, currency.currency, locale);
		const amountMinor =
			parsed.ok &&
			parsed.amountMinor >= currency.minimumMinor &&
			parsed.amountMinor <= currency.maximumMinor
				? parsed.amountMinor
				: null;
		if (amountMinor === null) {
			submit.textContent = submit.dataset.label ?? submit.textContent;
			feeLabel.textContent = fill(words.coverFeeEstimate, {
				percent: words.percent,
				fixed: money(currency.cardFeeFixedMinor, currency.currency)
			});
			return;
		}
		const feeMinor = cardFeeTopUp(
			amountMinor,
			rules.cardFeeBasisPoints,
			currency.cardFeeFixedMinor
		);
		feeLabel.textContent = fill(words.coverFee, { fee: money(feeMinor, currency.currency) });
		const amount = money(amountMinor + (coversFee.checked ? feeMinor : 0), currency.currency);
		submit.textContent = fill(isMonthly ? words.giveMonthly : words.giveOneOff, { amount });
	}

	// A new currency keeps the place of the chosen preset (the second of three stays second).
	let previousCurrency = checkedValue('currency');
	form.addEventListener('change', (event) => {
		const target = event.target as HTMLInputElement;
		if (target.name === 'currency' && previousCurrency) {
			const before = inputs(`amount_${previousCurrency}`);
			const index = before.findIndex((input) => input.checked);
			const after = inputs(`amount_${target.value}`);
			const keep = after[index >= 0 ? index : 1] ?? after[0];
			if (keep && !customAmount.value) keep.checked = true;
			previousCurrency = target.value;
		}
		if (target.name?.startsWith('amount_')) customAmount.value = '';
		update();
	});
	// Typing an amount of one's own takes the place of the preset.
	customAmount.addEventListener('input', () => {
		if (customAmount.value)
			for (const input of inputs(`amount_${currencyRules().currency}`)) input.checked = false;
		update();
	});

	submit.dataset.label = submit.textContent ?? '';
	// Every way to pay (the card button, and any other submit button) waits for the first post.
	const submitButtons = [...form.querySelectorAll<HTMLButtonElement>('button[type=submit]')];
	const setSubmitting = (isSubmitting: boolean) =>
		submitButtons.forEach((button) => (button.disabled = isSubmitting));
	// Disabled once the browser has sent the post (and read the pressed button's formaction).
	form.addEventListener('submit', () => setTimeout(() => setSubmitting(true)));
	// The buttons come back when the page does, e.g. with the back button from Stripe.
	addEventListener('pageshow', () => setSubmitting(false));
	update();
	// Where the reader came from, kept with the gift: the referring page's origin and path only.
	const source = form.querySelector<HTMLInputElement>('input[name=source_page]');
	if (source && !source.value && document.referrer) {
		const from = new URL(document.referrer);
		if (from.origin !== location.origin) source.value = from.origin + from.pathname;
	}
}

function enhanceCopyButtons() {
	if (!navigator.clipboard) return;
	for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-value]')) {
		const text = button.querySelector('span')!;
		const status = button.nextElementSibling as HTMLElement;
		const { value, copy, copied } = button.dataset;
		let timer: ReturnType<typeof setTimeout> | undefined;
		button.addEventListener('click', async () => {
			await navigator.clipboard.writeText(value!);
			text.textContent = status.textContent = copied!;
			clearTimeout(timer);
			timer = setTimeout(() => {
				text.textContent = copy!;
				status.textContent = '';
			}, 2000);
		});
		button.hidden = false;
		status.hidden = false;
	}
}

const form = document.querySelector<HTMLFormElement>('form[data-rules]');
if (form) enhanceDonationForm(form);
enhanceCopyButtons();
// After a post with mistakes, the summary above the form is where to start reading.
document.querySelector<HTMLElement>('.donate [role=alert]')?.focus();
