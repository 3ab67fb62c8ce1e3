import { readFileSync } from 'node:fs';
import path from 'node:path';

/** A sample file from tests/fixtures, as text. */
export function readFixture(name: string): string {
	return readFileSync(path.resolve('tests/fixtures', name), 'utf8');
}
