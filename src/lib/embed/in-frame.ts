// Inside an article's frame (/embed): tells the page around it (embed.js) how tall the appeal is,
// so that the frame fits it and the reader never scrolls inside it, and when the reader presses
// Esc, which the page around cannot hear while the frame has the focus, so the dialog closes.
// Neither is a secret: any page holding the frame may hear them.
if (window.parent !== window) {
	const tell = (message: object) => window.parent.postMessage({ komak: true, ...message }, '*');
	const height = () =>
		tell({ height: Math.ceil(document.documentElement.getBoundingClientRect().height) });
	new ResizeObserver(height).observe(document.documentElement);
	addEventListener('load', height);
	addEventListener('keydown', (event) => {
		if (event.key === 'Escape') tell({ close: true });
	});
}
