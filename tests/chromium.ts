import type { LaunchOptions } from '@playwright/test';

// Debian's Chromium, never a downloaded browser; without the background-networking flags it
// keeps trying to reach Google's servers, which this network refuses.
export const chromiumLaunchOptions: LaunchOptions = {
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: [
		'--no-sandbox',
		'--disable-gpu',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync'
	]
};
