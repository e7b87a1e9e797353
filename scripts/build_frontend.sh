#!/usr/bin/env bash
# Build GOV.UK Frontend from the pinned npm packages into coproduce/static/govuk/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/../frontend"
npm ci --no-audit --no-fund --loglevel=error
out=../coproduce/static/govuk
rm -rf "$out" && mkdir -p "$out/assets"
node_modules/.bin/sass --no-source-map --style=compressed --load-path=node_modules scss/coproduce.scss "$out/coproduce.min.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/"
cp -r node_modules/govuk-frontend/dist/govuk/assets/images "$out/assets/"
echo "GOV.UK Frontend $(node -p "require('./node_modules/govuk-frontend/package.json').version") built into coproduce/static/govuk/"
