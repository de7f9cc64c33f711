#!/usr/bin/env bash
# Makes PostgreSQL and MariaDB ready for retort's tests on this machine:
# checks that they answer on 127.0.0.1, starts them if they are installed but
# down, installs them (apt) if they are missing, and waits until both answer.
#
# stdout carries only shell assignments for the caller to eval, e.g.
#   export RETORT_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'
#   export RETORT_TEST_MYSQL='mysql://root@127.0.0.1:3306/'
# Everything else goes to stderr, and only when something is wrong, so a
# second run on a ready machine is silent but for those two lines.
#
# RETORT_TEST_POSTGRES / RETORT_TEST_MYSQL set in the environment are kept:
# set to a URL of another server it is used as is (only checked); set to ""
# the server is skipped and the tests that need it skip too.
# With RETORT_TEST_REQUIRE_SERVERS=1 (CI) a server that cannot be made ready
# is an error; otherwise its variable is unset and its tests skip.
set -euo pipefail

PG_URL_DEFAULT='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'
MY_URL_DEFAULT='mysql://root@127.0.0.1:3306/'
WAIT_SECONDS=${RETORT_TEST_WAIT_SECONDS:-60}
REQUIRE=${RETORT_TEST_REQUIRE_SERVERS:-0}

log() { printf 'test-servers: %s\n' "$*" >&2; }

# Output of the commands we run is kept here and shown only on failure.
LOG=$(mktemp -t retort-test-servers.XXXXXX)
trap 'rm -f "$LOG"' EXIT
run() {
	if ! "$@" >>"$LOG" 2>&1; then
		log "failed: $*"
		sed 's/^/  | /' "$LOG" | tail -n 20 >&2
		return 1
	fi
}

# as_root runs a command as root: directly, or through sudo without a
# password prompt (there is no terminal in CI).
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo -n "$@"
	else
		log "need root for: $* (run as root, or allow passwordless sudo)"
		return 1
	fi
}

pg_answers() {
	if command -v psql >/dev/null 2>&1; then
		PGCONNECT_TIMEOUT=3 psql -w -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1
	elif command -v pg_isready >/dev/null 2>&1; then
		pg_isready -q -h 127.0.0.1 -p 5432 -U postgres
	else
		return 1
	fi
}

my_client() {
	if command -v mariadb >/dev/null 2>&1; then echo mariadb; else echo mysql; fi
}

my_answers() {
	command -v "$(my_client)" >/dev/null 2>&1 &&
		"$(my_client)" --connect-timeout=3 -h 127.0.0.1 -P 3306 -uroot -e 'select 1' >/dev/null 2>&1
}

apt_installed=0
apt_install() {
	if ! command -v apt-get >/dev/null 2>&1; then
		log "cannot install $*: no apt-get on this machine; install it by hand"
		return 1
	fi
	if [ "$apt_installed" -eq 0 ]; then
		run as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q || return 1
		apt_installed=1
	fi
	log "installing $*"
	run as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# --- PostgreSQL -------------------------------------------------------------

pg_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1; }

# pg_trust makes 127.0.0.1 connections trusted, as on the development
# machines: the tests connect as postgres without a password.
pg_trust() {
	local v hba
	v=$(pg_version)
	hba=/etc/postgresql/$v/main/pg_hba.conf
	[ -f "$hba" ] || return 0
	if ! grep -Eq '^[[:space:]]*host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
		log "setting trust auth for 127.0.0.1 in $hba"
		# Put it first: pg_hba.conf is first match wins.
		run as_root sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
	fi
}

# pg_auth_rule makes one role, retort_auth_test, log in with a password on
# 127.0.0.1, ahead of the trust rule, so that the tests can show how a
# wrong password is reported (trust accepts any). The tests create and drop
# the role themselves.
pg_auth_rule() {
	local v hba
	v=$(pg_version)
	hba=/etc/postgresql/$v/main/pg_hba.conf
	[ -f "$hba" ] || return 0
	if grep -Eq '^[[:space:]]*host[[:space:]]+all[[:space:]]+retort_auth_test[[:space:]]' "$hba"; then
		return 0
	fi
	log "asking retort_auth_test for a password on 127.0.0.1 in $hba"
	run as_root sed -i '1i host all retort_auth_test 127.0.0.1/32 scram-sha-256' "$hba" &&
		run as_root pg_ctlcluster --skip-systemctl-redirect "$v" main reload
}

pg_start() {
	if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(pg_version)" ]; then
		apt_install postgresql || return 1
	fi
	local v
	v=$(pg_version)
	if [ -z "$v" ]; then
		log "postgresql is installed but /etc/postgresql has no cluster"
		return 1
	fi
	if [ ! -d "/etc/postgresql/$v/main" ]; then
		run as_root pg_createcluster "$v" main || return 1
	fi
	pg_trust || return 1
	if pg_lsclusters -h 2>/dev/null | awk -v v="$v" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
		run as_root pg_ctlcluster --skip-systemctl-redirect "$v" main reload
	else
		run as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start
	fi
}

# --- MariaDB ----------------------------------------------------------------

