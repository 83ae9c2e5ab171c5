# shellcheck shell=bash
#
# bin/lib/infra.sh — makes this machine ready for ragstream (ARCHITECTURE.md §7–8).
#
# Sourced by bin/ragstream. Sourcing only defines functions: no variables, no shell options,
# no traps, no output. Every function is idempotent, checks before it acts, and works with or
# without `set -euo pipefail` in the caller (errors are checked explicitly, not via errexit).
#
# Public functions:
#   rs_log MSG...        "ragstream: MSG" to stderr
#   rs_die MSG...        "ragstream: error: MSG" to stderr, then exit 1
#   ensure_postgres      PostgreSQL on 127.0.0.1:5432 (trust, superuser postgres) is up;
#                        exports PG_MAJOR
#   ensure_pgvector      the `vector` extension (>= 0.8) is available to that server:
#                        apt package if installable, else built from Debian's source package
#   ensure_java_maven    java/javac >= 17 and mvn on PATH
#   ensure_prereqs       all of the above, in that order
#
# Root is needed only when something must actually be installed or started.
# Optional environment: RAGSTREAM_PGHOST (default 127.0.0.1), RAGSTREAM_PGPORT (5432).

# ---------------------------------------------------------------------------------------------
# logging

rs_log() {
  printf 'ragstream: %s\n' "$*" >&2
}

rs_die() {
  printf 'ragstream: error: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------
# small helpers (private: _rs_*)

_rs_pghost() { printf '%s' "${RAGSTREAM_PGHOST:-127.0.0.1}"; }
_rs_pgport() { printf '%s' "${RAGSTREAM_PGPORT:-5432}"; }

# psql as superuser postgres over TCP, unaligned tuples-only, no psqlrc, stop on error.
_rs_psql() {
  PGCONNECT_TIMEOUT=5 psql -X -q -w -v ON_ERROR_STOP=1 -tA \
    -h "$(_rs_pghost)" -p "$(_rs_pgport)" -U postgres "$@"
}

_rs_now_ms() { date +%s%3N; }

# "12.3s" since a _rs_now_ms timestamp
_rs_elapsed() {
  local start=$1 now
  now=$(_rs_now_ms)
  awk -v d="$((now - start))" 'BEGIN { printf "%.1fs", d / 1000 }'
}

_rs_require_root() {
  [[ $(id -u) -eq 0 ]] || rs_die "must run as root to $* (re-run with sudo)"
}

# Runs a command with its output captured; on failure prints the tail of that output and dies
# with one line. Usage: _rs_run_logged "what is being done" cmd args...
_rs_run_logged() {
  local what=$1 log rc=0
  shift
  log=$(mktemp "${TMPDIR:-/tmp}/ragstream-log.XXXXXX") || rs_die "cannot create a temp file"
  "$@" >"$log" 2>&1 || rc=$?
  if [[ $rc -ne 0 ]]; then
    tail -n 25 "$log" | sed 's/^/    | /' >&2
    rm -f "$log"
    rs_die "$what failed (exit $rc): $*"
  fi
  rm -f "$log"
}

_rs_pkg_installed() {
  local status
  status=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) || return 1
  [[ $status == installed ]]
}

# apt-get update at most once per shell (a failure of some third-party source only warns).
_rs_apt_update_once() {
  [[ -n ${_RS_APT_UPDATED:-} ]] && return 0
  _rs_require_root "run apt-get update"
  rs_log "apt-get update"
  if ! DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=300 update >/dev/null; then
    rs_log "warning: apt-get update reported errors; continuing with the package lists as they are"
  fi
  _RS_APT_UPDATED=1
}

