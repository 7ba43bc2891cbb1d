# Shared by scripts/backup and scripts/restore (sourced; sets $program first).
# shellcheck shell=bash

say() { echo "$program: $*" >&2; }
warn() { echo "$program: warning: $*" >&2; }
fail() {
  echo "$program: error: $*" >&2
  exit 1
}

# The database of DATABASE_URL, which must be PostgreSQL: libpq reads the URL
# itself (postgres://user:password@host:port/name?sslmode=...).
require_postgresql_url() {
  case "${DATABASE_URL:-}" in
    postgres://* | postgresql://*) ;;
    "") fail "DATABASE_URL is not set, so the portal uses its SQLite file; these scripts back up PostgreSQL. For SQLite (or any database) use the portable format: manage.py export_reports --output DIR/reports.jsonl --photos-dir DIR/photos (docs/backups.md)" ;;
    *) fail "DATABASE_URL is not a PostgreSQL URL (postgres://...); for other databases use the portable format: manage.py export_reports --output DIR/reports.jsonl --photos-dir DIR/photos (docs/backups.md)" ;;
  esac
  # Fail fast rather than hang on an address that never answers.
  export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"
}

# Sets the variable $1 to the path of the PostgreSQL client program $2, from PG_BIN
# or the PATH (not in a subshell, so that fail() stops the script itself).
pg_tool() {
  local path
  if [ -n "${PG_BIN:-}" ]; then
    path="$PG_BIN/$2"
    [ -x "$path" ] || fail "$2 not found in PG_BIN=$PG_BIN"
  else
    path=$(command -v "$2") || fail "$2 not found on the PATH; install the PostgreSQL client (apt-get install postgresql-client) or set PG_BIN to its folder"
  fi
  printf -v "$1" '%s' "$path"
}

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || fail "$tool not found on the PATH"
  done
}

# MEDIA_ROOT as the settings compute it: MEDIA_ROOT, else DATA_DIR/media, else data/media.
media_root() {
  local repo=$1 root
  root=${MEDIA_ROOT:-${DATA_DIR:-$repo/data}/media}
  case "$root" in
    /*) ;;
    *) root="$PWD/$root" ;;
  esac
  echo "${root%/}"
}

# Stops unless the database answers; $1, if given, is added when it does not exist.
check_connection() {
  local out
  out=$("$PSQL" --no-psqlrc --quiet --tuples-only --no-align --dbname="$DATABASE_URL" \
    --command="SELECT 1" 2>&1) || {
    case "$out" in
      *"does not exist"*) [ -z "${1:-}" ] || out="$out ($1)" ;;
    esac
    fail "cannot connect to the database of DATABASE_URL: $out"
  }
}

psql_query() {
  "$PSQL" --no-psqlrc --quiet --tuples-only --no-align --set=ON_ERROR_STOP=1 \
    --dbname="$DATABASE_URL" --command="$1" 2>/dev/null
}

# The photo files (originals and renditions) the rows of reports_photo in the dump
# name, one a line, read from the dump's COPY data.
dumped_photo_files() {
  "$PG_RESTORE" --data-only --table=reports_photo --file=- "$1" | awk -F '\t' '
    /^COPY [^ ]*reports_photo \(/ {
      header = $0
      sub(/^[^(]*\(/, "", header); sub(/\).*$/, "", header)
      n = split(header, names, ", ")
      for (i = 1; i <= n; i++)
        if (names[i] ~ /^(image|thumb_webp|thumb_jpeg|display_webp|display_jpeg)$/) wanted[i] = 1
      copying = 1
      next
    }
    copying && $0 == "\\." { copying = 0; next }
    copying {
      for (i in wanted) if ($i != "" && $i != "\\N") { value = $i; gsub(/\\\\/, "\\", value); print value }
    }'
}

# Files named by the dump that the media archive lacks, one a line (none: empty).
missing_files() {
  local dump=$1 archive=$2
  comm -23 <(dumped_photo_files "$dump" | LC_ALL=C sort -u) \
    <(tar --list --quoting-style=literal --file="$archive" | sed 's|^\./||' | LC_ALL=C sort -u)
}

size_of() { du -h "$1" | cut -f1; }
