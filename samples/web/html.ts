/** `&`, `<`, `>`, `"`, `'` escaped for HTML text and attributes (the samples' server-side pages). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** The parts of a sample's page; the page is self-contained (no external assets). */
export interface HtmlPageParts {
  readonly title: string;
  /** CSS. */
  readonly style: string;
  /** HTML of the body, before the script. */
  readonly body: string;
  /** Inline JavaScript, last in the body. */
  readonly script?: string;
}

/** A whole page: the head every sample's page shares, then `style`, `body` and `script`. */
export function htmlPage({ title, style, body, script }: HtmlPageParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
${body}${script === undefined ? '' : `<script>\n${script}</script>\n`}</body>
</html>
`;
}
