# sfci container image: the multi-call `sfci` binary (static, rustls) under the five
# tool names, busybox for `sh`, CA roots and git (for `--base`), on scratch.
#
# The root file system is staged first, by a script that runs on any Debian/Ubuntu
# machine (it builds the static binary, or takes one with --bin):
#
#   .ci/image-rootfs.sh
#   docker build -t sfci .                                       # or kaniko, podman build
#   buildah bud --isolation chroot --storage-driver vfs -t sfci .  # no Docker engine
#
# ci-templates/release/image.yml is a registry pipeline that does both.
FROM scratch
COPY target/image/rootfs/ /
ENV PATH=/usr/local/bin:/usr/bin:/bin \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    HOME=/root
WORKDIR /work
LABEL org.opencontainers.image.title="sfci" \
      org.opencontainers.image.description="Merge-request checks and release gates for Salesforce teams" \
      org.opencontainers.image.licenses="Apache-2.0"
# No ENTRYPOINT: GitLab's Docker executor runs job scripts through `sh`; the GitHub
# action sets its own entry point (/usr/local/bin/sfci-action).
CMD ["sh"]