my_conf_dropin() {
	local d
	for d in /etc/mysql/mariadb.conf.d /etc/mysql/conf.d; do
		if [ -d "$d" ]; then
			echo "$d/99-retort-test.cnf"
			return
		fi
	done
}

# my_setup makes a fresh Debian install look like the development machines:
# listen on 127.0.0.1, no reverse DNS (so 127.0.0.1 matches root@127.0.0.1),
# and root over TCP with an empty password. Debian's own root@localhost
# keeps unix_socket auth, which is how this script reaches it.
my_setup() {
	local f
	f=$(my_conf_dropin)
	if [ -n "$f" ] && [ ! -f "$f" ]; then
		log "writing $f"
		printf '[mysqld]\nbind-address = 127.0.0.1\nport = 3306\nskip-name-resolve\n' | run as_root tee "$f" || return 1
		return 2 # restart needed
	fi
}

my_grant_root_tcp() {
	run as_root "$(my_client)" -uroot -e "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED VIA mysql_native_password USING ''; GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; FLUSH PRIVILEGES;"
}

my_start() {
	local fresh=0
	if [ ! -x /usr/sbin/mariadbd ] && [ ! -x /usr/sbin/mysqld ]; then
		apt_install mariadb-server mariadb-client || return 1
		fresh=1
	fi
	local daemon=/usr/sbin/mariadbd
	[ -x "$daemon" ] || daemon=/usr/sbin/mysqld
	local rc=0
	my_setup || rc=$?
	[ "$rc" -eq 1 ] && return 1
	if [ "$rc" -eq 2 ] && pgrep -x "$(basename "$daemon")" >/dev/null 2>&1; then
		# The package's own start (if any) predates our settings.
		run as_root start-stop-daemon --stop --oknodo --retry 30 --exec "$daemon" || return 1
	fi
	run as_root install -d -o mysql -g mysql -m 0755 /run/mysqld || return 1
	local datadir=/var/lib/mysql
	if [ ! -d "$datadir/mysql" ]; then
		log "initialising $datadir"
		local init=mariadb-install-db
		command -v "$init" >/dev/null 2>&1 || init=mysql_install_db
		run as_root "$init" --user=mysql --datadir="$datadir" --skip-test-db || return 1
		fresh=1
	fi
	run as_root start-stop-daemon --start --oknodo --background --exec "$daemon" -- --user=mysql || return 1
	if [ "$fresh" -eq 1 ] || [ "$rc" -eq 2 ]; then
		# Wait for the socket, then let root in over TCP.
		local i
		for ((i = 0; i < WAIT_SECONDS; i++)); do
			"$(my_client)" -uroot -e 'select 1' >/dev/null 2>&1 && break
			[ "$(id -u)" -ne 0 ] && as_root "$(my_client)" -uroot -e 'select 1' >/dev/null 2>&1 && break
			sleep 1
		done
		my_grant_root_tcp || return 1
	fi
}

# --- main -------------------------------------------------------------------

# ensure NAME URL DEFAULT CHECK START: a server is managed here only when its
# URL is the default local one; another URL is the user's server, only checked.
declare -A result
ensure() {
	local name=$1 url=$2 default=$3 check=$4 start=$5
	if [ -z "$url" ]; then
		result[$name]=skip
		return
	fi
	if [ "$url" != "$default" ]; then
		result[$name]=external
		return
	fi
	if $check; then
		result[$name]=ok
		return
	fi
	if $start; then
		result[$name]=started
	else
		result[$name]=failed
	fi
}

PG_URL=${RETORT_TEST_POSTGRES-$PG_URL_DEFAULT}
MY_URL=${RETORT_TEST_MYSQL-$MY_URL_DEFAULT}
ensure postgres "$PG_URL" "$PG_URL_DEFAULT" pg_answers pg_start
case ${result[postgres]} in
ok | started) pg_auth_rule || result[postgres]=failed ;;
esac
ensure mysql "$MY_URL" "$MY_URL_DEFAULT" my_answers my_start

# Wait (at most WAIT_SECONDS in all) for the servers just started.
deadline=$((SECONDS + WAIT_SECONDS))
for name in postgres mysql; do
	[ "${result[$name]}" = started ] || continue
	check=pg_answers
	[ "$name" = mysql ] && check=my_answers
	until $check; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			log "$name did not answer on 127.0.0.1 within ${WAIT_SECONDS}s"
			result[$name]=failed
			break
		fi
		sleep 1
	done
	[ "${result[$name]}" = started ] && result[$name]=ok
done

status=0
emit() {
	local name=$1 var=$2 url=$3
	case ${result[$name]} in
	ok | external)
		printf "export %s='%s'\n" "$var" "$url"
		;;
	skip)
		printf 'unset %s\n' "$var"
		;;
	failed)
		if [ "$REQUIRE" = 1 ]; then
			log "$name is not available and RETORT_TEST_REQUIRE_SERVERS=1"
			status=1
		else
			log "$name is not available: its tests will skip"
		fi
		printf 'unset %s\n' "$var"
		;;
	esac
}
emit postgres RETORT_TEST_POSTGRES "$PG_URL"
emit mysql RETORT_TEST_MYSQL "$MY_URL"
exit "$status"
