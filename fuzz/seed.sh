#!/usr/bin/env bash
# Seeds the fuzz corpora from fixtures/. For the spec targets (loader, check, render) an
# input's first byte picks the format (odd: JSON, even: YAML), so each fixture gets the
# matching prefix byte. The config target gets every ecslint.yaml, the rule target every
# rule file (built-in, team examples and broken ones).
set -euo pipefail
cd "$(dirname "$0")"
seed() { # seed TARGET FILE PREFIX
    local out
    out="corpus/$1/seed-$(printf '%s' "$2" | md5sum | cut -c1-16)"
    printf "$3" > "$out"
    cat "$2" >> "$out"
}
for target in loader check render; do
    mkdir -p "corpus/$target"
    find ../fixtures -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort | while read -r file; do
        case "$file" in
            *.json) seed "$target" "$file" '\001' ;;
            *) seed "$target" "$file" '\000' ;;
        esac
    done
done
mkdir -p corpus/config corpus/rule
# The README's config, with every key, is the config seed (the repository commits none).
sed -n '/^# ecslint.yaml$/,/^```$/p' ../README.md | grep -v '^```' > corpus/config/seed-readme
find ../rules ../fixtures/custom-rules ../fixtures/bad-rules -type f -name '*.yaml' ! -path '*/catalog/*' | sort | while read -r file; do
    seed rule "$file" ''
done
for target in loader check render config rule; do
    echo "$target: $(ls "corpus/$target" | wc -l) seed inputs"
done
