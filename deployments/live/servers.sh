#!/usr/bin/env bash
# servers.sh runs the servers wirewatch's live suites (TestLive*) run against, on loopback: a
# real Apache Kafka cluster of three KRaft nodes (each one broker and controller) and one
# OpenSearch 2.19 node, from the jars deployments/live/pom.xml fetches from Maven Central into
# an ignored cache. Nothing else is downloaded.
#
#   servers.sh fetch up        fetch the jars when missing, start everything, wait until ready
#   servers.sh status          what runs, its pid, port and RSS
#   servers.sh kafka-kill 2    SIGKILL broker 2
#   servers.sh kafka-start 2   start broker 2 again on its data; wait until it is back in sync
#   servers.sh opensearch-stop / opensearch-start   stop (SIGTERM) and start on the same data
#   servers.sh down            stop everything this script started
#   servers.sh env             the variables the live suites read (WIREWATCH_LIVE_*), to eval
#
# Commands run in the order given; the first that fails stops the rest. Each waits until what
# it started is ready, or fails naming the logs. Environment, with defaults:
#   LIVE_CACHE [<repo>/.cache/live]     jars in kafka/lib and opensearch/lib; run/ holds data,
#                                       logs and pids
#   (the defaults sit below Linux's ephemeral range, 32768-60999, so an outgoing connection
#   never holds one of them when a server binds it)
#   LIVE_KAFKA_PORTS [19092,19093,19094]        broker listeners of nodes 1, 2, 3
#   LIVE_CONTROLLER_PORTS [19192,19193,19194]   their controller listeners
#   LIVE_OPENSEARCH_HTTP_PORT [19201]   LIVE_OPENSEARCH_TRANSPORT_PORT [19301]
#   LIVE_READY_TIMEOUT [180]            seconds a server may take to be ready
#   KAFKA_JAVA_OPTS, OPENSEARCH_JAVA_OPTS   JVM options (small heaps by default)
#   JAVA [$JAVA_HOME/bin/java or java]  a Java 17 to 21 (OpenSearch 2.19 needs the security
#                                       manager, gone in Java 24)
#   MVN [mvn]
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${LIVE_CACHE:-$REPO/.cache/live}
RUN=$CACHE/run
LOGS=$RUN/logs
PIDS=$RUN/pids
IFS=, read -r -a KAFKA_PORTS <<<"${LIVE_KAFKA_PORTS:-19092,19093,19094}"
IFS=, read -r -a CONTROLLER_PORTS <<<"${LIVE_CONTROLLER_PORTS:-19192,19193,19194}"
OS_HTTP=${LIVE_OPENSEARCH_HTTP_PORT:-19201}
OS_TRANSPORT=${LIVE_OPENSEARCH_TRANSPORT_PORT:-19301}
OS_URL=http://127.0.0.1:$OS_HTTP
READY_TIMEOUT=${LIVE_READY_TIMEOUT:-180}
# C1 only and the serial collector: on two shared cores the JIT and GC threads of four JVMs
# cost more than the peak speed they buy in a test run.
KAFKA_JAVA_OPTS=${KAFKA_JAVA_OPTS:--Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true}
OPENSEARCH_JAVA_OPTS=${OPENSEARCH_JAVA_OPTS:--Xms512m -Xmx1g -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true}
MVN=${MVN:-mvn}
if [[ -z ${JAVA:-} ]]; then
	JAVA=java
	[[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]] && JAVA=$JAVA_HOME/bin/java
fi
NODES=(1 2 3)
BOOTSTRAP=$(printf '127.0.0.1:%s,' "${KAFKA_PORTS[@]}")
BOOTSTRAP=${BOOTSTRAP%,}

die() {
	echo "servers.sh: $*" >&2
	exit 1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }
since() { # start_ms -> "12.3 s"
	local d=$(($(now_ms) - $1))
	printf '%d.%d s' $((d / 1000)) $((d % 1000 / 100))
}

