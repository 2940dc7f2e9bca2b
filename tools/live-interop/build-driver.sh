#!/bin/sh
# Builds agents/zyre-peer.c (the C Zyre driver behind agents/czyre_agent.py) into build/zyre-peer.
#
#   ZYRE_INCLUDE=/path/to/zyre/include ZYRE_LIB=/path/to/libzyre.a tools/live-interop/build-driver.sh
#
# ZYRE_INCLUDE  directory holding zyre.h (several directories: separate them with ':')
# ZYRE_LIB      libzyre.a or libzyre.so, or a directory holding one of them (libzyre.a preferred)
# Without both, pkg-config's libzyre (an installed libzyre-dev) is used if there is one.
# Also needed: libczmq-dev and libzmq3-dev (czmq 4.x, libzmq 4.x); CC (default cc), BUILD_DIR
# (default tools/live-interop/build).
# The driver is compiled with -DZYRE_BUILD_DRAFT_API, for zyre_set_zcert (CURVE, the curve suite). If
# that fails (a libzyre built without its DRAFT API), it is built again without: no CURVE then, and
# run.py skips the curve suite. ZYRE_DRAFT=no skips the first attempt.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-cc}
BUILD_DIR=${BUILD_DIR:-$HERE/build}
SRC=$HERE/agents/zyre-peer.c
CFLAGS="-O1 -g -Wall"

die() { echo "build-driver.sh: $*" >&2; exit 1; }

if [ -n "${ZYRE_INCLUDE:-}" ] || [ -n "${ZYRE_LIB:-}" ]; then
    [ -n "${ZYRE_INCLUDE:-}" ] || die "ZYRE_LIB is set but ZYRE_INCLUDE is not (the directory holding zyre.h)"
    [ -n "${ZYRE_LIB:-}" ] || die "ZYRE_INCLUDE is set but ZYRE_LIB is not (libzyre.a, libzyre.so or their directory)"
    INCS=""
    found=""
    OLDIFS=$IFS; IFS=:
    for d in $ZYRE_INCLUDE; do
        [ -d "$d" ] || die "ZYRE_INCLUDE: no such directory: $d"
        INCS="$INCS -I$d"
        [ -f "$d/zyre.h" ] && found=1
    done
    IFS=$OLDIFS
    [ -n "$found" ] || die "zyre.h not found in ZYRE_INCLUDE=$ZYRE_INCLUDE"
    if [ -d "$ZYRE_LIB" ]; then
        if [ -f "$ZYRE_LIB/libzyre.a" ]; then ZLIB="$ZYRE_LIB/libzyre.a"
        elif [ -f "$ZYRE_LIB/libzyre.so" ]; then ZLIB="-L$ZYRE_LIB -Wl,-rpath,$ZYRE_LIB -lzyre"
        else die "neither libzyre.a nor libzyre.so in ZYRE_LIB=$ZYRE_LIB"
        fi
    elif [ -f "$ZYRE_LIB" ]; then
        case "$ZYRE_LIB" in
            *.so*) ZLIB="$ZYRE_LIB -Wl,-rpath,$(dirname "$ZYRE_LIB")" ;;
            *) ZLIB="$ZYRE_LIB" ;;
        esac
    else
        die "ZYRE_LIB: no such file or directory: $ZYRE_LIB"
    fi
    LIBS="$ZLIB -lczmq -lzmq"
elif pkg-config --exists libzyre 2>/dev/null; then
    INCS=$(pkg-config --cflags libzyre)
    LIBS=$(pkg-config --libs libzyre)
else
    die "no libzyre: set ZYRE_INCLUDE (directory of zyre.h) and ZYRE_LIB (libzyre.a/.so or its directory), or install libzyre-dev"
fi

printf '#include <czmq.h>\n' | $CC $INCS -E - >/dev/null 2>&1 \
    || die "czmq.h not found: install libczmq-dev (and libzmq3-dev)"

mkdir -p "$BUILD_DIR"
OUT=$BUILD_DIR/zyre-peer
DRAFT_LOG=$BUILD_DIR/draft-build.log
rm -f "$OUT" "$DRAFT_LOG"
# shellcheck disable=SC2086  # INCS and LIBS are word lists
if [ "${ZYRE_DRAFT:-yes}" != no ] && $CC $CFLAGS -DZYRE_BUILD_DRAFT_API $INCS "$SRC" $LIBS -o "$OUT" 2>"$DRAFT_LOG"; then
    cat "$DRAFT_LOG" >&2; rm -f "$DRAFT_LOG"
    echo "built: $OUT (DRAFT API: CURVE through zyre_set_zcert)"
else
    [ -s "$DRAFT_LOG" ] && echo "build-driver.sh: no DRAFT API build (zyre_set_zcert missing?), see $DRAFT_LOG; building without CURVE" >&2
    # shellcheck disable=SC2086
    $CC $CFLAGS $INCS "$SRC" $LIBS -o "$OUT"
    echo "built: $OUT (no DRAFT API: no CURVE, the curve suite is skipped)"
fi
