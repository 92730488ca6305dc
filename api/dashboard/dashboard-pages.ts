/**
 * The dashboard's two HTML documents, rendered on the server so the first paint needs no script: the
 * login form and the page shell (panels with their headings, the property picker and the topology text),
 * which the bundled script then fills from the event stream. Everything is same-origin: one stylesheet,
 * one script, no fonts or images from elsewhere.
 */
import type { PropertyCatalog } from '../../processors/domain/reference-data.js';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function document(title: string, body: string, script: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
${script ? '<script type="module" src="/dashboard/assets/dashboard.js"></script>' : ''}
</head>
<body>
${body}
</body>
</html>
`;
}

/** The login form; `error` is shown above it (e.g. a refused key). */
export function loginPage(error?: string): string {
  return document(
    'Log in: operator dashboard',
    `<main class="login">
<h1>Operator dashboard</h1>
${error === undefined ? '' : `<p class="error" role="alert" id="login-error">${escapeHtml(error)}</p>`}
<form method="post" action="/dashboard/login">
<label for="key">Operator API key</label>
<input id="key" name="key" type="password" required autocomplete="off" spellcheck="false"${error === undefined ? '' : ' aria-describedby="login-error"'}>
<button type="submit">Log in</button>
</form>
<p class="hint">The key stays on the server for this session; it is never put in a URL or in the page.</p>
</main>`,
    false,
  );
}

/** The dashboard shell for the operator `name`. */
export function dashboardPage(
  name: string,
  catalog: PropertyCatalog,
  topologyMermaid: string | undefined,
): string {
  const options = catalog
    .all()
    .map(
      (p) =>
        `<option value="${escapeHtml(p.propertyId)}">${escapeHtml(`${p.name} (${p.propertyId})`)}</option>`,
    )
    .join('');
  return document(
    'Operator dashboard',
    `<header class="top">
<h1>Operator dashboard</h1>
<p>Signed in as <strong>${escapeHtml(name)}</strong> · <span id="connection" role="status">connecting…</span></p>
<form method="post" action="/dashboard/logout"><button type="submit">Log out</button></form>
</header>
<main>
<section aria-labelledby="occupancy-heading">
<h2 id="occupancy-heading">Occupancy, next 90 nights</h2>
<label for="property">Property</label>
<select id="property">${options}</select>
<p class="note" id="occupancy-error" role="status"></p>
<div id="heatmap" class="scroll" tabindex="0" role="region" aria-label="Occupancy heat map, scrolls sideways"></div>
</section>
<section aria-labelledby="rates-heading">
<h2 id="rates-heading">Nightly rates, next 90 nights</h2>
<p class="note" id="rates-error" role="status"></p>
<div id="rates" class="charts"></div>
</section>
<section aria-labelledby="kpi-heading">
<h2 id="kpi-heading">Bookings, ADR and RevPAR per hour, last 48 hours</h2>
<p class="note" id="kpi-error" role="status"></p>
<div id="kpis" class="charts"></div>
</section>
<section aria-labelledby="pipeline-heading">
<h2 id="pipeline-heading">Pipeline</h2>
<p>Stream thread of <span id="instance"></span>: <strong id="thread-state">…</strong></p>
<p class="note" id="pipeline-error" role="status"></p>
<div class="columns">
<div><h3>Task placement</h3><div id="placement"></div></div>
<div><h3>Consumer lag per partition</h3><div id="lag" class="scroll short" tabindex="0" role="region" aria-label="Consumer lag"></div></div>
</div>
</section>
<section aria-labelledby="dlq-heading">
<h2 id="dlq-heading">Dead letters</h2>
<p class="note" id="dlq-error" role="status"></p>
<p id="dlq-result" role="status"></p>
<div id="dlq"></div>
</section>
<section aria-labelledby="topology-heading">
<h2 id="topology-heading">Topology (Mermaid source)</h2>
<p class="note">The diagram as <code>describe().toMermaid()</code> prints it. Paste it into any Mermaid renderer; the dashboard does not bundle Mermaid (several megabytes) to keep the first paint fast.</p>
<pre id="topology" class="scroll" tabindex="0">${escapeHtml(topologyMermaid ?? 'this instance runs no topology')}</pre>
</section>
</main>`,
    true,
  );
}