# Installs the given packages that are not installed yet.
_rs_apt_install() {
  local p missing=()
  for p in "$@"; do
    _rs_pkg_installed "$p" || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  _rs_require_root "install ${missing[*]}"
  _rs_apt_update_once
  local t0
  t0=$(_rs_now_ms)
  rs_log "apt-get install ${missing[*]}"
  _rs_run_logged "apt-get install ${missing[*]}" \
    env DEBIAN_FRONTEND=noninteractive apt-get -q -y --no-install-recommends \
    -o DPkg::Lock::Timeout=300 install "${missing[@]}"
  rs_log "installed ${missing[*]} in $(_rs_elapsed "$t0")"
}

# Candidate version of a package per apt-cache policy, or nothing when there is none.
_rs_apt_candidate() {
  local out line cand=''
  out=$(apt-cache policy "$1" 2>/dev/null) || return 0
  while IFS= read -r line; do
    if [[ $line =~ ^[[:space:]]*Candidate:[[:space:]]*(.*)$ ]]; then
      cand=${BASH_REMATCH[1]}
      break
    fi
  done <<<"$out"
  [[ -n $cand && $cand != '(none)' ]] && printf '%s' "$cand"
  return 0
}

# _rs_version_ge A B: Debian version A >= B
_rs_version_ge() {
  [[ -n $1 ]] && dpkg --compare-versions "$1" ge "$2" 2>/dev/null
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

_rs_pg_ready() {
  pg_isready -q -h "$(_rs_pghost)" -p "$(_rs_pgport)" >/dev/null 2>&1
}

# Prints "version cluster" of the cluster to start: port = our port, preferring version 15,
# then the cluster named main, then the highest version.
_rs_pg_pick_cluster() {
  local port ver name cport rest best='' best_score=-1 score
  port=$(_rs_pgport)
  if command -v pg_lsclusters >/dev/null 2>&1; then
    while read -r ver name cport rest; do
      [[ $ver =~ ^[0-9]+(\.[0-9]+)?$ ]] || continue
      [[ $cport == "$port" ]] || continue
      score=${ver%%.*}
      [[ $name == main ]] && score=$((score + 1000))
      [[ $ver == 15 ]] && score=$((score + 100000))
      if ((score > best_score)); then
        best="$ver $name"
        best_score=$score
      fi
    done < <(pg_lsclusters -h 2>/dev/null)
  fi
  if [[ -z $best && -d /etc/postgresql ]]; then
    local d
    for d in /etc/postgresql/*/main; do
      [[ -f $d/postgresql.conf ]] || continue
      ver=${d#/etc/postgresql/}
      ver=${ver%/main}
      [[ $ver =~ ^[0-9]+(\.[0-9]+)?$ ]] || continue
      score=${ver%%.*}
      [[ $ver == 15 ]] && score=$((score + 100000))
      if ((score > best_score)); then
        best="$ver main"
        best_score=$score
      fi
    done
  fi
  [[ -n $best ]] && printf '%s\n' "$best"
  return 0
}

ensure_postgres() {
  local host port
  host=$(_rs_pghost)
  port=$(_rs_pgport)
  if ! command -v pg_isready >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
    rs_die "psql/pg_isready not found; install postgresql-15 (apt-get install -y postgresql-15) and re-run"
  fi

  if _rs_pg_ready; then
    rs_log "PostgreSQL is accepting connections on $host:$port"
  else
    local cluster ver name
    cluster=$(_rs_pg_pick_cluster)
    [[ -n $cluster ]] ||
      rs_die "no PostgreSQL cluster found; install postgresql-15 (apt-get install -y postgresql-15 creates cluster 15/main on port $port) and re-run"
    read -r ver name <<<"$cluster"
    _rs_require_root "start PostgreSQL cluster $ver/$name"
    rs_log "starting PostgreSQL cluster $ver/$name"
    local t0 out rc=0
    t0=$(_rs_now_ms)
    out=$(pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start 2>&1) || rc=$?
    # rc 2 = already running (e.g. another process started it meanwhile): wait below anyway.
    if [[ $rc -ne 0 && $rc -ne 2 ]]; then
      printf '%s\n' "$out" | sed 's/^/    | /' >&2
      rs_die "pg_ctlcluster $ver $name start failed (exit $rc); see /var/log/postgresql/postgresql-$ver-$name.log"
    fi
    local i
    for ((i = 0; i < 60; i++)); do
      _rs_pg_ready && break
      sleep 0.5
    done
    _rs_pg_ready ||
      rs_die "PostgreSQL $ver/$name started but $host:$port is not accepting connections after 30 s; see /var/log/postgresql/postgresql-$ver-$name.log (port, listen_addresses)"
    rs_log "PostgreSQL $ver/$name is up ($(_rs_elapsed "$t0"))"
  fi

  local num err
  if ! num=$(_rs_psql -d postgres -c 'show server_version_num' 2>/dev/null); then
    err=$(_rs_psql -d postgres -c 'select 1' 2>&1 >/dev/null) || true
    rs_die "cannot connect as superuser postgres to $host:$port without a password (${err//$'\n'/ }); pg_hba.conf needs 'host all all 127.0.0.1/32 trust'"
  fi
  [[ $num =~ ^[0-9]+$ ]] || rs_die "unexpected server_version_num from PostgreSQL: '$num'"
  PG_MAJOR=$((num / 10000))
  export PG_MAJOR
  [[ $PG_MAJOR -eq 15 ]] || rs_log "note: server is PostgreSQL $PG_MAJOR (the project is developed on 15)"
}

# ---------------------------------------------------------------------------------------------
# pgvector

# Default version of the `vector` extension the server can install, or nothing.
_rs_vector_available_version() {
  _rs_psql -d postgres -c "select default_version from pg_available_extensions where name = 'vector'" 2>/dev/null
  return 0
}

# CREATE EXTENSION in a scratch database and compute one cosine distance; dies on failure.
_rs_pgvector_prove() {
  local db=ragstream_pgvector_check out rc=0
  _rs_psql -d postgres -c "drop database if exists $db" >/dev/null 2>&1 || true
  _rs_psql -d postgres -c "create database $db" >/dev/null 2>&1 ||
    rs_die "cannot create scratch database $db to test pgvector"
  out=$(_rs_psql -d "$db" -c 'create extension vector' \
    -c "select '[1,2,3]'::vector <=> '[1,2,4]'::vector" 2>&1) || rc=$?
  _rs_psql -d postgres -c "drop database if exists $db" >/dev/null 2>&1 || true
  [[ $rc -eq 0 && $out =~ ^0\.[0-9]+ ]] ||
    rs_die "pgvector is installed but does not work: CREATE EXTENSION vector / distance query gave: ${out//$'\n'/ }"
  rs_log "pgvector works: CREATE EXTENSION vector ok, '[1,2,3]' <=> '[1,2,4]' = $out"
}

# Prints "uri<TAB>suite<TAB>signed-by<TAB>components" for every enabled deb/deb-src entry in
# the apt sources under $1 (default /etc/apt): sources.list + sources.list.d/*.list (one-line
# format) and sources.list.d/*.sources (deb822).
_rs_apt_source_entries() {
  local etc=${1:-/etc/apt} f line
  local -a files=()
  [[ -f $etc/sources.list ]] && files+=("$etc/sources.list")
  for f in "$etc"/sources.list.d/*.list; do
    [[ -f $f ]] && files+=("$f")
  done
  for f in "${files[@]}"; do
    while IFS= read -r line || [[ -n $line ]]; do
      line=${line%%#*}
      local -a w=()
      read -ra w <<<"$line"
      [[ ${#w[@]} -ge 3 ]] || continue
      [[ ${w[0]} == deb || ${w[0]} == deb-src ]] || continue
      local i=1 signed='' opt
      if [[ ${w[1]} == '['* ]]; then
        # options: [ a=b c=d ] possibly glued to the brackets
        while ((i < ${#w[@]})); do
          opt=${w[i]#[}
          opt=${opt%]}
          [[ ${opt,,} == signed-by=* ]] && signed=${opt#*=}
          if [[ ${w[i]} == *']' ]]; then i=$((i + 1)); break; fi
          i=$((i + 1))
        done
      fi
      ((i + 1 < ${#w[@]})) || continue
      printf '%s\t%s\t%s\t%s\n' "${w[i]}" "${w[i + 1]}" "$signed" "${w[*]:i+2}"
    done <"$f"
  done
  for f in "$etc"/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    awk '
      function flush(   nt, nu, ns, a, b, c, t, u, s) {
        if (uris != "" && suites != "" && tolower(enabled) != "no") {
          nt = split(types, t, /[ \t]+/); nu = split(uris, u, /[ \t]+/); ns = split(suites, s, /[ \t]+/)
          for (a = 1; a <= nt; a++) if (t[a] == "deb" || t[a] == "deb-src")
            for (b = 1; b <= nu; b++) if (u[b] != "")
              for (c = 1; c <= ns; c++) if (s[c] != "")
                printf "%s\t%s\t%s\t%s\n", u[b], s[c], (signed ~ /^\//) ? signed : "", comps
        }
        types = uris = suites = signed = comps = enabled = last = ""
      }
      /^#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]/ { next }                      # continuation line (e.g. an inline key)
      {
        key = tolower($0); sub(/:.*/, "", key)
        val = $0; sub(/^[^:]*:[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
        if (key == "types") types = val
        else if (key == "uris") uris = val
        else if (key == "suites") suites = val
        else if (key == "signed-by") signed = val
        else if (key == "components") comps = val
        else if (key == "enabled") enabled = val
      }
      END { flush() }
    ' "$f"
  done
}

# The Debian release after the given one.
_rs_next_codename() {
  case $1 in
    buster) echo bullseye ;;
    bullseye) echo bookworm ;;
    bookworm) echo trixie ;;
    trixie) echo forky ;;
    forky) echo duke ;;
    *) ;;
  esac
}

