#!/usr/bin/env bash
# Rebuilds the front-end files Holdfast embeds (static/) from the npm
# versions pinned in package.json / package-lock.json. The results are
# committed, so running Holdfast needs no Node.js; run this only to upgrade.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
rm -rf static/fonts static/images static/govuk-frontend.min.css static/govuk-frontend.min.js static/htmx.min.js static/manifest.json
mkdir -p static/fonts static/images  # static/hf.* are our own files: kept
gf=node_modules/govuk-frontend/dist/govuk
cp "$gf/govuk-frontend.min.css" "$gf/govuk-frontend.min.js" static/
cp -r "$gf/assets/fonts/." static/fonts/
cp -r "$gf/assets/images/." static/images/
cp "$gf/assets/manifest.json" static/ 2>/dev/null || true
cp node_modules/htmx.org/dist/htmx.min.js static/
# axe-core is for the browser tests only (accessibility checks).
mkdir -p ../testdata && cp node_modules/axe-core/axe.min.js ../testdata/axe.min.js
rm -rf node_modules
echo "static/ rebuilt: govuk-frontend $(node -p 'require("./package-lock.json").packages["node_modules/govuk-frontend"].version'), htmx $(node -p 'require("./package-lock.json").packages["node_modules/htmx.org"].version')"
