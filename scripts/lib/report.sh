# shellcheck shell=bash
# The pass/fail lines of the test scripts (test-package.sh, test-arm-gateway.sh,
# test-venus-install.sh), sourced by them: `ok WHAT` and `bad WHAT [DETAILS]` count into
# $passed / $failed and print "  ok    PREFIXWHAT" / "  FAIL  PREFIXWHAT" (FAIL and its details
# on stderr, indented). PREFIX is $report_prefix (e.g. "armhf: "), empty by default.
passed=0
failed=0
report_prefix="${report_prefix:-}"
ok() {
  passed=$((passed + 1))
  echo "  ok    $report_prefix$1"
}
bad() {
  failed=$((failed + 1))
  echo "  FAIL  $report_prefix$1" >&2
  if [ -n "${2:-}" ]; then printf '%s\n' "$2" | tail -40 | sed 's/^/          /' >&2; fi
}
