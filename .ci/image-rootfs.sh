#!/usr/bin/env bash
# Lays out the container image's root file system in target/image/rootfs, which
# the Dockerfile copies into a `FROM scratch` image. Runs on any Debian/Ubuntu
# machine (a developer's, this repository's CI, or a registry pipeline's build job):
#
#   .ci/image-rootfs.sh                  # builds the static `sfci` binary, then stages
#   .ci/image-rootfs.sh --bin PATH       # stages an `sfci` binary built already
#   docker build -t sfci .               # or: buildah bud / kaniko / podman build
#
# What the image holds (and why):
#   /usr/local/bin/sfci                  the multi-call binary, static (glibc +crt-static, rustls)
#   /usr/local/bin/<tool> -> sfci        lint-callout-mocks validate-deps codeowners-check smoke gate
#   /usr/local/bin/sfci-action           the GitHub Docker action's entry point (busybox sh)
#   /bin/busybox + applet links          `sh` for GitLab's Docker executor and job scripts
#   /etc/ssl/certs/ca-certificates.crt   CA roots for rustls (SSL_CERT_FILE points at it)
#   /usr/bin/git + its libraries         `--base` (changed files, merge base) runs `git`;
#                                        Debian's git with the exact shared objects it links,
#                                        no remote helpers: the CI runner clones, the image only reads
#   /etc/gitconfig                       safe.directory=* (CI checkouts belong to another uid)
#   /etc/passwd, /etc/group, /tmp        root and nobody; a sticky /tmp
# (No /usr/share/zoneinfo: `gate window` carries its own time-zone database.)
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=x86_64-unknown-linux-gnu
TOOLS=(lint-callout-mocks validate-deps codeowners-check smoke gate)
bin=""
out=target/image/rootfs
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "image-rootfs: unknown argument $1" >&2; exit 2 ;;
  esac
done

need=()
[ -x /bin/busybox ] && file -L /bin/busybox | grep -q 'statically linked' || need+=(busybox-static)
[ -f /etc/ssl/certs/ca-certificates.crt ] || need+=(ca-certificates)
[ -x /usr/bin/git ] || need+=(git)
command -v file >/dev/null || need+=(file)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ -z "$bin" ]; then
  RUSTFLAGS='-C target-feature=+crt-static' \
    cargo build --release --locked --target "$TARGET" --bin sfci
  bin="${CARGO_TARGET_DIR:-target}/$TARGET/release/sfci"
fi
if ! file -L "$bin" | grep -Eq 'statically linked|static-pie linked'; then
  echo "image-rootfs: $bin is not a static binary (build with RUSTFLAGS='-C target-feature=+crt-static' --target $TARGET)" >&2
  exit 1
fi

rm -rf "$out"
mkdir -p "$out"/{bin,usr/bin,usr/local/bin,etc/ssl/certs,tmp,root}
chmod 1777 "$out/tmp"
chmod 700 "$out/root"

install -m 0755 "$bin" "$out/usr/local/bin/sfci"
for t in "${TOOLS[@]}"; do ln -s sfci "$out/usr/local/bin/$t"; done
install -m 0755 ci-templates/github/action-entrypoint.sh "$out/usr/local/bin/sfci-action"

install -m 0755 /bin/busybox "$out/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ -e "$out/bin/$applet" ] || ln -s busybox "$out/bin/$applet"
done

install -m 0644 /etc/ssl/certs/ca-certificates.crt "$out/etc/ssl/certs/ca-certificates.crt"

# git and exactly the shared objects (and loader) it links, at the same paths.
install -m 0755 /usr/bin/git "$out/usr/bin/git"
ldd /usr/bin/git | awk '/=> \//{print $3} /^[ \t]*\/[^ ]+ \(/{print $1}' | while read -r lib; do
  real=$(readlink -f "$lib")
  mkdir -p "$out$(dirname "$lib")"
  install -m 0755 "$real" "$out$lib"
done
printf '[safe]\n\tdirectory = *\n[init]\n\tdefaultBranch = main\n' > "$out/etc/gitconfig"

printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$out/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$out/etc/group"
printf 'hosts: files dns\n' > "$out/etc/nsswitch.conf"

du -sh "$out" | awk '{print "image-rootfs: " $2 " staged, " $1}'