# curl or wget, to a file
_rs_fetch() {
  local url=$1 dest=$2
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 3 --connect-timeout 20 --max-time 600 -o "$dest" "$url"
  else
    wget -q --tries=3 --timeout=60 -O "$dest" "$url"
  fi
}

# Verifies the InRelease at $1 with the keyrings in $3.. and writes its signed text to $2.
# Accepted when at least one signature is good and none is bad (like apt).
_rs_verify_inrelease() {
  local inrel=$1 out=$2 status
  shift 2
  local -a args=()
  local k
  for k in "$@"; do args+=(--keyring "$k"); done
  status=$(gpgv --status-fd 1 --output "$out" "${args[@]}" "$inrel" 2>/dev/null) || true
  [[ $status == *'[GNUPG:] VALIDSIG '* && $status != *'[GNUPG:] BADSIG '* && -s $out ]]
}

# SHA-256 of $1/$2 from a Release text: prints "sha256 size".
_rs_release_sha256() {
  awk -v want="$2" '
    /^[^ ]/ { insec = ($0 ~ /^SHA256:/) ; next }
    insec && $3 == want { print $1, $2; exit }
  ' "$1"
}

# Downloads the newest pgvector (>= 0.8.0) Debian source package from a Debian suite newer than
# this machine's, verifies the whole chain (InRelease signature -> Sources -> files), unpacks it
# into $1 (an empty directory) and prints the unpacked source directory and its version as
# "dir<TAB>version".
_rs_pgvector_fetch_source() {
  local work=$1 codename next
  codename=$(. /etc/os-release 2>/dev/null && printf '%s' "${VERSION_CODENAME:-}") || true
  [[ -n $codename ]] || rs_die "cannot tell this machine's Debian release (no VERSION_CODENAME in /etc/os-release)"
  next=$(_rs_next_codename "$codename")

  # Archive base URIs: entries for exactly our release (not -security/-updates) with main.
  local -a bases=() keyrings_for=()
  local uri suite signed comps b seen
  while IFS=$'\t' read -r uri suite signed comps; do
    [[ $suite == "$codename" && " $comps " == *' main '* ]] || continue
    [[ $uri =~ ^(https?|ftp|file):/ ]] || continue
    uri=${uri%/}
    seen=''
    for b in "${bases[@]}"; do [[ $b == "$uri" ]] && seen=1; done
    [[ -n $seen ]] && continue
    bases+=("$uri")
    keyrings_for+=("$signed")
  done < <(_rs_apt_source_entries /etc/apt)
  [[ ${#bases[@]} -gt 0 ]] ||
    rs_die "no apt source for '$codename' with component main found in /etc/apt/sources.list{,.d/*.list,.d/*.sources}; cannot locate the Debian archive"

  local -a suites=()
  local s
  for s in "$next" stable testing "$codename" unstable; do
    [[ -n $s && " ${suites[*]} " != *" $s "* ]] && suites+=("$s")
  done

  local idx base dl=$work/dl tried=() found='' fversion='' fdir='' fsha=''
  mkdir -p "$dl" || rs_die "cannot create $dl"
  for idx in "${!bases[@]}"; do
    base=${bases[idx]}
    local -a keyrings=()
    [[ -n ${keyrings_for[idx]} && -f ${keyrings_for[idx]} ]] && keyrings+=("${keyrings_for[idx]}")
    [[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]] &&
      keyrings+=(/usr/share/keyrings/debian-archive-keyring.gpg)
    [[ ${#keyrings[@]} -gt 0 ]] ||
      rs_die "no Debian archive keyring (install debian-archive-keyring) to verify $base"
    for suite in "${suites[@]}"; do
      tried+=("$base $suite")
      rm -f "$dl"/*
      _rs_fetch "$base/dists/$suite/InRelease" "$dl/InRelease" 2>/dev/null || continue
      if ! _rs_verify_inrelease "$dl/InRelease" "$dl/Release" "${keyrings[@]}"; then
        rs_log "warning: $base/dists/$suite/InRelease has no valid Debian signature; skipped"
        continue
      fi
      grep -qx 'Origin: Debian' "$dl/Release" || continue
      local comp exp have dec=''
      for comp in xz gz; do
        exp=$(_rs_release_sha256 "$dl/Release" "main/source/Sources.$comp")
        [[ -n $exp ]] || continue
        _rs_fetch "$base/dists/$suite/main/source/Sources.$comp" "$dl/Sources.$comp" || continue
        have=$(sha256sum "$dl/Sources.$comp") || have=''
        if [[ ${have%% *} != "${exp%% *}" ]]; then
          rs_log "warning: $base/dists/$suite/main/source/Sources.$comp does not match its InRelease checksum; skipped"
          continue
        fi
        case $comp in
          xz) xz -dc "$dl/Sources.xz" >"$dl/Sources" && dec=1 ;;
          gz) gzip -dc "$dl/Sources.gz" >"$dl/Sources" && dec=1 ;;
        esac
        [[ -n $dec ]] && break
      done
      [[ -n $dec ]] || continue
      # All pgvector stanzas as "version<TAB>directory<TAB>sha256 size name;..."; keep the newest.
      local v d f
      while IFS=$'\t' read -r v d f; do
        [[ -n $v && -n $d && -n $f ]] || continue
        _rs_version_ge "$v" 0.8.0 || continue
        if [[ -z $fversion ]] || ! _rs_version_ge "$fversion" "$v"; then
          fversion=$v fdir=$d fsha=$f
        fi
      done < <(awk '
        BEGIN { RS = ""; FS = "\n" }
        {
          pkg = ver = dir = sums = ""; insec = 0
          for (i = 1; i <= NF; i++) {
            line = $i
            if (line ~ /^[^ \t]/) insec = 0
            if (line ~ /^Package:/) { pkg = line; sub(/^Package:[ \t]*/, "", pkg) }
            else if (line ~ /^Version:/) { ver = line; sub(/^Version:[ \t]*/, "", ver) }
            else if (line ~ /^Directory:/) { dir = line; sub(/^Directory:[ \t]*/, "", dir) }
            else if (line ~ /^Checksums-Sha256:/) insec = 1
            else if (insec && line ~ /^[ \t]/) { sub(/^[ \t]+/, "", line); sums = sums line ";" }
          }
          if (pkg == "pgvector") printf "%s\t%s\t%s\n", ver, dir, sums
        }' "$dl/Sources")
      if [[ -n $fversion ]]; then
        found="$base $suite"
        break 2
      fi
      rs_log "no pgvector >= 0.8.0 in $base suite $suite"
    done
  done
  [[ -n $found ]] ||
    rs_die "no pgvector >= 0.8.0 source package found in any of: ${tried[*]}"
  rs_log "pgvector source $fversion from $found ($fdir)"

  [[ $fdir =~ ^[A-Za-z0-9._+/-]+$ && $fdir != *..* ]] || rs_die "suspicious Directory '$fdir' in Sources"
  local src=$work/src ent sha size name dsc='' orig='' debtar='' got
  local -a ents=()
  mkdir -p "$src" || rs_die "cannot create $src"
  IFS=';' read -ra ents <<<"$fsha"
  for ent in "${ents[@]}"; do
    read -r sha size name <<<"$ent"
    [[ -n $name ]] || continue
    [[ $name =~ ^[A-Za-z0-9][A-Za-z0-9._+~-]*$ ]] || rs_die "suspicious file name '$name' in Sources"
    _rs_fetch "$base/$fdir/$name" "$src/$name" || rs_die "download failed: $base/$fdir/$name"
    got=$(sha256sum "$src/$name") || got=''
    [[ ${got%% *} == "$sha" ]] ||
      rs_die "SHA-256 mismatch for $name (expected $sha, got ${got%% *})"
    [[ $(stat -c %s "$src/$name") == "$size" ]] || rs_die "size mismatch for $name"
    case $name in
      *.dsc) dsc=$name ;;
      *.orig.tar.*) orig=$name ;;
      *.debian.tar.*) debtar=$name ;;
    esac
  done
  [[ -n $orig ]] || rs_die "pgvector $fversion has no .orig.tar.* in Sources"
  rs_log "downloaded and verified (SHA-256) ${dsc:+$dsc }$orig${debtar:+ $debtar}"

  local tree=$work/pgvector
  if [[ -n $dsc ]] && command -v dpkg-source >/dev/null 2>&1 &&
    (cd "$src" && dpkg-source --no-copy --no-check -x "$dsc" "$tree") >/dev/null 2>&1; then
    :
  else
    rm -rf "$tree"
    mkdir -p "$tree" || rs_die "cannot create $tree"
    tar -xf "$src/$orig" -C "$tree" --strip-components=1 || rs_die "cannot unpack $orig"
    if [[ -n $debtar ]]; then
      tar -xf "$src/$debtar" -C "$tree" || rs_die "cannot unpack $debtar"
      if [[ -f $tree/debian/patches/series ]]; then
        local p
        while read -r p _; do
          [[ -n $p && $p != \#* ]] || continue
          patch -d "$tree" -p1 -s <"$tree/debian/patches/$p" || rs_die "cannot apply debian patch $p"
        done <"$tree/debian/patches/series"
      fi
    fi
  fi
  [[ -f $tree/Makefile && -f $tree/vector.control ]] || rs_die "unpacked pgvector source looks wrong ($tree)"
  printf '%s\t%s\n' "$tree" "$fversion"
}

# Build pgvector from source and install it for $PG_MAJOR (runs in a subshell: own temp dir
# and EXIT trap, so nothing leaks into the caller).
_rs_pgvector_build() (
  local pgc=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config t0 work tree version line
  t0=$(_rs_now_ms)
  _rs_apt_install "postgresql-server-dev-$PG_MAJOR" build-essential xz-utils ca-certificates gpgv patch
  command -v curl >/dev/null 2>&1 || command -v wget >/dev/null 2>&1 || _rs_apt_install curl
  [[ -x $pgc ]] || rs_die "$pgc not found after installing postgresql-server-dev-$PG_MAJOR"
  rs_log "build dependencies ready ($(_rs_elapsed "$t0"))"

  work=$(mktemp -d "${TMPDIR:-/tmp}/ragstream-pgvector.XXXXXX") || rs_die "cannot create a temp dir"
  # shellcheck disable=SC2064 # expand $work now
  trap "rm -rf '$work'" EXIT
  t0=$(_rs_now_ms)
  line=$(_rs_pgvector_fetch_source "$work") || exit 1
  IFS=$'\t' read -r tree version <<<"$line"
  rs_log "source fetched and unpacked ($(_rs_elapsed "$t0"))"

  t0=$(_rs_now_ms)
  # OPTFLAGS="": no -march=native, so the library runs on any x86-64 machine.
  _rs_run_logged "building pgvector $version" \
    make -C "$tree" -j"$(nproc 2>/dev/null || echo 2)" OPTFLAGS="" PG_CONFIG="$pgc"
  _rs_run_logged "installing pgvector $version" \
    make -C "$tree" install OPTFLAGS="" PG_CONFIG="$pgc"
  rs_log "pgvector $version built and installed for PostgreSQL $PG_MAJOR ($(_rs_elapsed "$t0"))"
)

ensure_pgvector() {
  [[ -n ${PG_MAJOR:-} ]] || ensure_postgres
  local have t0
  have=$(_rs_vector_available_version)
  if [[ -n $have ]] && _rs_version_ge "$have" 0.8.0; then
    rs_log "pgvector $have is available to PostgreSQL $PG_MAJOR"
    return 0
  fi
  t0=$(_rs_now_ms)
  if [[ -n $have ]]; then
    rs_log "pgvector $have is too old (need >= 0.8.0); installing a newer one"
  else
    rs_log "pgvector is not installed for PostgreSQL $PG_MAJOR; installing it"
  fi
  _rs_require_root "install pgvector"
  _rs_apt_update_once
  local pkg=postgresql-$PG_MAJOR-pgvector cand
  cand=$(_rs_apt_candidate "$pkg")
  if [[ -n $cand ]] && _rs_version_ge "${cand#*:}" 0.8.0; then
    rs_log "$pkg $cand is installable from apt"
    _rs_apt_install "$pkg"
    # an older copy may have been installed before: make sure it is the candidate now
    if ! _rs_version_ge "$(_rs_vector_available_version)" 0.8.0; then
      _rs_run_logged "upgrading $pkg" \
        env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 install "$pkg"
    fi
  else
    rs_log "no installable $pkg >= 0.8.0 in apt (candidate: ${cand:-none}): building Debian's pgvector source package"
    _rs_pgvector_build || exit 1
  fi
  have=$(_rs_vector_available_version)
  if [[ -z $have ]] || ! _rs_version_ge "$have" 0.8.0; then
    rs_die "pgvector still not available to PostgreSQL $PG_MAJOR after installing (pg_available_extensions says '${have}')"
  fi
  _rs_pgvector_prove
  rs_log "pgvector $have ready ($(_rs_elapsed "$t0"))"
}

# ---------------------------------------------------------------------------------------------
# Java and Maven

# Major version of `$1 -version` (java or javac), or nothing.
_rs_java_major() {
  local out
  command -v "$1" >/dev/null 2>&1 || return 0
  out=$("$1" -version 2>&1) || return 0
  if [[ $out =~ (version|javac)[[:space:]]+\"?([0-9]+)(\.([0-9]+))? ]]; then
    if [[ ${BASH_REMATCH[2]} == 1 && -n ${BASH_REMATCH[4]} ]]; then
      printf '%s' "${BASH_REMATCH[4]}" # 1.8 -> 8
    else
      printf '%s' "${BASH_REMATCH[2]}"
    fi
  fi
  return 0
}

ensure_java_maven() {
  local jv jcv
  jv=$(_rs_java_major java)
  jcv=$(_rs_java_major javac)
  if [[ ${jv:-0} -ge 17 && ${jcv:-0} -ge 17 ]] && command -v mvn >/dev/null 2>&1; then
    rs_log "Java $jv (javac $jcv) and Maven ($(command -v mvn)) present"
    return 0
  fi
  rs_log "need a JDK >= 17 and Maven (java: ${jv:-none}, javac: ${jcv:-none}, mvn: $(command -v mvn || echo none))"
  local jdk=openjdk-17-jdk-headless
  _rs_require_root "install $jdk maven"
  _rs_apt_update_once
  if [[ -z $(_rs_apt_candidate "$jdk") ]]; then
    # releases after bookworm no longer ship 17
    [[ -n $(_rs_apt_candidate openjdk-21-jdk-headless) ]] && jdk=openjdk-21-jdk-headless
  fi
  _rs_apt_install "$jdk" maven
  jv=$(_rs_java_major java)
  jcv=$(_rs_java_major javac)
  [[ ${jv:-0} -ge 17 && ${jcv:-0} -ge 17 ]] ||
    rs_die "java/javac on PATH is still ${jv:-none}/${jcv:-none} after installing $jdk; select it with: update-alternatives --config java; update-alternatives --config javac"
  command -v mvn >/dev/null 2>&1 || rs_die "mvn not on PATH after installing maven"
  rs_log "Java $jv and Maven installed"
}

# ---------------------------------------------------------------------------------------------

# Node.js (>= 18) and npm, for the test that drives /v1/chat/completions with the official openai
# npm package; its exact version comes from standalone/src/test/node/package-lock.json (npm ci).
ensure_node() {
  local major
  major=$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/')
  if [[ ${major:-0} -ge 18 ]] && command -v npm >/dev/null 2>&1; then
    rs_log "Node.js $(node --version) and npm $(npm --version) present"
    return 0
  fi
  rs_log "need Node.js >= 18 and npm (node: ${major:-none}, npm: $(command -v npm || echo none))"
  _rs_require_root "install nodejs npm"
  _rs_apt_update_once
  _rs_apt_install nodejs npm
  major=$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/')
  [[ ${major:-0} -ge 18 ]] || rs_die "node on PATH is ${major:-none} after installing nodejs; need >= 18"
  rs_log "Node.js $(node --version) installed"
}

# Debian's Chromium and its ChromeDriver, for the tests that drive the chat widgets in a headless browser.
ensure_chromium() {
  if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    rs_log "Chromium and ChromeDriver present ($(chromedriver --version 2>/dev/null | awk '{print $2}'))"
    return 0
  fi
  rs_log "need Chromium and ChromeDriver for the widget browser tests"
  _rs_apt_install chromium chromium-driver
  command -v chromedriver >/dev/null 2>&1 || rs_die "chromedriver is not on PATH after installing chromium-driver"
  rs_log "Chromium and ChromeDriver installed ($(chromedriver --version 2>/dev/null | awk '{print $2}'))"
}

ensure_prereqs() {
  local t0 t_pg t_vec t_java
  t0=$(_rs_now_ms)
  ensure_postgres
  t_pg=$(_rs_elapsed "$t0")
  t0=$(_rs_now_ms)
  ensure_pgvector
  t_vec=$(_rs_elapsed "$t0")
  t0=$(_rs_now_ms)
  ensure_java_maven
  t_java=$(_rs_elapsed "$t0")
  rs_log "prerequisites ready (postgres $t_pg, pgvector $t_vec, java/maven $t_java)"
}
