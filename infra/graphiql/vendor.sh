#!/usr/bin/env bash
# Copy GraphiQL and React (MIT licences, kept beside them) from npm into gateway/http/static/.
# The gateway serves these files itself: no CDN is contacted at run time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
static="$here/../../gateway/http/static"
cd "$here"
if [ -f package-lock.json ]; then npm ci --silent --no-audit --no-fund; else npm install --silent --no-audit --no-fund; fi
mkdir -p "$static"
cp node_modules/graphiql/graphiql.min.js node_modules/graphiql/graphiql.min.css "$static/"
cp node_modules/react/umd/react.production.min.js "$static/"
cp node_modules/react-dom/umd/react-dom.production.min.js "$static/"
{
  for package in graphiql react react-dom; do
    version=$(node -p "require('./node_modules/$package/package.json').version")
    echo "== $package $version =="
    cat "node_modules/$package/LICENSE"
    echo
  done
} > "$static/THIRD_PARTY_LICENSES.txt"
echo "vendored into $static"
