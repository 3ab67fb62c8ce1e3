// The words embed.js shows, put in by the server (src/routes/embed.js/+server.ts).
declare const WORDS: unknown;
