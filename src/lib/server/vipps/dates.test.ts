import { describe, expect, it } from 'vitest';
import { addDays, addMonths, todayInNorway } from './dates.ts';

describe('Recurring dates', () => {
	it('moves a month on, keeping the day where the month has it', () => {
		expect(addMonths('2027-01-15', 1)).toBe('2027-02-15');
		expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
		expect(addMonths('2027-02-28', 1, 31)).toBe('2027-03-31');
		expect(addMonths('2027-12-05', 1)).toBe('2028-01-05');
	});

	it('counts days across months and the day in Norway, not in UTC', () => {
		expect(addDays('2027-02-27', 2)).toBe('2027-03-01');
		expect(todayInNorway(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
	});
});
