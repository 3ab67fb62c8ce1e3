import { sql, type RawBuilder } from 'kysely';
import { organisationTimeZone } from '../../dates.ts';

// The organisation's calendar: what "today", "this month" and a date filter mean. Gifts are
// stored as instants; the admin speaks in days and months in the organisation's time zone.

/** The calendar year of a timestamp column in the organisation's time zone, in SQL. */
export function yearOf(column: string): RawBuilder<number> {
	return sql<number>`extract(year from ${sql.ref(column)} at time zone ${organisationTimeZone()})::int`;
}

/** The first day of the month `months` after (or before) the month of `date`. */
export function monthStart(date: string, months = 0): string {
	const year = Number(date.slice(0, 4));
	const month = Number(date.slice(5, 7)) - 1 + months;
	const shifted = new Date(Date.UTC(year, month, 1));
	return shifted.toISOString().slice(0, 10);
}

/** The day `days` after (or before) a date. */
export function addDays(date: string, days: number): string {
	const shifted = new Date(`${date}T00:00:00Z`);
	shifted.setUTCDate(shifted.getUTCDate() + days);
	return shifted.toISOString().slice(0, 10);
}

/** The first instant of a date (YYYY-MM-DD) in the organisation's time zone. */
export function startOfDay(date: string): RawBuilder<Date> {
	return sql<Date>`(${date}::date::timestamp at time zone ${organisationTimeZone()})`;
}

/** The first instant after a date, so `< endOfDay(to)` includes the whole of `to`. */
export function endOfDay(date: string): RawBuilder<Date> {
	return sql<Date>`((${date}::date + 1)::timestamp at time zone ${organisationTimeZone()})`;
}
