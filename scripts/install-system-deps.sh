#!/bin/sh
# Installs the three Debian packages SparseLab links against (OpenBLAS, LAPACKE, GLPK) when any is missing.
# Idempotent: does nothing when all are installed. Uses sudo when not run as root.
set -eu
packages="libopenblas-dev liblapacke-dev libglpk-dev"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing" >&2
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
$as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq $missing >/dev/null
