#!/usr/bin/env bash
# The fleet benchmark: COUNT (default 1000) varied profiles, each with its generated output
# committed beside it as `infra/`, then, in the same run:
#   - `diff -r` over the whole fleet against a copy of it (one process),
#   - `mlzone diff` over every profile (one process, one job per core, then one job),
# and whole-process timings of `generate` and `diff` for the typical and the large profile.
# Prints medians (hyperfine), the ratio to `diff -r`, and peak RSS. Writes only to a temporary
# directory, removed at exit. Needs hyperfine (Debian: `apt-get install hyperfine`).
# MLZONE=path/to/mlzone times that build instead of building this checkout (to compare two
# builds under the same conditions).
#   benches/fleet.sh            COUNT=50 benches/fleet.sh            MLZONE=/tmp/old benches/fleet.sh
set -euo pipefail
cd "$(dirname "$0")/.."

count=${COUNT:-1000}
# Waivers are judged against a fixed day, so the fleet stays valid and warning-free.
export MLZONE_TODAY=2026-11-22
command -v hyperfine >/dev/null || { echo "fleet.sh needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
if [[ -n ${MLZONE:-} ]]; then
    mlzone=$(realpath "$MLZONE")
else
    cargo build --release --locked --quiet
    mlzone=$PWD/target/release/mlzone
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- the fleet -----------------------------------------------------------------------------
cp -r profiles "$work/profiles"
mkdir -p "$work/fleet"
# Regions with availability zones whose pairs have them too, so no profile warns.
regions=(westeurope northeurope centralus eastus2 japaneast southeastasia brazilsouth westus3)
goldens=(baseline exploratory gpu-training regulated)
skus=(Standard_D4_v5 Standard_D8_v5 Standard_E16_v5 Standard_D16_v5)
for i in $(seq 1 "$count"); do
    golden=${goldens[i % ${#goldens[@]}]}
    dir="$work/fleet/p$i"
    mkdir -p "$dir"
    {
        echo "extends: ../../profiles/$golden.yaml"
        echo "project: proj-$i"
        case $golden in
            exploratory) echo "environment: $( ((i % 2)) && echo dev || echo test)" ;;
            *) echo "environment: prod" ;;
        esac
        echo "regions: {primary: ${regions[i % ${#regions[@]}]}}"
        case $((i % 3)) in
            0) echo "outputs: [terraform, bicep]" ;;
            1) echo "outputs: [terraform]" ;;
            2) echo "outputs: [bicep]" ;;
        esac
        if [[ $golden != gpu-training ]]; then
            echo "compute:"
            echo "  clusters:"
            for c in $(seq 1 $((i % 4 + 1))); do
                echo "    - {name: cl$c, sku: ${skus[(i + c) % ${#skus[@]}]}, purpose: training, max_nodes: $((c + 1))}"
            done
        fi
        echo "network:"
        echo "  outbound:"
        echo "    - {name: pypi, fqdn: pypi.org}"
        for r in $(seq 1 $((i % 5))); do
            echo "    - {name: mirror-$r, fqdn: mirror$r.pythonhosted.org}"
        done
        echo "    - {name: entra-id, service_tag: AzureActiveDirectory}"
        if [[ $golden == exploratory ]]; then
            echo "waivers:"
            echo "  - {id: COST-03, reason: team budget is tracked centrally, expires: 2027-06-30}"
        fi
        echo "tags: {owner: team-$((i % 17)), cost-center: \"$((1000 + i))\"}"
    } > "$dir/profile.yaml"
done
profiles=("$work"/fleet/p*/profile.yaml)
"$mlzone" validate "${profiles[@]}" > /dev/null
"$mlzone" generate "${profiles[@]}" > /dev/null
cp -r "$work/fleet" "$work/fleet-copy"
echo "fleet: $count profiles, $(find "$work/fleet" -type f | wc -l) files, $(du -sh "$work/fleet" | cut -f1)"

# --- timings -------------------------------------------------------------------------------
typical=examples/fraud-detection/profile.yaml
large=benches/profiles/large.yaml
"$mlzone" generate "$large" -o "$work/large" > /dev/null
hyperfine --style basic -N --warmup 2 --runs "${RUNS:-10}" --export-json "$work/fleet.json" \
    -n "diff -r" "diff -r $work/fleet $work/fleet-copy" \
    -n "mlzone diff (fleet)" "$mlzone diff ${profiles[*]}" \
    -n "mlzone diff --jobs 1 (fleet)" "$mlzone diff --jobs 1 ${profiles[*]}"
hyperfine --style basic -N --warmup 5 --runs 100 --export-json "$work/one.json" \
    -n "diff typical" "$mlzone diff $typical" \
    -n "generate typical" "$mlzone generate $typical -o $work/typical" \
    -n "diff large" "$mlzone diff $large -o $work/large" \
    -n "generate large" "$mlzone generate $large -o $work/large"

# --- summary -------------------------------------------------------------------------------
median() { python3 -c "import json,sys; r={x['command']:x['median'] for x in json.load(open(sys.argv[1]))['results']}; print(r[sys.argv[2]])" "$@"; }
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
ms() { python3 -c "print(f'{float(\"$1\")*1000:.1f} ms')"; }
ratio() { python3 -c "print(f'{float(\"$1\")/float(\"$2\"):.2f}x')"; }
diffr=$(median "$work/fleet.json" "diff -r")
fleet=$(median "$work/fleet.json" "mlzone diff (fleet)")
serial=$(median "$work/fleet.json" "mlzone diff --jobs 1 (fleet)")
dtyp=$(median "$work/one.json" "diff typical")
gtyp=$(median "$work/one.json" "generate typical")
dlarge=$(median "$work/one.json" "diff large")
echo
echo "== medians ($count profiles, $(nproc) cores)"
echo "diff -r over the fleet          $(ms "$diffr")"
echo "mlzone diff over the fleet      $(ms "$fleet")  ($(ratio "$fleet" "$diffr") diff -r; target <= 1x)"
echo "mlzone diff --jobs 1            $(ms "$serial")"
echo "diff, typical profile           $(ms "$dtyp")  (target <= 5 ms)"
echo "generate, typical profile       $(ms "$gtyp")  (target <= 5 ms)"
echo "diff, large profile             $(ms "$dlarge")  ($(ratio "$dlarge" "$dtyp") typical; target <= 10x)"
echo "generate, large profile         $(ms "$(median "$work/one.json" "generate large")")"
echo "peak RSS: typical diff $(rss "$mlzone" diff $typical) KiB, large diff $(rss "$mlzone" diff $large -o "$work/large") KiB, fleet diff $(rss "$mlzone" diff "${profiles[@]}") KiB (target <= 20480)"
