#!/usr/bin/env bash
# Runs the sync benchmarks in one process run and prints the ratios the
# README reports: push vs a raw prepared INSERT and vs PocketBase's
# /api/batch, first-pull throughput, and the 200-tablet latency/memory run,
# plus where push time goes (CPU profile, top functions).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
go test ./field/ -run '^$' -bench 'PushHTTP|PushTablet|RawInsert|PushVsRaw|AppSave|PocketBaseBatch|FirstPull20k' \
  -benchtime "${BENCHTIME:-20x}" -cpuprofile "$out/cpu.prof" -o "$out/field.test" | tee "$out/bench.txt"
# The real binary as its own process, built once: 200 tablets at once
# (push 50 + first pull), first-pull bytes per contact plain and gzip, and
# the extra RSS of a streamed first pull of a 100,000-contact window.
go build -o "$out/uppsok" .
npm ci --prefix tools/browser --no-audit --no-fund >/dev/null
# The burst is run LOADTEST_ROUNDS times (3), each on a fresh server: one
# burst's p99 is the second slowest of 200 tablets and moves by a tenth or
# more from run to run; the figures below are the rounds' medians.
go run ./tools/loadtest --bin "$out/uppsok" --rounds "${LOADTEST_ROUNDS:-3}" ${LOADTEST_FLAGS:-} | tee "$out/load.txt"

rate() { awk -v name="$1" '$1 ~ "^Benchmark"name"(-[0-9]+)?$" { for (i=1;i<=NF;i++) if ($(i+1)=="contacts/s") print $i }' "$out/bench.txt"; }
metric() { awk -v name="$1" -v unit="$2" '$1 ~ "^Benchmark"name"(-[0-9]+)?$" { for (i=1;i<=NF;i++) if ($(i+1)==unit) print $i }' "$out/bench.txt"; }
push=$(rate PushHTTP); tablet=$(rate PushTablet); raw=$(rate RawInsert); save=$(rate AppSave); batch=$(rate PocketBaseBatch); pull=$(rate FirstPull20k)
paired=$(metric PushVsRaw push/raw); pairedPush=$(metric PushVsRaw push-µs/op); pairedRaw=$(metric PushVsRaw raw-µs/op)
echo
echo "== ratios (same run, same machine)"
awk -v p="$push" -v t="$tablet" -v r="$raw" -v s="$save" -v b="$batch" -v f="$pull" 'BEGIN {
  printf "push (HTTP, 500/batch)   %8.0f contacts/s\n", p
  printf "push (HTTP, 50/batch)    %8.0f contacts/s   (a tablet-sized push, one after another: the burst'"'"'s queue for the write lock)\n", t
  printf "raw prepared INSERT      %8.0f contacts/s   push/raw   = %.3f (the two benchmarks, seconds apart)\n", r, p/r
  printf "PocketBase app.Save, tx  %8.0f contacts/s   push/save  = %.2f (app.Save per record, in-process: what the push wrote with before push_fast.go)\n", s, p/s
  printf "PocketBase /api/batch    %8.0f contacts/s   push/batch = %.2f\n", b, p/b
  printf "first pull of 20,000     %8.0f contacts/s\n", f
}'
load() { awk -v k="$1" '$1 == k { print $2 }' "$out/load.txt"; }
awk -v q="$paired" -v p="$pairedPush" -v r="$pairedRaw" 'BEGIN { printf "push/raw taken in turns  %.3f (medians: push of 500 %.1f ms, raw INSERT of 500 %.1f ms; BenchmarkPushVsRaw)\n", q, p/1000, r/1000 }'
echo "$(load tablets) tablets at once (push 50 + first pull, schema $(load tablets-schema)), real binary, median of $(load tablets-rounds) fresh rounds: p50 $(load tablets-p50-ms) ms, p99 $(load tablets-p99-ms) ms, errors $(load tablets-errors) (all rounds), server peak RSS $(load tablets-peak-rss-mib) MiB (largest)"
grep '^tablets-round-' "$out/load.txt" | sed 's/^/  /'
echo "  of which the push: p50 $(load tablets-push-p50-ms) ms, p99 $(load tablets-push-p99-ms) ms; the pull: p50 $(load tablets-pull-p50-ms) ms, p99 $(load tablets-pull-p99-ms) ms"
echo "first pull of $(load pull-contacts) contacts: $(load pull-bytes-per-contact-plain) bytes/contact plain, $(load pull-bytes-per-contact-gzip) gzip"
echo "field app's first sync of $(load weak-link-contacts) contacts over 1.6 Mbit/s, 150 ms (Chromium emulation): $(load weak-link-seconds) s"
echo "streamed first pull of $(load stream-contacts) contacts: server RSS +$(load stream-extra-rss-mib) MiB"

# Lägesbild: a whole year from 1,000,000 contacts vs one raw GROUP BY pass
# over the same table in the same process, run twice (the machine is
# shared: two same-run ratios show the spread); then the small tertial
# (200 contacts, every table, tertial + year + a revision, all audited).
# BENCH_LAGESBILD=0 leaves them out (the sync figures alone, in minutes).
if [ "${BENCH_LAGESBILD:-1}" != 0 ]; then
  for run in 1 2; do
    go test ./exports/ -run '^$' -bench 'Lagesbild1M' -benchtime "${LB_BENCHTIME:-3x}" -timeout 60m | tee "$out/lb$run.txt"
  done
  go test ./exports/ -run '^$' -bench 'LagesbildSmallTertial' -benchtime "${LB_SMALL_BENCHTIME:-1x}" -timeout 30m | tee "$out/lbsmall.txt"
  for run in 1 2; do
    gb=$(awk '$1 ~ /^BenchmarkLagesbild1M\/groupby/ {print $3}' "$out/lb$run.txt")
    lb=$(awk '$1 ~ /^BenchmarkLagesbild1M\/lagesbild/ {print $3}' "$out/lb$run.txt")
    awk -v r="$run" -v g="$gb" -v l="$lb" 'BEGIN { printf "lägesbild of 1,000,000 contacts (run %d): %.2f s; one GROUP BY pass: %.2f s; ratio %.2f (target <= 1.5)\n", r, l/1e9, g/1e9, l/g }'
  done
  small=$(awk '$1 ~ /^BenchmarkLagesbildSmallTertial/ {print $3}' "$out/lbsmall.txt")
  awk -v s="$small" 'BEGIN { printf "small tertial (200 contacts, every table, tertial + year + revision audited): %.1f s per op (keep under 60)\n", s/1e9 }'
fi

echo
echo "== where push time goes (CPU, cumulative, uppsok and PocketBase frames)"
go tool pprof -top -cum -focus 'handlePush' "$out/field.test" "$out/cpu.prof" 2>/dev/null \
  | grep -E 'uppsok/|core\.\(\*BaseApp\)\.(create|Save)|core\.\(\*Record\)\.Original|DBExport|jsvm|goja\.\(\*Runtime\)\.RunProgram|encoding/json\.Unmarshal|sqlite3Step' | head -20
