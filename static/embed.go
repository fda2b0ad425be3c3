// Package static holds the panel's CSS, scripts and images, embedded in the
// binary. htmx is vendored from npm (htmx.org 2.0.11, BSD-2-Clause), and so
// is its server-sent events extension (htmx-ext-sse 2.2.2, BSD-2-Clause); no
// CDN.
package static

import "embed"

// FS is the static files.
//
//go:embed style.css app.js htmx-2.0.11.min.js htmx-ext-sse-2.2.2.js
var FS embed.FS