need_java() {
	local bin v
	bin=$(command -v "$JAVA") || die "java not found (JAVA=$JAVA): install a JDK 17, e.g. apt-get install -y openjdk-17-jdk-headless"
	# KafkaReady.java and OpenSearchLive.java run as source files: a JRE alone cannot.
	[[ -x $(dirname "$(readlink -f "$bin")")/javac ]] || die "$bin has no javac beside it: install a JDK, not a JRE (apt-get install -y openjdk-17-jdk-headless)"
	v=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}') || true
	[[ $v =~ ^[0-9]+$ ]] || die "cannot tell the version of $JAVA"
	((v >= 17 && v <= 21)) || die "$JAVA is Java $v; the servers need Java 17 to 21 (set JAVA or JAVA_HOME)"
}

need_curl() {
	command -v curl >/dev/null || die "curl not found: apt-get install -y curl"
}

need_jars() {
	[[ -f $CACHE/fetched ]] || die "the server jars are not in $CACHE: run '$0 fetch' first"
}

pidfile() { echo "$PIDS/$1.pid"; }

# pid_of NAME prints the pid of server NAME when it runs. The command line must name this run
# dir, so a recycled pid of some other process never counts.
pid_of() {
	local f pid
	f=$(pidfile "$1")
	[[ -f $f ]] || return 1
	pid=$(<"$f")
	kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$RUN" || return 1
	echo "$pid"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

check_port() {
	if port_busy "$1"; then
		die "port $1 ($2) is taken by another process; free it or set the LIVE_*_PORT(S) variables"
	fi
}

show_log() {
	echo "--- last lines of $1:" >&2
	tail -n 15 "$1" >&2 || true
}

fail_with_logs() { # message log...
	local msg=$1
	shift
	for l in "$@"; do show_log "$l"; done
	die "$msg (logs: $LOGS)"
}

# spawn NAME LOG CMD... starts a server in its own session, detached from the caller's
# terminal and pipes (a Go test's exec.Command must not wait for it), and records its pid.
spawn() {
	local name=$1 log=$2
	shift 2
	mkdir -p "$PIDS" "$LOGS"
	echo "=== $(date -Is) starting: $*" >>"$log"
	setsid "$@" >>"$log" 2>&1 </dev/null &
	echo $! >"$(pidfile "$name")"
	# Not a job of this shell: a later kafka-kill in the same call reports nothing.
	disown $!
}

# stop NAME SIGNAL GRACE_SECONDS sends SIGNAL, waits up to GRACE for the process to end, then
# SIGKILLs it.
stop() {
	local name=$1 sig=$2 grace=$3 pid i
	pid=$(pid_of "$name") || return 0
	kill -s "$sig" "$pid" 2>/dev/null || true
	for ((i = 0; i < grace * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "$name did not stop within ${grace}s of SIG$sig: killing it" >&2
		kill -KILL "$pid" 2>/dev/null || true
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	fi
	rm -f "$(pidfile "$name")"
}

# wait_ready PROBE_PID LABEL SERVER... waits for a readiness probe running in the background while
# the servers it waits for stay up: a server that dies fails the wait at once, with its log.
wait_ready() {
	local probe=$1 label=$2 s logs=()
	shift 2
	for s in "$@"; do logs+=("$LOGS/$s.log"); done
	while kill -0 "$probe" 2>/dev/null; do
		for s in "$@"; do
			if ! pid_of "$s" >/dev/null; then
				kill "$probe" 2>/dev/null || true
				wait "$probe" 2>/dev/null || true
				fail_with_logs "$s exited while waiting for $label" "$LOGS/$s.log"
			fi
		done
		sleep 0.2
	done
	wait "$probe" || fail_with_logs "$label not ready (LIVE_READY_TIMEOUT=${READY_TIMEOUT}s)" "${logs[@]}"
}

# --- fetch -----------------------------------------------------------------------------------

cmd_fetch() {
	local want
	want=$(cat "$HERE/pom.xml" "$HERE/kafka/pom.xml" "$HERE/opensearch/pom.xml" | sha256sum | cut -d' ' -f1)
	if [[ -f $CACHE/fetched && $(<"$CACHE/fetched") == "$want" ]]; then
		echo "fetch: jars already in $CACHE"
		return
	fi
	command -v "$MVN" >/dev/null || die "mvn not found (MVN=$MVN): apt-get install -y maven"
	need_java
	local t
	t=$(now_ms)
	rm -rf "$CACHE/kafka/lib" "$CACHE/opensearch/lib" "$CACHE/fetched"
	mkdir -p "$CACHE"
	local args=(-B -q -Dstyle.color=never -f "$HERE/pom.xml" "-Dlive.cache=$CACHE" package)
	# Offline first: a warm local repository needs no network at all.
	if ! "$MVN" -o "${args[@]}" >/dev/null 2>&1; then
		"$MVN" "${args[@]}" || die "fetching the server jars with maven failed"
	fi
	echo "$want" >"$CACHE/fetched"
	echo "fetch: jars in $CACHE after $(since "$t") ($(du -sh "$CACHE/kafka/lib" | cut -f1) kafka, $(du -sh "$CACHE/opensearch/lib" | cut -f1) opensearch)"
}

# --- kafka -----------------------------------------------------------------------------------

kafka_dir() { echo "$RUN/kafka-$1"; }

kafka_node() { # N: checks N names a node
	[[ ${1:-} =~ ^[123]$ ]] || die "broker number must be 1, 2 or 3, got '${1:-}'"
}

# kafka_config N writes node N's server.properties: every node is broker and controller,
# every topic has three replicas and needs two in sync, and the timeouts are short so the
# suites see failovers in seconds rather than the production defaults' half minute.
kafka_config() {
	local n=$1 dir voters="" i
	dir=$(kafka_dir "$n")
	for i in "${NODES[@]}"; do voters+="$i@127.0.0.1:${CONTROLLER_PORTS[i - 1]},"; done
	mkdir -p "$dir/data"
	cat >"$dir/server.properties" <<EOF
node.id=$n
process.roles=broker,controller
controller.quorum.voters=${voters%,}
listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORTS[n - 1]},CONTROLLER://127.0.0.1:${CONTROLLER_PORTS[n - 1]}
advertised.listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORTS[n - 1]}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data

default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
unclean.leader.election.enable=false
# As in docker-compose.yml: topics are created by wirewatch (EnsureTopics) or kafka/topics.sh.
auto.create.topics.enable=false

# Fewer internal partitions than the defaults (50 each): the first group join stays quick.
offsets.topic.num.partitions=6
transaction.state.log.num.partitions=6
share.coordinator.state.topic.num.partitions=6

# Fast settings for tests: no delay before the first rebalance, short group sessions allowed,
# a dead broker fenced (and its leaderships moved) after 5 s. (500 ms heartbeats were seen
# timing out in the controller queue while four JVMs started on two cores.)
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=500
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=5000

# Small: 512 MB heaps on two cores.
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=16777216
EOF
}

kafka_start_node() {
	local n=$1
	check_port "${KAFKA_PORTS[n - 1]}" "broker $n"
	check_port "${CONTROLLER_PORTS[n - 1]}" "controller $n"
	# shellcheck disable=SC2086 # the options are words
	spawn "kafka-$n" "$LOGS/kafka-$n.log" "$JAVA" $KAFKA_JAVA_OPTS \
		"-Dlog4j2.configurationFile=$HERE/kafka-log4j2.properties" \
		-cp "$CACHE/kafka/lib/*" kafka.Kafka "$(kafka_dir "$n")/server.properties"
}

# kafka_probe BROKERS TIMEOUT [--full] probes the cluster in the background until it is ready.
kafka_probe() {
	"$JAVA" -XX:TieredStopAtLevel=1 -Xmx128m -Dlive.log.level=error \
		"-Dlog4j2.configurationFile=$HERE/kafka-log4j2.properties" \
		-cp "$CACHE/kafka/lib/*" "$HERE/KafkaReady.java" "$BOOTSTRAP" "$@" &
}

kafka_running() {
	local n c=()
	for n in "${NODES[@]}"; do
		pid_of "kafka-$n" >/dev/null && c+=("kafka-$n")
	done
	echo "${c[@]}"
}

cmd_kafka_kill() {
	kafka_node "${1:-}"
	local pid
	pid=$(pid_of "kafka-$1") || die "broker $1 is not running"
	kill -KILL "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
	rm -f "$(pidfile "kafka-$1")"
	echo "kafka-kill: broker $1 (pid $pid) killed"
}

cmd_kafka_start() {
	kafka_node "${1:-}"
	need_java
	need_jars
	local n=$1 t running
	pid_of "kafka-$n" >/dev/null && die "broker $n is already running"
	[[ -f $(kafka_dir "$n")/data/meta.properties ]] || die "broker $n has no data in $(kafka_dir "$n"): run up first"
	t=$(now_ms)
	kafka_start_node "$n"
	read -r -a running <<<"$(kafka_running)"
	# With the whole cluster back, wait until every replica is in sync again, so the next
	# fault starts from a whole cluster; with a broker still down, until this one is registered.
	if ((${#running[@]} == ${#NODES[@]})); then
		kafka_probe "${#running[@]}" "$READY_TIMEOUT" --full
	else
		kafka_probe "${#running[@]}" "$READY_TIMEOUT"
	fi
	wait_ready $! "kafka" "${running[@]}"
	echo "kafka-start: broker $n ready after $(since "$t") (log: $LOGS/kafka-$n.log)"
}

# --- opensearch ------------------------------------------------------------------------------

os_start() {
	check_port "$OS_HTTP" "opensearch http"
	check_port "$OS_TRANSPORT" "opensearch transport"
	# shellcheck disable=SC2086 # the options are words
	spawn opensearch "$LOGS/opensearch.log" "$JAVA" $OPENSEARCH_JAVA_OPTS \
		-cp "$CACHE/opensearch/lib/*" "$HERE/OpenSearchLive.java" \
		"$RUN/opensearch" "$OS_HTTP" "$OS_TRANSPORT"
}

# os_probe polls cluster health in the background until it is yellow or green.
os_probe() {
	(
		deadline=$((SECONDS + READY_TIMEOUT))
		while ((SECONDS < deadline)); do
			if curl -fsS -o /dev/null --max-time 5 "$OS_URL/_cluster/health?wait_for_status=yellow&timeout=2s" 2>/dev/null; then
				exit 0
			fi
			sleep 0.5
		done
		exit 1
	) &
}

cmd_opensearch_stop() {
	local t
	t=$(now_ms)
	pid_of opensearch >/dev/null || die "opensearch is not running"
	stop opensearch TERM 30
	echo "opensearch-stop: stopped after $(since "$t")"
}

cmd_opensearch_start() {
	need_java
	need_curl
	need_jars
	local t
	pid_of opensearch >/dev/null && die "opensearch is already running"
	[[ -d $RUN/opensearch ]] || die "opensearch has no data in $RUN/opensearch: run up first"
	t=$(now_ms)
	os_start
	os_probe
	wait_ready $! opensearch opensearch
	echo "opensearch-start: ready after $(since "$t") at $OS_URL"
}

# --- up, down, status ------------------------------------------------------------------------

cmd_up() {
	need_java
	need_curl
	need_jars
	local t n cluster pids=()
	cmd_down >/dev/null
	rm -rf "$RUN"
	mkdir -p "$LOGS" "$PIDS"
	t=$(now_ms)
	os_start
	# A KRaft cluster ID is 16 random bytes in URL-safe base64. Like Kafka's own
	# Uuid.randomUuid, draw again when it starts with '-': the storage tool's argument
	# parser would read such an ID as an option (CI failed on this once in 64 runs).
	cluster=-
	while [[ $cluster == -* ]]; do
		cluster=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
	done
	for n in "${NODES[@]}"; do
		kafka_config "$n"
		"$JAVA" -XX:TieredStopAtLevel=1 -Xmx128m "-Dlog4j2.configurationFile=$HERE/kafka-log4j2.properties" \
			-cp "$CACHE/kafka/lib/*" kafka.tools.StorageTool format --cluster-id="$cluster" \
			-c "$(kafka_dir "$n")/server.properties" >>"$LOGS/kafka-$n.log" 2>&1 &
		pids+=($!)
	done
	for n in "${NODES[@]}"; do
		wait "${pids[n - 1]}" || fail_with_logs "formatting the storage of broker $n failed" "$LOGS/kafka-$n.log"
	done
	for n in "${NODES[@]}"; do kafka_start_node "$n"; done
	kafka_probe "${#NODES[@]}" "$READY_TIMEOUT" --full
	wait_ready $! "kafka" kafka-1 kafka-2 kafka-3
	echo "up: kafka ready after $(since "$t") at $BOOTSTRAP"
	os_probe
	wait_ready $! opensearch opensearch
	echo "up: opensearch ready after $(since "$t") at $OS_URL"
	echo "up: logs in $LOGS"
}

cmd_down() {
	local t s stopped=()
	t=$(now_ms)
	# In parallel: a broker's controlled shutdown waits for the others, and down must be quick.
	for s in opensearch kafka-1 kafka-2 kafka-3; do
		if pid_of "$s" >/dev/null; then
			stop "$s" TERM 15 &
			stopped+=("$s")
		fi
	done
	wait
	for s in opensearch kafka-1 kafka-2 kafka-3; do
		pid_of "$s" >/dev/null && die "$s still runs after down"
	done
	echo "down: stopped ${stopped[*]:-nothing} after $(since "$t")"
}

cmd_status() {
	local s pid rss port
	for s in kafka-1 kafka-2 kafka-3 opensearch; do
		case $s in
		kafka-*) port=127.0.0.1:${KAFKA_PORTS[${s#kafka-} - 1]} ;;
		*) port=$OS_URL ;;
		esac
		if pid=$(pid_of "$s"); then
			rss=$(awk '/^VmRSS/ {printf "%d MB", $2 / 1024}' "/proc/$pid/status")
			printf '%-11s running  pid %-8s rss %-8s %s\n' "$s" "$pid" "$rss" "$port"
		else
			printf '%-11s stopped  %s\n' "$s" "$port"
		fi
	done
	echo "logs: $LOGS"
}

cmd_env() {
	printf 'WIREWATCH_LIVE_KAFKA=%s\n' "$BOOTSTRAP"
	printf 'WIREWATCH_LIVE_OPENSEARCH=%s\n' "$OS_URL"
	printf 'WIREWATCH_LIVE_CTL=%s\n' "$HERE/servers.sh"
}

usage() {
	sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

(($# > 0)) || usage
while (($# > 0)); do
	c=$1
	shift
	case $c in
	fetch) cmd_fetch ;;
	up) cmd_up ;;
	down) cmd_down ;;
	status) cmd_status ;;
	env) cmd_env ;;
	kafka-kill)
		cmd_kafka_kill "${1:-}"
		shift
		;;
	kafka-start)
		cmd_kafka_start "${1:-}"
		shift
		;;
	opensearch-stop) cmd_opensearch_stop ;;
	opensearch-start) cmd_opensearch_start ;;
	-h | --help | help) usage ;;
	*)
		echo "servers.sh: unknown command '$c'" >&2
		usage
		;;
	esac
done
