#!/usr/bin/env bash
# Rebuilds libjpeg.cjs (checked in, so `npm ci` needs no compiler): libjpeg-turbo 3.1.3 as WebAssembly, the WASM
# embedded in the .cjs (one file, bundled by esbuild like the registry codecs). Needs Emscripten (Debian: apt-get
# install emscripten, 3.1.6) and CMake, and the libjpeg-turbo 3.1.3 sources: set LIBJPEG_SRC to such a tree, or let
# this script fetch Debian's (`apt-get source libjpeg-turbo=1:3.1.3-4`; needs a deb-src line for a suite that
# carries it, e.g. sid, or snapshot.debian.org). Debian's patches touch only the build and the docs, so the
# upstream sources are used unmodified.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"
# Emscripten's tools need `acorn`: ESLint brings it into this repository's node_modules.
export NODE_PATH="${NODE_PATH:-$repo/node_modules}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ -z "${LIBJPEG_SRC:-}" ]; then
  (cd "$work" && apt-get source --download-only libjpeg-turbo=1:3.1.3-4 >/dev/null)
  tar -C "$work" -xzf "$work"/libjpeg-turbo_3.1.3.orig.tar.gz
  LIBJPEG_SRC="$work/libjpeg-turbo-3.1.3"
fi

# The library as CMake configures it for wasm32 (no SIMD: libjpeg-turbo has none for WASM; C code is what the
# SIMD paths are tested against, bit for bit). Arithmetic decoding is on (retired DICOM syntaxes use it).
# CMake cannot run wasm32 test programs, so the size of size_t is given; BUILD keeps the output reproducible.
(cd "$work" && emcmake cmake "$LIBJPEG_SRC" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="-O3" -DWITH_SIMD=0 \
  -DENABLE_SHARED=0 -DWITH_TURBOJPEG=0 -DWITH_ARITH_DEC=1 -DWITH_ARITH_ENC=0 \
  -DSIZE_T=4 -DHAVE_SIZE_T=TRUE -DBUILD=debian-3.1.3-4 >/dev/null)
(cd "$work" && emmake make -j"$(nproc)" jpeg-static >/dev/null)

# No filesystem, no exit or rejection handlers (the host process owns those); the heap grows with the image.
emcc -O3 -I"$work" -I"$LIBJPEG_SRC/src" "$here/radraft-jpeg.c" "$work/libjpeg.a" -o "$work/libjpeg.cjs" \
  -sMODULARIZE=1 -sEXPORT_NAME=createRadraftLibjpeg -sENVIRONMENT=node -sSINGLE_FILE=1 -sFILESYSTEM=0 \
  -sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0 \
  -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=16777216 -sMAXIMUM_MEMORY=2147483648 \
  -sEXPORTED_FUNCTIONS=_rj_jpeg_decode,_rj_jpeg_free,_rj_jpeg_log,_malloc,_free \
  -sEXPORTED_RUNTIME_METHODS=HEAPU8,UTF8ToString
cp "$work/libjpeg.cjs" "$here/"
echo "built $(wc -c < "$here/libjpeg.cjs") bytes"
