#!/usr/bin/env bash
# test-live.sh is `make test-live`: it starts the live servers (servers.sh fetch up), runs
# the live suites against them (tests named TestLive*, in files with the "live" build tag)
# and stops the servers at the end, on failure and interruption too. It prints the wall time
# of each phase. Extra arguments go to go test (e.g. -v, or -run TestLiveServersUp).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE/../.."
CTL=$HERE/servers.sh
GO=${GO:-go}

now_ms() { echo $(($(date +%s%N) / 1000000)); }
since() {
	local d=$(($(now_ms) - $1))
	printf '%d.%d s' $((d / 1000)) $((d % 1000 / 100))
}

t0=$(now_ms)
finish() {
	local rc=$? t
	t=$(now_ms)
	"$CTL" down || rc=1
	echo "test-live: down took $(since "$t"); whole run $(since "$t0")"
	exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

t=$(now_ms)
"$CTL" fetch
echo "test-live: fetch took $(since "$t")"

t=$(now_ms)
"$CTL" up
echo "test-live: up took $(since "$t")"
while IFS= read -r kv; do export "${kv?}"; done < <("$CTL" env)

# Only the packages that have live suites: compiling and linking every test binary of the
# module would take minutes on two cores for packages with nothing to run. They run one at a
# time (-p 1): a broker one suite kills is dead for every other suite too.
mapfile -t pkgs < <(grep -rlE --include='*_test.go' '^func TestLive' cmd internal tools 2>/dev/null | xargs -r -n1 dirname | sort -u | sed 's|^|./|')
((${#pkgs[@]} > 0)) || {
	echo "test-live: no package has a TestLive* test" >&2
	exit 1
}
echo "test-live: live suites in ${pkgs[*]}"
t=$(now_ms)
"$GO" test -tags live -p 1 -count=1 -timeout 9m -run Live "$@" "${pkgs[@]}"
echo "test-live: the live suites took $(since "$t")"
