#!/usr/bin/env bash
# Seeds both fuzz corpora with the spec fixtures. A fuzz input's first byte picks the
# format (odd: JSON, even: YAML), so each fixture gets the matching prefix byte.
set -euo pipefail
cd "$(dirname "$0")"
for target in loader check; do
    mkdir -p "corpus/$target"
    find ../fixtures -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort | while read -r file; do
        out="corpus/$target/seed-$(printf '%s' "$file" | md5sum | cut -c1-16)"
        case "$file" in
            *.json) printf '\001' > "$out" ;;
            *) printf '\000' > "$out" ;;
        esac
        cat "$file" >> "$out"
    done
done
echo "seeded $(ls corpus/loader | wc -l) inputs per target"
