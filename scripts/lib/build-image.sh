#!/usr/bin/env bash
# Builds an OCI image archive of busybox-static without a registry and prints its path.
# Usage: build-image.sh OUT.tar [IMAGE_NAME]
# The archive holds oci-layout, index.json (annotated with io.containerd.image.name),
# a manifest, a config and one uncompressed layer: /bin/busybox plus links for the applets
# the tests use. `ctr images import OUT.tar` makes IMAGE_NAME runnable.
set -euo pipefail
out=${1:?usage: build-image.sh OUT.tar [IMAGE_NAME]}
name=${2:-docker.io/library/busybox:latest}
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "build-image: $busybox missing (apt-get install busybox-static)" >&2; exit 4; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rootfs/bin" "$work/rootfs/tmp" "$work/rootfs/proc" "$work/rootfs/dev" "$work/rootfs/sys" "$work/oci/blobs/sha256"
cp "$busybox" "$work/rootfs/bin/busybox"
for applet in sh echo sleep cat ls true false yes dd head wc env date; do
  ln -s busybox "$work/rootfs/bin/$applet"
done

# Fixed mtimes and owners so the same busybox gives the same digests on every run.
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/rootfs" -cf "$work/layer.tar" .
layer_digest=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
layer_size=$(stat -c %s "$work/layer.tar")
mv "$work/layer.tar" "$work/oci/blobs/sha256/$layer_digest"

printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
  "$(dpkg --print-architecture 2>/dev/null || echo amd64)" "$layer_digest" > "$work/config.json"
config_digest=$(sha256sum "$work/config.json" | cut -d' ' -f1)
config_size=$(stat -c %s "$work/config.json")
mv "$work/config.json" "$work/oci/blobs/sha256/$config_digest"

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
  "$config_digest" "$config_size" "$layer_digest" "$layer_size" > "$work/manifest.json"
manifest_digest=$(sha256sum "$work/manifest.json" | cut -d' ' -f1)
manifest_size=$(stat -c %s "$work/manifest.json")
mv "$work/manifest.json" "$work/oci/blobs/sha256/$manifest_digest"

printf '{"imageLayoutVersion":"1.0.0"}' > "$work/oci/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"latest"}}]}' \
  "$manifest_digest" "$manifest_size" "$name" > "$work/oci/index.json"
tar -C "$work/oci" -cf "$out" .
echo "$out"
