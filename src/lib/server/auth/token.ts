import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** `bytes` random bytes as lowercase base32 (no padding): safe in cookies, URLs and logs' eyes. */
export function randomBase32(bytes: number): string {
	const random = new Uint8Array(bytes);
	crypto.getRandomValues(random);
	return encodeBase32LowerCaseNoPadding(random);
}

/** SHA-256 of a token's text: what the database keeps instead of the token itself. */
export function hashToken(token: string): Uint8Array {
	return sha256(new TextEncoder().encode(token));
}

/** Whether `token` hashes to `expectedHash`, compared in constant time. */
export function tokenMatchesHash(token: string, expectedHash: Uint8Array): boolean {
	return constantTimeEqual(hashToken(token), new Uint8Array(expectedHash));
}
