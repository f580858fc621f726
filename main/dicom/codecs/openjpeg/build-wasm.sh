#!/usr/bin/env bash
# Rebuilds openjpeg.js / openjpeg.wasm / openjpeg.worker.js (checked in, so `npm ci` needs no compiler).
# Needs Emscripten (Debian: apt-get install emscripten, 3.1.6) and the OpenJPEG 2.5.0 sources with Debian
# bookworm's security patches: set OPENJPEG_SRC to such a tree, or let this script fetch them with
# `apt-get source openjpeg2` (needs a deb-src line for bookworm). Emscripten's tools need `acorn`: NODE_PATH
# points at this repository's node_modules, where ESLint brings it.
set -euo pipefail
# OPT_FLAGS overrides the optimisation flags, for trying others against bench/dicom-decode.ts.
OPT_FLAGS="${OPT_FLAGS:--O3 -msimd128 -msse2}"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"
export NODE_PATH="${NODE_PATH:-$repo/node_modules}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ -z "${OPENJPEG_SRC:-}" ]; then
  (cd "$work" && apt-get source --download-only openjpeg2=2.5.0-2+deb12u3 >/dev/null)
  tar -C "$work" -xf "$work"/openjpeg2_2.5.0.orig.tar.xz
  tar -C "$work" -xf "$work"/openjpeg2_2.5.0-2+deb12u3.debian.tar.xz
  for p in $(cat "$work/debian/patches/series"); do patch -d "$work/openjpeg-2.5.0" -p1 -s < "$work/debian/patches/$p"; done
  OPENJPEG_SRC="$work/openjpeg-2.5.0"
fi
lib="$OPENJPEG_SRC/src/lib/openjp2"

# What CMake would generate for this target (wasm32, little endian, posix_memalign, pthreads).
mkdir -p "$work/include"
cat > "$work/include/opj_config.h" <<'H'
#define OPJ_HAVE_STDINT_H 1
#define OPJ_VERSION_MAJOR 2
#define OPJ_VERSION_MINOR 5
#define OPJ_VERSION_BUILD 0
H
cat > "$work/include/opj_config_private.h" <<'H'
#define OPJ_HAVE_INTTYPES_H 1
#define OPJ_PACKAGE_VERSION "2.5.0"
#define OPJ_HAVE_MALLOC_H
#define OPJ_HAVE_POSIX_MEMALIGN
#if !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200112L
#endif
H

sources=()
for f in thread bio cio dwt event ht_dec image invert j2k jp2 mct mqc openjpeg opj_clock pi t1 t2 tcd tgt function_list opj_malloc sparse_array; do
  sources+=("$lib/$f.c")
done

# -msse2 with -msimd128 turns OpenJPEG's SSE2 wavelet code into WASM SIMD. The thread pool size is read from the
# module arguments (radraftThreads); with PTHREAD_POOL_DELAY_LOAD the module starts without waiting for pool workers
# (Emscripten 3.1.6 would otherwise never finish starting with a pool of 0), so a small image decodes without any,
# and openjpeg.ts loads workers only before a decode that uses threads. No exit/rejection handlers: the host process
# owns those.
emcc $OPT_FLAGS -pthread -DMUTEX_pthread -DOPJ_STATIC -w \
  -I"$work/include" -I"$lib" "${sources[@]}" "$here/radraft-j2k.c" -o "$work/openjpeg.js" \
  -sMODULARIZE=1 -sEXPORT_NAME=createRadraftOpenjpeg -sENVIRONMENT=node \
  -sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0 \
  -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=16777216 -sMAXIMUM_MEMORY=2147483648 \
  -sPTHREAD_POOL_SIZE=Module.radraftThreads -sPTHREAD_POOL_DELAY_LOAD=1 \
  -sEXPORTED_FUNCTIONS=_rj_open,_rj_decode,_rj_store,_rj_close,_rj_release_source,_rj_log_text,_malloc,_free \
  -sEXPORTED_RUNTIME_METHODS=wasmMemory,UTF8ToString,PThread
cp "$work/openjpeg.js" "$work/openjpeg.wasm" "$work/openjpeg.worker.js" "$here/"
echo "built $(wc -c < "$here/openjpeg.wasm") bytes of WASM"
