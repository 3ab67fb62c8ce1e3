// Names and flags of the cookies that carry sign-ins. Everywhere but plain http to this machine
// they are Secure and carry a name prefix the browser enforces (RFC 6265bis §4.1.3):
// `__Host-` only with Secure, Path=/ and no Domain, so neither plain http nor a neighbouring
// subdomain can set or shadow the cookie; `__Secure-` only with Secure, for a cookie kept to one
// path. Reading must use the same name as writing, so both go through these functions.

/** Whether cookies may go without `Secure`: only plain http to this machine itself. */
export function isLocalPlainHttp(url: URL): boolean {
	return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** `name` with the `__Host-` prefix when the cookie is Secure; for cookies with Path=/. */
export function hostCookieName(name: string, url: URL): string {
	return isLocalPlainHttp(url) ? name : `__Host-${name}`;
}

/** `name` with the `__Secure-` prefix when the cookie is Secure; for cookies kept to a path. */
export function secureCookieName(name: string, url: URL): string {
	return isLocalPlainHttp(url) ? name : `__Secure-${name}`;
}
