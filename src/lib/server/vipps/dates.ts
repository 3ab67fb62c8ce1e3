import { NORWAY_TIME_ZONE } from '../../dates.ts';

// Calendar dates as Vipps's Recurring API speaks them (`YYYY-MM-DD`), counted in Norway's time.

export const todayInNorway = (now = new Date()) =>
	new Intl.DateTimeFormat('en-CA', { timeZone: NORWAY_TIME_ZONE }).format(now);

export const addDays = (date: string, days: number) =>
	new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The same day of the month `months` later, or the month's last day if it has no such day. */
export function addMonths(date: string, months: number, dayOfMonth = Number(date.slice(8, 10))) {
	const [year, month] = date.split('-').map(Number);
	const first = new Date(Date.UTC(year, month - 1 + months, 1));
	const lastDay = new Date(
		Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)
	).getUTCDate();
	first.setUTCDate(Math.min(dayOfMonth, lastDay));
	return first.toISOString().slice(0, 10);
}
