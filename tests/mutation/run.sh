#!/bin/sh
# Mutation testing (mutmut 3) of one module or folder that decides figures, against the fast tests only (the YAML
# cases and the unit tests: [tool.mutmut] in pyproject.toml). Not in CI: too slow (see tests/mutation/README.md).
#
#   tests/mutation/run.sh engine/checks          # a folder
#   tests/mutation/run.sh engine/ledger.py       # a module
#
# Prints mutmut's progress, then the count of each outcome for the target, then the surviving mutants
# (`.venv/bin/mutmut show NAME` shows one as a diff). Results stay in mutants/ (ignored by git); mutmut runs
# again every mutant the glob selects (to run some only, name them: tests/mutation/README.md).
set -eu
cd "$(dirname "$0")/../.."
target=${1:?"usage: tests/mutation/run.sh engine/checks | engine/counting | engine/flux | engine/ledger.py"}
glob=$(printf '%s' "$target" | sed 's#/*$##; s#\.py$##; s#/#.#g')
# mutmut's timeout sends SIGXCPU to a worker's process id, which may by then be another process: run it in a
# process-id namespace of its own where unshare(1) allows it, so that only its own processes can be reached.
if unshare -pf --mount-proc true 2>/dev/null; then isolate="unshare -pf --mount-proc"
elif unshare -rpf --mount-proc true 2>/dev/null; then isolate="unshare -rpf --mount-proc"
else isolate=""; echo "run.sh: unshare unavailable; mutmut runs unisolated (README: run it alone)" >&2
fi
$isolate .venv/bin/mutmut run "$glob.*" --max-children "${MUTMUT_PROCESSUS:-2}" || true
.venv/bin/python - "$glob" <<'PY'
import re, subprocess, sys
from collections import Counter

glob = sys.argv[1]
lines = subprocess.run([".venv/bin/mutmut", "results", "--all", "true"], capture_output=True, text=True).stdout
outcomes = [(m.group(1), m.group(2)) for m in re.finditer(r"^\s*(\S+): (.+)$", lines, re.M)
            if m.group(1).startswith(glob + ".")]
counts = Counter(status for _, status in outcomes)
print(f"{glob}: {len(outcomes)} mutants — " + ", ".join(f"{s}: {n}" for s, n in counts.most_common()))
for name, status in outcomes:
    if status == "survived":
        print("  survived", name)
PY
