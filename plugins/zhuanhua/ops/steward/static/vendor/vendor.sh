#!/usr/bin/env bash
# The scripts, styles and fonts the GX Data Docs pages ask of CDNs, taken once from the npm
# registry and kept here, so the pages work on an intranet with no way out (docs/steward-guide.md).
# Re-run to refresh: bash vendor.sh (needs npm and the registry). The map from each CDN address
# to these files is zhuanhua/ops/steward/offline.py.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
take() {  # package@version, then files inside its tarball
    local spec=$1 name=${1%@*} version=${1##*@}; shift
    (cd "$work" && npm pack --silent "$spec" >/dev/null)
    local tarball=("$work"/*.tgz)
    mkdir -p "$work/x" && tar -xzf "${tarball[0]}" -C "$work/x"
    for file in "$@"; do
        mkdir -p "$(dirname "${name#@*/}/$file")"
        cp -r "$work/x/package/$file" "${name#@*/}/$file"
    done
    cp "$work/x/package/LICENSE"* "${name#@*/}/" 2>/dev/null || true
    echo "${name}@${version}" >> VERSIONS.new
    rm -rf "$work/x" "${tarball[@]}"
}
rm -f VERSIONS.new
take jquery@3.7.1 dist/jquery.min.js
take popper.js@1.12.9 dist/umd/popper.min.js
take bootstrap@4.3.1 dist/js/bootstrap.min.js dist/css/bootstrap.min.css
take bootstrap-table@1.19.1 dist/bootstrap-table.min.js dist/bootstrap-table.min.css \
    dist/extensions/filter-control/bootstrap-table-filter-control.min.js \
    dist/extensions/filter-control/bootstrap-table-filter-control.css \
    dist/extensions/filter-control/bootstrap-table-filter-control.min.css
take bootstrap-datepicker@1.9.0 dist/js/bootstrap-datepicker.min.js \
    dist/css/bootstrap-datepicker.min.css
take vega@5.33.1 build/vega.min.js
take vega-lite@5.23.0 build/vega-lite.min.js
take vega-embed@6.29.0 build/vega-embed.min.js
take @fortawesome/fontawesome-free@6.6.0 css/all.min.css webfonts
take @forevolve/bootstrap-dark@1.1.0 dist/css/bootstrap-prefers-dark.css
mv VERSIONS.new VERSIONS
