#!/usr/bin/env bash
# Makes the upgrade test's data dir: what an install of release 1 (schema
# version 2) holds after some use. Run from the repository root:
#
#   testdata/upgrade/release-1/make.sh [COMMIT]
#
# COMMIT defaults to e9c00c745cc2fac5da333b6f40fe38f6371ff731 (main before
# issue 9: the last commit of release 1). The script builds that commit's
# binary in a temporary worktree and uses only that binary, so its output does
# not depend on today's code. It needs go, git, curl, jq and python3 (no sqlite3 CLI).
# UPPSOK_RELEASE_BIN=path uses a binary already built from COMMIT.
#
# What it does:
#  1. seed-demo --contacts 300 --year 2025 (users, devices, sessions, 300
#     contacts; with that commit's pb_hooks so child contacts raise follow-ups);
#  2. serves the dir on loopback, enrolls a tablet and pushes one contact per
#     code that seed-demo never picks (languages, purposes), so every code of
#     release 1 is stored somewhere; freezes one lägesbild release;
#  3. writes the lägesbild 2025 (JSON) as the old binary computed it, to
#     lagesbild-2025.json: the upgrade test compares its totals;
#  4. keeps data.db and person_code.key only (no logs db, no types.d.ts).
#
# person_code.key is the (synthetic) person-code key the old binary generated
# for this dir; it is committed so that stored person_key hashes stay
# matchable. Never use it for anything but this test.
set -euo pipefail
COMMIT=${1:-e9c00c745cc2fac5da333b6f40fe38f6371ff731}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; git worktree remove --force "$WORK/src" 2>/dev/null || true; rm -rf "$WORK"' EXIT
SERVER=

git worktree add --detach "$WORK/src" "$COMMIT" >/dev/null
# UPPSOK_RELEASE_BIN: a binary already built from COMMIT (saves the build).
BIN=${UPPSOK_RELEASE_BIN:-}
if [ -z "$BIN" ]; then
  (cd "$WORK/src" && go build -o "$WORK/uppsok" .)
  BIN=$WORK/uppsok
fi
DIR=$WORK/pb_data
export UPPSOK_HOOKS_DIR=$WORK/src/pb_hooks

"$BIN" seed-demo --dir "$DIR" --contacts 300 --year 2025

PORT=18391
B=http://127.0.0.1:$PORT
"$BIN" superuser upsert make@upgrade.test 'make-upgrade-data-123' --dir "$DIR" >/dev/null
"$BIN" serve --dir "$DIR" --http 127.0.0.1:$PORT >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf $B/api/health >/dev/null && break; sleep 0.3; done

TOKEN=$(curl -sf -X POST $B/api/collections/_superusers/auth-with-password \
  -H 'Content-Type: application/json' \
  -d '{"identity":"make@upgrade.test","password":"make-upgrade-data-123"}' | jq -r .token)
TEAM=$(curl -sf "$B/api/collections/teams/records?filter=code='mika'" -H "Authorization: $TOKEN" | jq -r '.items[0].id')
CODE=$(curl -sf -X POST $B/api/field/enrollments -H "Authorization: $TOKEN" \
  -H 'Content-Type: application/json' -d "{\"team_id\":\"$TEAM\",\"label\":\"Uppgradering\"}" | jq -r .code)
DEV=$(curl -sf -X POST $B/api/field/enroll -H 'Content-Type: application/json' \
  -d "{\"code\":\"$CODE\"}" | jq -r .token)
NOW=$(curl -sf "$B/api/field/sync?last_pulled_at=0&schema_version=2" -H "Authorization: $DEV" | jq -r .timestamp)

# One contact per code seed-demo leaves out; the rest of each contact varies
# so that the lägesbild tables get a few more cells. Dates in 2025.
BODY=$(python3 - "$NOW" <<'PY'
import json, sys, uuid
langs = ["bg", "hu", "pl", "ru", "uk", "zh", "fa", "so", "ti"]
purposes = ["forced_labour", "exploitative_work", "begging", "crime",
            "military_service", "organ_removal", "forced_marriage", "other_distress", "sexual"]
created = []
for i, (lang, purpose) in enumerate(zip(langs, purposes)):
    created.append({
        "id": str(uuid.uuid4()), "occurred_on": "2025-%02d-15" % (i + 2),
        "daypart": "evening", "channel": "street", "area": "norrmalm", "arena": "street",
        "platforms": "[]", "role": "sells_sex", "age_band": ["under_15", "15_17", "21_25"][i % 3],
        "gender": "woman", "origin_region": "eu_eea", "language": lang, "interpreter": i % 2 == 0,
        "indicators": json.dumps(["debt"]), "assessment": "suspected_trafficking",
        "purposes": json.dumps([purpose]), "actions": json.dumps(["information", "info_card"]),
        "cards_given": 1, "person_code": "UP%04d" % i, "notes": "",
    })
print(json.dumps({"last_pulled_at": int(sys.argv[1]),
                  "changes": {"contacts": {"created": created, "updated": [], "deleted": []}}}))
PY
)
curl -sf -X POST "$B/api/field/sync?schema_version=2" -H "Authorization: $DEV" \
  -H 'Content-Type: application/json' -H "Idempotency-Key: $(python3 -c 'import uuid;print(uuid.uuid4())')" \
  -d "$BODY" | jq -c .
curl -sf -X POST $B/api/lagesbild/releases -H "Authorization: $TOKEN" \
  -H 'Content-Type: application/json' -d '{"year":2025,"tertial":1,"note":"Uppgraderingstest"}' | jq -c '{id,year,tertial}'
kill $SERVER; wait $SERVER 2>/dev/null || true; SERVER=

# The superuser made for this script is not part of release-1 data
# (PocketBase refuses to delete the last superuser, so plain SQL).
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM _superusers WHERE email = ?", ("make@upgrade.test",)); c.commit(); c.close()' "$DIR/data.db"
"$BIN" lagesbild --dir "$DIR" --year 2025 --format json --out "$WORK/out" >/dev/null

rm -f "$HERE/data.db" "$HERE/person_code.key" "$HERE/lagesbild-2025.json"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.execute("VACUUM"); c.close()' "$DIR/data.db"
cp "$DIR/data.db" "$DIR/person_code.key" "$HERE/"
cp "$WORK/out/"*.json "$HERE/lagesbild-2025.json"
echo "made $HERE from $COMMIT"
