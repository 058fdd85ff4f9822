# tests/bench/install.sh - sourced by the benchmarks.
#
#   bench_install WHO PKG...   install the Debian packages among PKG that are
#                              missing (apt-get, as root or through sudo),
#                              saying so on standard error as WHO
bench_install() {
  local who="$1" p missing=""
  shift
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  [ -n "$missing" ] || return 0
  echo "$who: installing$missing" >&2
  local sudo_=""
  [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -qq && $sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
}
