#!/usr/bin/env bash
# Check (and, as root, install) the Debian system packages the project needs.
#
# usage: scripts/sysdeps.sh [--check] GROUP...
#   GROUP: pdf       Korean fonts (fonts-nanum), HarfBuzz subset, Pango (WeasyPrint)
#          pdftext   poppler-utils (pdftotext, pdffonts)
#          browser   chromium (/usr/bin/chromium)
#          postgres  initdb + pg_ctl (else Debian "postgresql")
#          office    LibreOffice Writer (soffice), to open exported DOCX files in the tests
#          all       every group above
#   --check  only report; exit 1 if something is missing, never install.
#
# Everything present: silent, exit 0, no apt call. Missing as root (without
# --check): apt-get update + install, then re-verify. Missing as non-root:
# prints the exact apt-get command on stderr and exits 1.
set -euo pipefail

prog=${0##*/}
usage() {
    echo "usage: $prog [--check] GROUP...   (groups: pdf pdftext browser postgres office all)" >&2
    exit 2
}

check_only=0
groups=()
for arg in "$@"; do
    case $arg in
        --check) check_only=1 ;;
        -h | --help) usage ;;
        all) groups+=(pdf pdftext browser postgres office) ;;
        pdf | pdftext | browser | postgres | office) groups+=("$arg") ;;
        *) echo "$prog: unknown group or option: $arg" >&2; usage ;;
    esac
done
[ "${#groups[@]}" -gt 0 ] || usage

missing=()
need() {
    local p
    for p in "$@"; do
        case " ${missing[*]-} " in *" $p "*) ;; *) missing+=("$p") ;; esac
    done
}

ldcache=
ldcache_loaded=0
have_lib() { # have_lib SONAME-PREFIX
    if [ "$ldcache_loaded" = 0 ]; then
        local ldc
        ldc=$(command -v ldconfig || true)
        [ -n "$ldc" ] || for ldc in /sbin/ldconfig /usr/sbin/ldconfig; do [ -x "$ldc" ] && break; done
        ldcache=$("$ldc" -p 2>/dev/null || true)
        ldcache_loaded=1
    fi
    grep -q "$1" <<<"$ldcache"
}

have_pg_bins() {
    local d
    for d in /usr/local/bin /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && return 0
    done
    command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1
}

check_group() {
    case $1 in
        pdf)
            if command -v fc-list >/dev/null 2>&1; then
                # no grep -q: an early exit would SIGPIPE fc-list and fail under pipefail
                fc-list 2>/dev/null | grep -i nanum >/dev/null || need fonts-nanum
            else
                need fontconfig
                compgen -G '/usr/share/fonts/truetype/nanum/*' >/dev/null || need fonts-nanum
            fi
            have_lib 'libharfbuzz-subset\.so' || need libharfbuzz-subset0
            have_lib 'libpango-1\.0\.so' || need libpango-1.0-0
            have_lib 'libpangoft2-1\.0\.so' || need libpangoft2-1.0-0
            ;;
        pdftext)
            { command -v pdftotext && command -v pdffonts; } >/dev/null 2>&1 || need poppler-utils
            ;;
        browser)
            [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1 || need chromium
            ;;
        postgres)
            have_pg_bins || need postgresql
            ;;
        office)
            command -v soffice >/dev/null 2>&1 || need libreoffice-writer
            ;;
    esac
}

check_all() {
    missing=()
    ldcache_loaded=0
    local g
    for g in "${groups[@]}"; do check_group "$g"; done
}

check_all
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo='sudo '; fi
hint="${sudo}apt-get install -y ${missing[*]}"
if [ "$check_only" = 1 ] || [ -n "$sudo" ]; then
    echo "missing system packages: ${missing[*]} — run: $hint" >&2
    exit 1
fi

echo "$prog: installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
aptlog=$(mktemp)
trap 'rm -f "$aptlog"' EXIT
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } </dev/null >"$aptlog" 2>&1; then
    tail -n 30 "$aptlog" >&2
    echo "$prog: apt-get install failed: ${missing[*]}" >&2
    exit 1
fi
if [[ " ${missing[*]} " == *" fonts-nanum "* ]] && command -v fc-cache >/dev/null 2>&1; then
    fc-cache -f >/dev/null 2>&1 || true
fi

check_all
if [ "${#missing[@]}" -gt 0 ]; then
    echo "$prog: still missing after apt-get install: ${missing[*]}" >&2
    exit 1
fi
echo "system packages: installed" >&2
