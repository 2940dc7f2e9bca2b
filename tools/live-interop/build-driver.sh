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
# shellcheck disable=SC2086  # INCS and LIBS are word lists
$CC $CFLAGS $INCS "$SRC" $LIBS -o "$BUILD_DIR/zyre-peer"
echo "built: $BUILD_DIR/zyre-peer"
