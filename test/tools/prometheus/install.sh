#!/usr/bin/env bash
# promtool and Prometheus for the observability tests (test/src/observability/), from Debian's
# `prometheus` package. Not a Go module like the other test tools: building
# github.com/prometheus/prometheus/cmd/{prometheus,promtool} pulls in every service-discovery and
# cloud SDK (about 1,300 packages; even -tags remove_all_sd leaves about 1,060) and did not finish
# in 11 minutes cold on the 2-core machine, where the package installs in about 25 seconds.
#
# Idempotent: does nothing when both are on PATH. Installs with apt-get when run as root; otherwise
# says what to install. Prints the directory holding both binaries as the last line of stdout.
set -euo pipefail
if command -v promtool > /dev/null && command -v prometheus > /dev/null; then
  dirname "$(command -v promtool)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "test/tools/prometheus/install.sh: promtool and prometheus are missing; install Debian's" \
    "'prometheus' package (apt-get install --no-install-recommends prometheus) or put both on PATH" >&2
  exit 1
fi
echo "installing Debian's prometheus package (promtool, prometheus)..." >&2
export DEBIAN_FRONTEND=noninteractive
# Two test runs at once would fight over dpkg's lock.
exec 9> /tmp/ensign-apt.lock
command -v flock > /dev/null && flock 9
if ! command -v promtool > /dev/null || ! command -v prometheus > /dev/null; then
  apt-get update -qq >&2
  # The package's service is not started: containers have no init, and policy-rc.d denies it.
  apt-get install -y -qq --no-install-recommends prometheus >&2
fi
dirname "$(command -v promtool)"
