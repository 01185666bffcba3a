#!/bin/sh
# Fails when a source or .ui file with translatable strings is missing from
# po/POTFILES.in, or when POTFILES.in names a file that does not exist.
set -eu
cd "$1"
status=0
for file in $(find src data -name '*.c' -o -name '*.ui' -o -name '*.xml' -o -name '*.in' | LC_ALL=C sort); do
  if grep -q -E '(^|[^A-Za-z_])N?_\(|translatable="yes"|<summary>' "$file" &&
     ! grep -qx "$file" po/POTFILES.in; then
    echo "$file has translatable strings but is not in po/POTFILES.in"
    status=1
  fi
done
for file in $(grep -v '^#' po/POTFILES.in); do
  [ -f "$file" ] || { echo "po/POTFILES.in names $file, which does not exist"; status=1; }
done
exit $status
