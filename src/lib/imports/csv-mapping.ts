// The fields staff map a bank CSV's columns to; shared by the parser and the preview page.
export const csvMappingFields = [
	'date',
	'amount',
	'currency',
	'reference',
	'name',
	'email',
	'phone',
	'message',
	'kid'
] as const;
export type CsvMappingField = (typeof csvMappingFields)[number];
/** Which column (0-based) holds each field; date and amount are required. */
export type CsvMapping = Partial<Record<CsvMappingField, number>>;
export const requiredMappingFields: readonly CsvMappingField[] = ['date', 'amount'];
