# Sourced by the ship checks that run the real sfdx-git-delta (sgd-delta.sh, and the nightly
# integration build of gitlab-ci-local.sh): installs sfdx-git-delta $SGD_VERSION into a cache
# folder (SFCI_SHIP_CACHE, default ~/.cache/sfci-ship) once, and links it into a private sf
# data folder (XDG_DATA_HOME there, exported), never into the user's sf. Needs sf, npm, node.
SGD_VERSION=6.31.0
# -- sfdx-git-delta, pinned, in a cache folder; linked into a private sf data folder.
cache="${SFCI_SHIP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sfci-ship}/sgd-$SGD_VERSION"
if [ ! -f "$cache/node_modules/sfdx-git-delta/package.json" ]; then
  mkdir -p "$cache"
  # sfdx-git-delta's @salesforce/core → jsforce-node pulls undici 8, which needs node ≥ 22.19
  # (the official salesforce/cli image has it); on an older node, pin undici 7 (node ≥ 20.18).
  overrides=""
  if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 19) ? 0 : 1)'; then
    overrides=', "overrides": {"undici": "7.16.0"}'
  fi
  printf '{"name": "sfci-ship-sgd", "private": true, "dependencies": {"sfdx-git-delta": "%s"}%s}\n' "$SGD_VERSION" "$overrides" >"$cache/package.json"
  echo "ship: installing sfdx-git-delta $SGD_VERSION into $cache"
  npm install --prefix "$cache" --no-fund --no-audit --loglevel=error >/dev/null
fi
export XDG_DATA_HOME="$cache/data" SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true SF_USE_PROGRESS_BAR=false
if ! sf sgd source delta --help >/dev/null 2>&1; then
  # `plugins link` may exit non-zero after linking (a post-link step of some CLI builds).
  sf plugins link --no-install "$cache/node_modules/sfdx-git-delta" >/dev/null 2>&1 || true
fi
sf sgd source delta --help >/dev/null 2>&1 || { echo "ship: sf sgd source delta does not run" >&2; exit 2; }
