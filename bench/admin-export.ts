// Child process of bench/admin.ts: the CSV export of every contribution (or supporter) through
// the function the endpoint streams, written to /dev/null. Prints seconds, rows and peak RSS.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ContributionFilters, SupporterFilters } from '../src/lib/lists/filters.ts';
import { createDatabase } from '../src/lib/server/db/connection.ts';
import { contributionsCsv, supportersCsv } from '../src/lib/server/lists/exports.ts';

const [databaseUrl, list = 'contributions'] = process.argv.slice(2);
const db = createDatabase({ databaseUrl, poolSize: 2 });
const started = performance.now();
let bytes = 0;
let lines = 0;
// No filters: every contribution, newest first (what parseContributionFilters makes of an empty
// query; written out so this process does not load the URL parsing it does not need).
const everyContribution: ContributionFilters = {
	q: '',
	channel: null,
	kind: null,
	status: null,
	currency: null,
	from: null,
	to: null,
	amountMinMinor: null,
	amountMaxMinor: null,
	supporterId: null,
	campaignId: null,
	mayBeContacted: null,
	sort: 'received',
	direction: 'desc',
	cursor: null
};
const everySupporter: SupporterFilters = {
	q: '',
	channel: null,
	hasActiveMonthly: null,
	lastGiftFrom: null,
	lastGiftTo: null,
	totalMinMinor: null,
	totalMaxMinor: null,
	currency: 'NOK',
	tag: null,
	mayBeContacted: null,
	sort: 'name',
	direction: 'asc',
	cursor: null
};
const baselineRssMb = Math.round(process.memoryUsage().rss / 1048576);
const chunks =
	list === 'supporters'
		? supportersCsv(db, everySupporter)
		: contributionsCsv(db, everyContribution);
try {
	const devNull = openSync('/dev/null', 'w');
	for await (const chunk of chunks) {
		bytes += chunk.length;
		for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
		writeSync(devNull, chunk);
	}
	closeSync(devNull);
} finally {
	await db.destroy();
}
console.log(
	JSON.stringify({
		seconds: (performance.now() - started) / 1000,
		rows: lines - 1,
		bytes,
		cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
		// maxRSS is in kilobytes.
		peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
		// Node and the modules, before the first row.
		baselineRssMb
	})
);
